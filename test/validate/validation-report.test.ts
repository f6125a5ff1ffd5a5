import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatReportText, summarizeReport } from '../../src/validate/validation-report.js'

describe('summarizeReport', () => {
  it('counts occurrences per severity; ok means no errors', () => {
    const report = summarizeReport('f.gz', 12, [
      { rule: 'V20', severity: 'error', title: 't', count: 3, examples: [] },
      { rule: 'V46', severity: 'error', title: 't', count: 2, examples: [] },
      { rule: 'V46', severity: 'warning', title: 't', count: 4, examples: [] },
    ], [])
    assert.deepEqual([report.errors, report.warnings, report.ok], [5, 4, false])
    assert.equal(summarizeReport('f.gz', 1, [{ rule: 'V25', severity: 'warning', title: 't', count: 1, examples: [] }], []).ok, true)
  })
})

describe('formatReportText', () => {
  it('prints the verdict, errors before warnings, examples, the rest count and the rules not evaluated', () => {
    const report = summarizeReport(
      'out/opwr_gec_res_v1-19-0_full_20220411093000.gz',
      1204,
      [
        { rule: 'V17', severity: 'warning', title: 'There is no UTF-8 BOM', count: 1, examples: [{ line: 1, message: 'BOM' }] },
        {
          rule: 'V20',
          severity: 'error',
          title: "Every row has the header's field count",
          count: 1203,
          examples: [
            { line: 7, servicePointId: 'SP-3', message: '17 fields, the header has 18' },
            { line: 9, servicePointId: '', column: 'duration', message: 'x' },
          ],
        },
        { rule: 'V11', severity: 'error', title: 'A zip holds exactly one regular file', count: 1, examples: [{ message: 'two entries' }] },
      ],
      [{ rule: 'V32', reason: 'no allowed-value list configured (enums.customer_type)' }],
    )
    assert.equal(
      formatReportText(report),
      [
        'out/opwr_gec_res_v1-19-0_full_20220411093000.gz: FAILED, 1,204 rows, 1,204 errors (2 rules), 1 warning (1 rule)',
        "  error   V20  Every row has the header's field count (1,203)",
        '          line 7, service point SP-3: 17 fields, the header has 18',
        '          line 9, column duration: x',
        '          … and 1,201 more',
        '  error   V11  A zip holds exactly one regular file (1)',
        '          two entries',
        '  warning V17  There is no UTF-8 BOM (1)',
        '          line 1: BOM',
        '  not evaluated:',
        '          V32  no allowed-value list configured (enums.customer_type)',
        '',
      ].join('\n'),
    )
  })

  it('prints a clean file on one line', () => {
    assert.equal(formatReportText(summarizeReport('a.gz', 1, [], [])), 'a.gz: OK, 1 row, 0 errors (0 rules), 0 warnings (0 rules)\n')
  })
})
