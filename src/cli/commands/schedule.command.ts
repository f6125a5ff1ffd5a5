import { mkdirSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import type { CommandModule } from 'yargs'
import { loadMapping } from '../../config/load-mapping.js'
import { chooseRunTime, DEFAULT_RUN_TIME, START_OF_BUSINESS_HOUR } from '../../schedule/run-time.js'
import { buildScheduleEntries, SCHEDULER_KINDS, type SchedulerKind } from '../../schedule/schedule-entries.js'
import { PACKAGE_ROOT } from '../package-paths.js'
import type { RunContext } from '../run-context.js'

interface ScheduleArgs {
  mapping: string
  os: SchedulerKind
  out?: string
  daily: boolean
  time: string
}

const INSTALL_STEPS: Record<SchedulerKind, (dir: string, unit: string) => string> = {
  cron: (dir, unit) => `install: crontab -l | cat - ${join(dir, `${unit}.cron`)} | crontab -`,
  systemd: (dir, unit) =>
    `install: cp ${join(dir, `${unit}.service`)} ${join(dir, `${unit}.timer`)} /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now ${unit}.timer`,
  windows: (dir, unit) => `install: schtasks /Create /TN "opower-extract\\${unit.replace('opower-extract-', '')}" /XML "${join(dir, `${unit}.xml`)}"  (keep ${unit}.cmd where it is)`,
}

export function scheduleCommand(context: RunContext): CommandModule<object, ScheduleArgs> {
  return {
    command: 'schedule',
    describe: 'Print ready cron, systemd or Windows Task Scheduler entries that run the incremental delivery',
    builder: (yargs) =>
      yargs
        .option('mapping', { type: 'string', demandOption: true, describe: 'Mapping file (YAML) the scheduled run uses' })
        .option('os', { choices: SCHEDULER_KINDS, demandOption: true, describe: 'cron (a crontab line), systemd (.service + .timer), windows (Task Scheduler XML + .cmd wrapper)' })
        .option('out', { type: 'string', describe: 'Write the entries into this folder instead of printing them' })
        .option('daily', { type: 'boolean', default: false, describe: 'Run every day instead of weekly (Mondays)' })
        .option('time', {
          type: 'string',
          default: DEFAULT_RUN_TIME,
          describe: "Start time HH:MM in the mapping's time zone; refused within an hour of a DST change",
        })
        .example('$0 schedule --mapping /srv/opower/mapping.yaml --os systemd --out /tmp/units', 'a weekly systemd timer, Mondays 04:30 utility time')
        .example('$0 schedule --mapping mapping.yaml --os cron --daily', 'print a daily crontab line')
        .example('$0 schedule --mapping C:\\opower\\mapping.yaml --os windows --out C:\\opower\\task', 'Task Scheduler XML and its wrapper')
        .epilogue(
          `Weekly runs start Mondays at ${DEFAULT_RUN_TIME} in the utility's zone: after the weekend, before start of business, clear of every DST change. The entries call \`run --phase incremental\` with --summary in the workspace state folder.`,
        ),
    handler: (args) => {
      const { mapping } = loadMapping(args.mapping)
      if (!mapping.delivery) context.output.log(`warning: ${mapping.file} has no delivery section: the scheduled run will fail until it has one (README "Delivery")`)
      const cadence = args.daily ? 'daily' : 'weekly'
      const now = new Date()
      const time = chooseRunTime(args.time, mapping.timezone, cadence, now)
      if (cadence === 'weekly' && time.hour >= START_OF_BUSINESS_HOUR) {
        context.output.log(`warning: a Monday run at ${args.time} ${mapping.timezone} arrives after start of business (${START_OF_BUSINESS_HOUR}:00)`)
      }
      const outDir = args.out ? resolve(args.out) : undefined
      const entries = buildScheduleEntries(
        args.os,
        {
          utility: mapping.utility,
          timezone: mapping.timezone,
          mappingFile: resolve(mapping.file),
          workdir: mapping.dir,
          stateDir: mapping.output.state,
          nodePath: process.execPath,
          binPath: join(PACKAGE_ROOT, 'bin', 'opower-extract.js'),
          user: userInfo().username,
          machineTimezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          wrapperDir: outDir ?? mapping.output.state,
        },
        time,
        join(PACKAGE_ROOT, 'templates', 'schedule'),
        now,
      )
      const unit = `opower-extract-${mapping.utility}`
      if (!outDir) {
        for (const entry of entries) context.output.result(`# ==> ${entry.fileName} <==\n${entry.text}`)
        return
      }
      mkdirSync(outDir, { recursive: true })
      for (const entry of entries) {
        writeFileSync(join(outDir, entry.fileName), entry.text, { mode: 0o644 })
        context.output.result(join(outDir, entry.fileName))
      }
      context.output.log(INSTALL_STEPS[args.os](outDir, unit))
    },
  }
}
