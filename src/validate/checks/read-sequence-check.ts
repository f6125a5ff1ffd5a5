import type { Check, CheckContext } from '../check.js'
import type { ReadKind, ReadSequence } from '../read-sequence.js'
import type { Row } from '../row.js'
import type { Severity } from '../validation-report.js'

export interface SequenceState {
  readonly dateTo: number
  readonly value: number
  readonly reads: ReadSequence
  /** V71: an overlapping overwrite waiting to see whether it stays the newest read of its service point. */
  pending: { readonly line: number; readonly servicePoint: string } | undefined
}

/**
 * A rule judged on the order of each service point's reads (V71, V72, V73). `onRead` gets each valid
 * read's kind from the file's shared read sequence; rows with a malformed date or duration are other
 * rules' and are left out.
 */
export function readSequenceCheck(spec: {
  readonly id: string
  readonly severity: Severity
  readonly title: string
  readonly onRead: (kind: ReadKind, row: Row, line: number, ctx: CheckContext, state: SequenceState) => void
}): Check<SequenceState> {
  return {
    id: spec.id,
    severity: spec.severity,
    title: spec.title,
    columns: ['service_point_id', 'date_to', 'duration', 'usage_value'],
    init: (ctx) => ({
      dateTo: ctx.file.column('date_to'),
      value: ctx.file.column('usage_value'),
      reads: ctx.file.readSteps.sequence,
      pending: undefined,
    }),
    onRow(row, line, ctx, state) {
      const kind = ctx.file.readSteps.kindOf(row, line)
      if (kind !== undefined) spec.onRead(kind, row, line, ctx, state)
    },
  }
}
