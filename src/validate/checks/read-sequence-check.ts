import type { Check, CheckContext } from '../check.js'
import { ReadSequence, type ReadKind } from '../read-sequence.js'
import type { Row } from '../row.js'
import type { Severity } from '../validation-report.js'
import { dayNumber, isCalendarDate } from '../value-formats.js'

const POSITIVE_INTEGER = /^[1-9]\d*$/

export interface SequenceState {
  readonly servicePoint: number
  readonly dateTo: number
  readonly duration: number
  readonly account: number
  readonly value: number
  readonly reads: ReadSequence
  /** V71: an overlapping overwrite waiting to see whether it stays the newest read of its service point. */
  pending: { readonly line: number; readonly servicePoint: string } | undefined
}

/**
 * A rule judged on the order of each service point's reads (V71, V72, V73). `onRead` gets each valid
 * read's kind; rows with a malformed date or duration are other rules' and are left out.
 */
export function readSequenceCheck(spec: {
  readonly id: string
  readonly severity: Severity
  readonly title: string
  readonly onRead: (kind: ReadKind, row: Row, line: number, ctx: CheckContext, state: SequenceState) => void
  readonly onEnd?: (ctx: CheckContext, state: SequenceState) => void
}): Check<SequenceState> {
  return {
    id: spec.id,
    severity: spec.severity,
    title: spec.title,
    columns: ['service_point_id', 'date_to', 'duration', 'usage_value'],
    init: (ctx) => ({
      servicePoint: ctx.file.column('service_point_id'),
      dateTo: ctx.file.column('date_to'),
      duration: ctx.file.column('duration'),
      account: ctx.file.column('account_id'),
      value: ctx.file.column('usage_value'),
      reads: new ReadSequence(),
      pending: undefined,
    }),
    onRow(row, line, ctx, state) {
      const servicePoint = row.field(state.servicePoint)
      const dateTo = row.field(state.dateTo)
      const duration = row.field(state.duration)
      if (servicePoint === '' || !isCalendarDate(dateTo) || !POSITIVE_INTEGER.test(duration)) return
      const account = state.account < 0 ? '' : row.field(state.account)
      const kind = state.reads.next(servicePoint, dayNumber(dateTo), Number(duration), account, row.field(state.value))
      spec.onRead(kind, row, line, ctx, state)
    },
    ...(spec.onEnd === undefined ? {} : { onEnd: spec.onEnd }),
  }
}
