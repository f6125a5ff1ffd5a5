import type { Mapping } from '../config/mapping.js'
import type { Source } from '../source/create-source.js'
import { finding, type Finding } from './check-finding.js'

/** A database clock this far from the host's (after its zone offset) is reported. */
const SKEW_WARNING_MS = 60_000
const QUARTER_HOUR_MS = 15 * 60_000

/**
 * Compares the database's clock (the one incremental windows are measured on) with this host's. The
 * database answers in wall-clock time of its session zone, so the difference splits into a zone offset
 * (rounded to quarter hours, which every zone's offset is a multiple of) and the skew between the clocks.
 */
export async function clockFindings(mapping: Mapping, source: Source, now: () => Date = () => new Date()): Promise<Finding[]> {
  const before = now().getTime()
  const [row] = await source.query(source.dialect.currentTimestampQuery(), [])
  const after = now().getTime()
  const text = row?.[0] ?? ''
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?/.exec(text)
  if (!match) return [finding('warning', 'clock', `the database clock answered "${text}", not a timestamp`, 'report this with the database product and version')]
  const [, y, mo, d, h, mi, s, ms = '0'] = match as unknown as string[]
  const dbWall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0')))
  const host = (before + after) / 2
  const difference = dbWall - host
  const offsetMs = Math.round(difference / QUARTER_HOUR_MS) * QUARTER_HOUR_MS
  const skew = difference - offsetMs
  const offset = formatOffset(offsetMs)
  const findings: Finding[] = []
  const apart = `${(Math.abs(skew) / 1000).toFixed(1)} s ${skew >= 0 ? 'ahead of' : 'behind'}`
  findings.push(
    Math.abs(skew) > SKEW_WARNING_MS
      ? finding('warning', 'clock', `the database clock (${text}) runs ${apart} this host's clock`, 'incremental windows use the database clock, file names the host clock; have both synchronised (NTP)')
      : finding('ok', 'clock', `database clock ${text}, ${apart} this host's clock`),
  )

  const sessionZone = source.dialect.sessionTimeZoneQuery ? ((await source.query(source.dialect.sessionTimeZoneQuery(), []))[0]?.[0] ?? '') : undefined
  const named = sessionZone ? `session time zone ${sessionZone}, ` : ''
  const utilityOffset = formatOffset(zoneOffsetMs(mapping.timezone, new Date(host)))
  if (offsetMs === 0) {
    findings.push(finding('ok', 'time zone', `${named}the database clock runs on UTC (the utility's zone ${mapping.timezone} is UTC${utilityOffset} now)`))
  } else if (offset === utilityOffset) {
    findings.push(finding('ok', 'time zone', `${named}the database clock runs on UTC${offset}, the utility's zone ${mapping.timezone} now`))
  } else {
    findings.push(
      finding(
        'warning',
        'time zone',
        `${named}the database clock runs on UTC${offset}: neither UTC nor the utility's zone ${mapping.timezone} (UTC${utilityOffset} now)`,
        'last-update timestamps must be compared on the clock they are written with; check the session time zone of the extract user',
      ),
    )
  }
  return findings
}

function zoneOffsetMs(timeZone: string, at: Date): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  )
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  return Math.round((wall - at.getTime()) / QUARTER_HOUR_MS) * QUARTER_HOUR_MS
}

function formatOffset(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000)
  return `${ms < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}
