import type { Check, CheckContext } from '../check.js'
import { describeValue } from '../describe-value.js'

interface EnumState {
  readonly columns: readonly EnumColumn[]
}

interface EnumColumn {
  readonly index: number
  readonly name: string
  readonly allowed: ReadonlySet<string>
  /** The last value found allowed: consecutive rows mostly repeat it, and a comparison is cheaper than a lookup. */
  lastAllowed: string
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
      const columns: EnumColumn[] = []
      const unlisted: string[] = []
      for (const name of spec.columns) {
        const index = ctx.file.column(name)
        if (index < 0) continue
        const allowed = spec.listOf(ctx, name)
        if (allowed === undefined) unlisted.push(name)
        else columns.push({ index, name, allowed: new Set(allowed), lastAllowed: '' })
      }
      if (columns.length === 0) ctx.skip(`no allowed-value list configured (enums.${unlisted.join(', enums.')})`)
      return { columns }
    },
    onRow(row, line, ctx, state) {
      const columns = state.columns
      for (let k = 0; k < columns.length; k++) {
        const column = columns[k] as EnumColumn
        const value = row.field(column.index)
        if (value === '' || value === column.lastAllowed) continue
        if (column.allowed.has(value)) column.lastAllowed = value
        else {
          const list = [...column.allowed].join(', ')
          ctx.reportRow(row, line, column.index, `${column.name} ${describeValue(column.name, value)} is not one of ${list}`)
        }
      }
    },
  }
}
