import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderTemplate } from './render-template.js'
import type { RunTime } from './run-time.js'

export const SCHEDULER_KINDS = ['cron', 'systemd', 'windows'] as const
export type SchedulerKind = (typeof SCHEDULER_KINDS)[number]

/** The facts of this install that go into the entries. */
export interface ScheduleInstall {
  readonly utility: string
  readonly timezone: string
  readonly mappingFile: string
  readonly workdir: string
  readonly stateDir: string
  readonly nodePath: string
  readonly binPath: string
  readonly user: string
  /** The time zone this machine runs in (cron uses it unless CRON_TZ is honoured). */
  readonly machineTimezone: string
  /** Where the Windows wrapper script will be saved (the Task Scheduler XML points at it). */
  readonly wrapperDir: string
}

export interface ScheduleEntry {
  readonly fileName: string
  readonly text: string
}

/** Ready scheduler entries for `run --phase incremental`, rendered from `templates/schedule/`. */
export function buildScheduleEntries(kind: SchedulerKind, install: ScheduleInstall, time: RunTime, templatesDir: string, now: Date): ScheduleEntry[] {
  const unit = `opower-extract-${install.utility}`
  const hhmm = `${pad(time.hour)}:${pad(time.minute)}`
  const values: Record<string, string> = {
    utility: install.utility,
    timezone: install.timezone,
    cadence: time.cadence,
    when: time.cadence === 'weekly' ? `Mondays at ${hhmm}, before start of business` : `daily at ${hhmm}`,
    time: hhmm,
    hour: String(time.hour),
    minute: String(time.minute),
    user: install.user,
    unit,
    workdir: install.workdir,
    node: install.nodePath,
    bin: install.binPath,
    mapping: install.mappingFile,
    summary: join(install.stateDir, 'last-run-summary.json'),
    log: join(install.stateDir, 'scheduled-run.log'),
  }
  const render = (template: string, extra: Record<string, string> = {}) =>
    renderTemplate(readFileSync(join(templatesDir, template), 'utf8'), { ...values, ...extra }, template)

  if (kind === 'cron') {
    const sameZone = install.machineTimezone === install.timezone
    return [
      {
        fileName: `${unit}.cron`,
        text: render('cron.txt', {
          cron_day: time.cadence === 'weekly' ? '1' : '*',
          cron_tz_line: sameZone ? '' : `CRON_TZ=${install.timezone}\n`,
          cron_tz_note: sameZone
            ? `This machine runs in ${install.timezone}, the utility's zone: the times below are local.`
            : `This machine runs in ${install.machineTimezone}: CRON_TZ makes cronie and systemd-cron read the times in ${install.timezone}; Debian's cron ignores it, use the systemd timer there.`,
        }),
      },
    ]
  }
  if (kind === 'systemd') {
    const days = time.cadence === 'weekly' ? 'Mon ' : ''
    return [
      { fileName: `${unit}.service`, text: render('opower-extract.service') },
      { fileName: `${unit}.timer`, text: render('opower-extract.timer', { on_calendar: `${days}*-*-* ${hhmm}:00 ${install.timezone}` }) },
    ]
  }
  const wrapper = join(install.wrapperDir, `${unit}.cmd`)
  return [
    {
      fileName: `${unit}.xml`,
      text: render('task-scheduler.xml', { wrapper, start_boundary: `${nextStartDate(install.timezone, time, now)}T${hhmm}:00`, schedule: taskSchedule(time) }).replace(/\n/g, '\r\n'),
    },
    { fileName: `${unit}.cmd`, text: render('opower-extract-task.cmd').replace(/\n/g, '\r\n') },
  ]
}

function taskSchedule(time: RunTime): string {
  return time.cadence === 'weekly'
    ? '      <ScheduleByWeek>\n        <DaysOfWeek>\n          <Monday />\n        </DaysOfWeek>\n        <WeeksInterval>1</WeeksInterval>\n      </ScheduleByWeek>'
    : '      <ScheduleByDay>\n        <DaysInterval>1</DaysInterval>\n      </ScheduleByDay>'
}

/** The local date (in the utility's zone) of the next start: tomorrow, or the next Monday for weekly runs. */
function nextStartDate(timezone: string, time: RunTime, now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
  const today = new Date(`${parts}T00:00:00Z`)
  const daysAhead = time.cadence === 'weekly' ? ((8 - today.getUTCDay()) % 7 || 7) : 1
  return new Date(today.getTime() + daysAhead * 86_400_000).toISOString().slice(0, 10)
}

function pad(value: number): string {
  return String(value).padStart(2, '0')
}
