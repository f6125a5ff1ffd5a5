import type { Check } from '../check.js'

const FLAGS = new Set(['true', '1', 't'])

interface DeletionState {
  readonly column: number
}

/**
 * V40: a deletion flag is sent only once Opower has enabled account deletion (`accountDeletionEnabled`).
 * A value that is not a flag at all is V39's.
 */
export const v40DeletionEnabled: Check<DeletionState> = {
  id: 'V40',
  severity: 'error',
  title: 'is_account_deletion is set only when Opower enabled deletion',
  columns: ['is_account_deletion'],
  init: (ctx) => ({ column: ctx.file.column('is_account_deletion') }),
  onRow(row, line, ctx, state) {
    if (ctx.options.accountDeletionEnabled || row.end(state.column) === row.start(state.column)) return
    const value = row.field(state.column)
    if (FLAGS.has(value)) {
      ctx.reportRow(row, line, state.column, `is_account_deletion is ${value}, but account deletion is not enabled (ask Opower first)`)
    }
  },
}
