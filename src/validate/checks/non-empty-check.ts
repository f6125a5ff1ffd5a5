import type { FileType } from '../../spec/file-layout.js'
import type { Check, CheckContext } from '../check.js'

interface NonEmptyState {
  readonly columns: readonly number[]
}

/**
 * A rule of the form "these columns are non-empty" (V28, V29, V34, V45, V55). `resolve` picks the header
 * indexes when a plain first-match is not enough (the usage copy of `service_point_id`).
 */
export function nonEmptyCheck(spec: {
  readonly id: string
  readonly title: string
  readonly columns: readonly string[]
  readonly fileTypes?: readonly FileType[]
  readonly resolve?: (ctx: CheckContext) => readonly number[]
}): Check<NonEmptyState> {
  const resolve = spec.resolve ?? ((ctx: CheckContext) => spec.columns.map((name) => ctx.file.column(name)))
  return {
    id: spec.id,
    severity: 'error',
    title: spec.title,
    columns: spec.columns,
    ...(spec.fileTypes === undefined ? {} : { fileTypes: spec.fileTypes }),
    init: (ctx) => ({ columns: resolve(ctx).filter((index) => index >= 0) }),
    onRow(row, line, ctx, state) {
      for (const column of state.columns) {
        if (row.end(column) === row.start(column)) ctx.reportRow(row, line, column, `${ctx.file.header[column] ?? 'the value'} is empty`)
      }
    },
  }
}
