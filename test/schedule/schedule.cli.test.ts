import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'
import { XMLParser, XMLValidator } from 'fast-xml-parser'

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const DEMO_MAPPING = fileURLToPath(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'opx-schedule-'))
after(() => rmSync(dir, { recursive: true, force: true }))
// A folder with a space and a percent sign: every format must quote or escape it.
const install = join(dir, 'opower 100% install')
mkdirSync(install)
const mapping = join(install, 'mapping.yaml')
copyFileSync(DEMO_MAPPING, mapping)

function schedule(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, 'schedule', '--mapping', mapping, ...args], { encoding: 'utf8', env: { ...process.env, ...env } })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('schedule (spawned)', () => {
  it('writes a systemd service and timer that systemd-analyze verify accepts, Mondays 04:30 in the utility zone', () => {
    const out = join(dir, 'systemd')
    const run = schedule(['--os', 'systemd', '--out', out])
    assert.equal(run.code, 0, run.stderr)
    const service = join(out, 'opower-extract-dem.service')
    const timer = join(out, 'opower-extract-dem.timer')
    const verify = spawnSync('systemd-analyze', ['verify', service, timer], { encoding: 'utf8', cwd: out })
    assert.equal(verify.status, 0, verify.stderr)
    assert.equal(verify.stderr.trim(), '')
    const onCalendar = /^OnCalendar=(.+)$/m.exec(readFileSync(timer, 'utf8'))![1]!
    assert.equal(onCalendar, 'Mon *-*-* 04:30:00 America/Chicago')
    const calendar = spawnSync('systemd-analyze', ['calendar', onCalendar, '--iterations', '3'], { encoding: 'utf8', env: { ...process.env, TZ: 'America/Chicago' } })
    assert.equal(calendar.status, 0, calendar.stderr)
    const elapses = [...calendar.stdout.matchAll(/(?:Next elapse|Iter\. #\d): (.+)$/gm)].map((m) => m[1]!)
    assert.equal(elapses.length, 3)
    for (const elapse of elapses) assert.match(elapse, /^Mon \d{4}-\d{2}-\d{2} 04:30:00 C[SD]T$/)
    assert.match(readFileSync(service, 'utf8'), /ExecStart=\S+ \S+ run --mapping ".*opower 100%% install\/mapping\.yaml" --phase incremental --summary/)
    assert.match(run.stderr, /systemctl enable --now opower-extract-dem\.timer/)
  })

  it('--daily makes the timer fire every day', () => {
    const out = join(dir, 'systemd-daily')
    assert.equal(schedule(['--os', 'systemd', '--out', out, '--daily']).code, 0)
    assert.match(readFileSync(join(out, 'opower-extract-dem.timer'), 'utf8'), /^OnCalendar=\*-\*-\* 04:30:00 America\/Chicago$/m)
  })

  it('writes Task Scheduler XML that parses, with a weekly Monday trigger and the wrapper it runs', () => {
    const out = join(dir, 'windows')
    const run = schedule(['--os', 'windows', '--out', out])
    assert.equal(run.code, 0, run.stderr)
    const xml = readFileSync(join(out, 'opower-extract-dem.xml'), 'utf8')
    assert.equal(XMLValidator.validate(xml), true)
    const task = new XMLParser({ ignoreAttributes: false }).parse(xml).Task
    assert.equal(task['@_xmlns'], 'http://schemas.microsoft.com/windows/2004/02/mit/task')
    for (const element of ['RegistrationInfo', 'Triggers', 'Principals', 'Settings', 'Actions']) assert.ok(task[element], element)
    const trigger = task.Triggers.CalendarTrigger
    assert.match(trigger.StartBoundary, /^\d{4}-\d{2}-\d{2}T04:30:00$/)
    assert.equal(new Date(`${trigger.StartBoundary.slice(0, 10)}T12:00:00Z`).getUTCDay(), 1, 'starts on a Monday')
    assert.ok('Monday' in trigger.ScheduleByWeek.DaysOfWeek)
    assert.equal(trigger.ScheduleByWeek.WeeksInterval, 1)
    const wrapper = task.Actions.Exec.Command as string
    assert.equal(wrapper, join(out, 'opower-extract-dem.cmd'))
    const cmd = readFileSync(wrapper, 'utf8')
    assert.match(cmd, /\r\n/)
    assert.match(cmd, /run --mapping ".*opower 100%% install\/mapping\.yaml" --phase incremental/)
    assert.match(cmd, /exit \/b %ERRORLEVEL%/)
  })

  it('--daily makes the Task Scheduler trigger daily', () => {
    const out = join(dir, 'windows-daily')
    assert.equal(schedule(['--os', 'windows', '--out', out, '--daily']).code, 0)
    const task = new XMLParser().parse(readFileSync(join(out, 'opower-extract-dem.xml'), 'utf8')).Task
    assert.equal(task.Triggers.CalendarTrigger.ScheduleByDay.DaysInterval, 1)
  })

  it('prints a cron line in the utility zone: CRON_TZ when the machine runs in another zone', () => {
    const elsewhere = schedule(['--os', 'cron'], { TZ: 'UTC' })
    assert.equal(elsewhere.code, 0, elsewhere.stderr)
    assert.match(elsewhere.stdout, /^CRON_TZ=America\/Chicago$/m)
    const line = elsewhere.stdout.split('\n').find((l) => /^\d/.test(l))!
    assert.match(line, /^30 4 \* \* 1 cd '.*opower 100\\% install' && /)
    assert.match(line, /run --mapping '.*mapping\.yaml' --phase incremental --summary '.*last-run-summary\.json' >> '.*scheduled-run\.log' 2>&1$/)
    const local = schedule(['--os', 'cron', '--daily'], { TZ: 'America/Chicago' })
    assert.doesNotMatch(local.stdout, /CRON_TZ/)
    assert.match(local.stdout, /^30 4 \* \* \* /m)
  })

  it('refuses a start time within an hour of the DST change, naming it', () => {
    const run = schedule(['--os', 'cron', '--time', '02:30'])
    assert.equal(run.code, 64)
    assert.match(run.stderr, /--time 02:30 is within an hour of the DST change in America\/Chicago \(\d{4}-03-\d{2} 02:00 local time, UTC offset -06:00 → -05:00\)/)
    assert.equal(existsSync(join(dir, 'never')), false)
  })
})
