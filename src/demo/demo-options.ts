import { ToolkitError } from '../errors/toolkit-error.js'
import { dayOf } from './demo-calendar.js'

/** What decides the demo data; the same options always give the same rows. */
export interface DemoOptions {
  /** Premises, each with its first customer; move-ins add more customers and accounts. */
  readonly customers: number
  readonly seed: number
  /** First day of billing history, `YYYY-MM-DD`. Older accounts have setup dates before it. */
  readonly historyStart: string
  /** Last day of the history, `YYYY-MM-DD`: the "today" of the demo. Nothing happens after it. */
  readonly historyEnd: string
}

/** The `demo` command's database: 25,000 customers, bills from 2024-01-01 to 2026-10-31. */
export const DEFAULT_DEMO_OPTIONS: DemoOptions = {
  customers: 25_000,
  seed: 20240101,
  historyStart: '2024-01-01',
  historyEnd: '2026-10-31',
}

/** The scripted cases need room for a move chain, a cancel/rebill and late move-ins. */
export const MIN_HISTORY_DAYS = 120

/** Checks demo options and returns the history as day numbers. */
export function resolveDemoOptions(options: DemoOptions): { historyStart: number; historyEnd: number } {
  const invalid = (message: string, hint: string): ToolkitError =>
    new ToolkitError('USAGE_INVALID_ARGUMENT', `demo data: ${message}`, { hint })
  if (!Number.isSafeInteger(options.customers) || options.customers < 1) {
    throw invalid(
      `customers must be a whole number of at least 1, got ${String(options.customers)}`,
      'for example 25000',
    )
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw invalid(`seed must be a whole number of 0 or more, got ${String(options.seed)}`, 'for example 42')
  }
  const historyStart = dayOf(options.historyStart)
  const historyEnd = dayOf(options.historyEnd)
  if (historyStart === undefined) {
    throw invalid(`historyStart "${options.historyStart}" is not a date`, 'write it as YYYY-MM-DD, e.g. 2024-01-01')
  }
  if (historyEnd === undefined) {
    throw invalid(`historyEnd "${options.historyEnd}" is not a date`, 'write it as YYYY-MM-DD, e.g. 2026-10-31')
  }
  if (historyEnd - historyStart < MIN_HISTORY_DAYS) {
    throw invalid(
      `the history from ${options.historyStart} to ${options.historyEnd} is ${historyEnd - historyStart} days long`,
      `give at least ${MIN_HISTORY_DAYS} days between historyStart and historyEnd`,
    )
  }
  return { historyStart, historyEnd }
}
