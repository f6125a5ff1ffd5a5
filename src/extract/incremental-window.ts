import { ToolkitError } from '../errors/toolkit-error.js'
import type { Baseline, RunRecord, RunWindow } from '../state/state-store.js'
import { addDays, isCalendarDate } from './calendar-date.js'
import { isWallClockTimestamp, shiftTimestamp, startOfDay } from './wall-clock-timestamp.js'

export type IncrementalWindow = Extract<RunWindow, { kind: 'incremental' }>

export interface IncrementalWindowOptions {
  readonly baseline: Baseline
  /** The database clock (`currentTimestampQuery`), read at the start of the run. */
  readonly databaseNow: string
  /** `--end-date`: the window ends at the end of this day instead of at the clock minus the settle lag. */
  readonly endDate: string | undefined
  readonly lookbackSeconds: number
  readonly settleLagSeconds: number
  /** Sequence number the new run will get: suppression compares with accepted runs before it. */
  readonly seq: number
}

/**
 * The change window of the next incremental: `[previous upper − lookback, upper)`, `upper` = database
 * clock − settle lag, or the end of `--end-date`. Right after a full historical as of D, the previous
 * upper is the start of D + 1 and reads dated after D are taken whatever their change time, so nothing
 * falls between the historical and the first incremental.
 */
export function incrementalWindow(options: IncrementalWindowOptions): IncrementalWindow {
  const { baseline } = options
  const historical = historicalBounds(baseline.historical)
  const afterHistorical = baseline.last.phase === 'full'
  const previousUpper = afterHistorical ? startOfDay(addDays(historical.end, 1)) : upperOf(baseline.last)
  if (!isWallClockTimestamp(options.databaseNow)) {
    throw new ToolkitError('SOURCE_QUERY_FAILED', `the database clock answered "${options.databaseNow}", not a timestamp`, {
      hint: 'report this: the dialect must return YYYY-MM-DD HH:MM:SS.ffffff',
    })
  }
  const settled = shiftTimestamp(options.databaseNow, -options.settleLagSeconds)
  let upper = settled
  if (options.endDate !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options.endDate) || !isCalendarDate(options.endDate)) {
      throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--end-date "${options.endDate}" is not a calendar date`, { hint: 'write it YYYY-MM-DD, e.g. 2026-11-29' })
    }
    upper = startOfDay(addDays(options.endDate, 1))
    if (upper > settled) {
      throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--end-date ${options.endDate} ends at ${upper}, after the database clock minus the settle lag (${settled})`, {
        hint: 'changes of that day may still be committing; give an earlier --end-date or leave it out',
      })
    }
  }
  if (upper <= previousUpper) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `the window would be empty or go backwards: the last accepted run ${baseline.last.runId} ends at ${previousUpper}, the new upper bound is ${upper}`, {
      hint: options.endDate ? 'give a later --end-date' : 'wait until the database clock has passed the last upper bound plus the settle lag',
    })
  }
  return {
    kind: 'incremental',
    historyFrom: historical.from,
    lower: shiftTimestamp(previousUpper, -options.lookbackSeconds),
    upper,
    asOf: afterHistorical ? historical.end : undefined,
    baselineBefore: options.seq,
  }
}

function historicalBounds(run: RunRecord): { from: string; end: string } {
  return run.window?.kind === 'historical' ? run.window : { from: run.windowFrom, end: run.windowTo }
}

function upperOf(run: RunRecord): string {
  if (run.window?.kind !== 'incremental') throw new Error(`internal: run ${run.runId} has no incremental window`)
  return run.window.upper
}
