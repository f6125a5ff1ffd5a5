import type { Check, CheckContext } from '../check.js'
import { describeValue } from '../describe-value.js'

interface EnumState {
  readonly columns: readonly { readonly index: number; readonly name: string; readonly allowed: ReadonlySet<string> }[]
}

/**
 * A rule of the form "a non-empty value of this column is one of a list" (V32, V51, V63). `listOf` gives
 * the list (from options or the spec pack); when no column has one, the rule is "not evaluated". An
 * empty value is left to the column's non-empty rule, if it has one.
 */
export function enumCheck(spec: {
  readonly id: string
  readonly title: string
  readonly columns: readonly string[]
  readonly listOf: (ctx: CheckContext, column: string) => readonly string[] | undefined
}): Check<EnumState> {
  return {
    id: spec.id,
    severity: 'error',
    title: spec.title,
    columns: spec.columns,
    init(ctx) {
      const columns = []
      const unlisted: string[] = []
      for (const name of spec.columns) {
        const index = ctx.file.column(name)
        if (index < 0) continue
        const allowed = spec.listOf(ctx, name)
        if (allowed === undefined) unlisted.push(name)
        else columns.push({ index, name, allowed: new Set(allowed) })
      }
      if (columns.length === 0) ctx.skip(`no allowed-value list configured (enums.${unlisted.join(', enums.')})`)
      return { columns }
    },
    onRow(row, line, ctx, state) {
      for (const column of state.columns) {
        const value = row.field(column.index)
        if (value !== '' && !column.allowed.has(value)) {
          const list = [...column.allowed].join(', ')
          ctx.reportRow(row, line, column.index, `${column.name} ${describeValue(column.name, value)} is not one of ${list}`)
        }
      }
    },
  }
}
