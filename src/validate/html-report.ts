import type { FileStatistics } from './file-statistics.js'
import type { DeliveryReport } from './validate-delivery.js'
import type { Finding, ValidationReport } from './validation-report.js'

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2733;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d5dbe3}
h3{font-size:15px;margin:18px 0 6px}.ok{color:#1b7f3b}.bad{color:#b3261e}.warn{color:#8a5a00}
.summary{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}.tile{border:1px solid #d5dbe3;border-radius:6px;padding:8px 14px;min-width:110px}
.tile b{display:block;font-size:22px}table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #d5dbe3;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f2f5f8}
td.n{text-align:right;font-variant-numeric:tabular-nums}svg{background:#fbfcfd;border:1px solid #e3e8ee;margin:4px 0}
details summary{cursor:pointer}.charts{display:flex;flex-wrap:wrap;gap:16px}`

const COLORS = ['#2f6fb0', '#d9822b', '#3f9b57', '#9b3f8f', '#b0a52f', '#5a5a5a']

/**
 * The report as one self-contained HTML page (inline CSS and SVG, no scripts or links: it works offline
 * and from an e-mail attachment). Summary first, then per file the findings per rule and the charts.
 * Totals carry `data-total` attributes, so a test (or a script) can read them back from the page.
 */
export function formatReportHtml(delivery: DeliveryReport): string {
  const rows = delivery.files.reduce((sum, file) => sum + file.rows, 0)
  const verdict = delivery.ok ? '<span class="ok">VALID</span>' : '<span class="bad">INVALID</span>'
  const parts = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Validation report</title>',
    `<style>${STYLE}</style></head><body>`,
    `<h1>Validation report: ${verdict}</h1>`,
    '<div class="summary">',
    tile('files', delivery.files.length),
    tile('rows', rows),
    tile('errors', delivery.errors, delivery.errors > 0 ? 'bad' : 'ok'),
    tile('warnings', delivery.warnings, delivery.warnings > 0 ? 'warn' : 'ok'),
    '</div>',
    summaryTable(delivery),
  ]
  if (delivery.findings.length > 0) parts.push('<h2>Across the files</h2>', findingsTable(delivery.findings))
  for (const file of delivery.files) parts.push(fileSection(file))
  parts.push('</body></html>')
  return parts.join('\n')
}

function tile(name: string, value: number, tone = ''): string {
  return `<div class="tile ${tone}">${escape(name)}<b data-total="${name}">${value}</b></div>`
}

function summaryTable(delivery: DeliveryReport): string {
  const body = delivery.files
    .map(
      (file) =>
        `<tr><td>${escape(file.file)}</td><td>${file.ok ? '<span class="ok">valid</span>' : '<span class="bad">invalid</span>'}</td>` +
        `<td class="n">${file.rows}</td><td class="n">${file.errors}</td><td class="n">${file.warnings}</td></tr>`,
    )
    .join('')
  return `<table><tr><th>file</th><th>verdict</th><th>rows</th><th>errors</th><th>warnings</th></tr>${body}</table>`
}

function fileSection(file: ValidationReport): string {
  const parts = [`<h2>${escape(file.file)}</h2>`]
  parts.push(file.findings.length === 0 ? '<p class="ok">No findings.</p>' : findingsTable(file.findings))
  if (file.notEvaluated.length > 0) {
    const items = file.notEvaluated.map((n) => `<tr><td>${escape(n.rule)}</td><td>${escape(n.reason)}</td></tr>`).join('')
    parts.push(`<details><summary>${file.notEvaluated.length} rules not evaluated</summary><table>${items}</table></details>`)
  }
  if (file.statistics !== undefined) parts.push(charts(file.statistics))
  return parts.join('\n')
}

function findingsTable(findings: readonly Finding[]): string {
  const ordered = [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity === 'warning')]
  const blocks = ordered.map((finding) => {
    const tone = finding.severity === 'error' ? 'bad' : 'warn'
    const examples = finding.examples
      .map(
        (e) =>
          `<tr><td class="n">${e.line ?? ''}</td><td>${escape(e.servicePointId ?? '')}</td><td>${escape(e.column ?? '')}</td>` +
          `<td>${escape(e.message)}${e.value === undefined ? '' : ` <code>${escape(JSON.stringify(e.value))}</code>`}</td></tr>`,
      )
      .join('')
    return (
      `<h3><span class="${tone}">${finding.severity}</span> ${escape(finding.rule)}: ${escape(finding.title)} ` +
      `(<span data-rule-count="${escape(finding.rule)}">${finding.count}</span>)</h3>` +
      `<table><tr><th>line</th><th>service point</th><th>column</th><th>what</th></tr>${examples}</table>`
    )
  })
  return blocks.join('\n')
}

function charts(stats: FileStatistics): string {
  const months = new Set<string>()
  for (const perMonth of Object.values(stats.readsPerMonth)) for (const month of Object.keys(perMonth)) months.add(month)
  const monthList = [...months].sort()
  const fuels = Object.keys(stats.readsPerMonth)
  const monthSeries = fuels.map((fuel) => ({ name: fuel, values: monthList.map((m) => stats.readsPerMonth[fuel]?.[m] ?? 0) }))
  const perSp = stats.readsPerServicePoint.map((count, reads) => ({ label: reads === stats.readsPerServicePoint.length - 1 ? `${reads}+` : String(reads), count })).slice(1)
  const gaps = Object.entries(stats.gaps.byLength).map(([label, count]) => ({ label, count }))
  const usage = Object.entries(stats.usage).map(([fuel, u], i) =>
    barChart(
      `usage_value distribution: ${fuel} (p50 ${round(u.p50)}, p90 ${round(u.p90)}, p99 ${round(u.p99)}, max ${round(u.max)})`,
      u.bins.map(([from, to, count]) => ({ label: `${round(from)}-${round(to)}`, count })),
      COLORS[i % COLORS.length] as string,
    ),
  )
  return [
    `<h3>Charts</h3><p>${stats.reads} reads of ${stats.servicePoints} service points; ${stats.estimatedReads} estimated; ` +
      `gaps: ${stats.gaps.withinAccount} inside an account, ${stats.gaps.betweenAccounts} between accounts.</p>`,
    '<div class="charts">',
    groupedChart('Reads per month of date_to, per fuel', monthList, monthSeries),
    barChart('Service points by number of reads', perSp.filter((p) => p.count > 0), COLORS[0] as string),
    barChart(`Gaps found, by length (${stats.gaps.withinAccount + stats.gaps.betweenAccounts})`, gaps, COLORS[1] as string),
    ...usage,
    '</div>',
  ].join('\n')
}

function barChart(title: string, bars: readonly { label: string; count: number }[], color: string): string {
  return groupedChart(title, bars.map((b) => b.label), [{ name: '', values: bars.map((b) => b.count) }], color)
}

/** A bar chart as inline SVG: one group per label, one bar per series; counts in each bar's title. */
function groupedChart(title: string, labels: readonly string[], series: readonly { name: string; values: readonly number[] }[], color?: string): string {
  const width = 520
  const height = 220
  const left = 48
  const bottom = 46
  const max = Math.max(1, ...series.flatMap((s) => s.values))
  const group = (width - left - 8) / Math.max(1, labels.length)
  const bar = Math.max(1, (group - 2) / Math.max(1, series.length))
  const bars: string[] = []
  series.forEach((s, si) => {
    s.values.forEach((value, li) => {
      const h = ((height - bottom - 10) * value) / max
      const x = left + li * group + si * bar
      const fill = color ?? (COLORS[si % COLORS.length] as string)
      bars.push(`<rect x="${x.toFixed(1)}" y="${(height - bottom - h).toFixed(1)}" width="${Math.max(1, bar - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"><title>${escape(`${s.name} ${labels[li] ?? ''}: ${value}`)}</title></rect>`)
    })
  })
  const step = Math.max(1, Math.ceil(labels.length / 12))
  const ticks = labels
    .map((label, i) => (i % step === 0 ? `<text x="${(left + i * group + group / 2).toFixed(1)}" y="${height - bottom + 14}" font-size="10" text-anchor="end" transform="rotate(-35 ${(left + i * group + group / 2).toFixed(1)} ${height - bottom + 14})">${escape(label)}</text>` : ''))
    .join('')
  const legend = series.length > 1 || series[0]?.name ? series.map((s, i) => ` <span style="color:${COLORS[i % COLORS.length]}">■ ${escape(s.name)}</span>`).join('') : ''
  return (
    `<figure style="margin:0"><figcaption>${escape(title)}${legend}</figcaption>` +
    `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(title)}">` +
    `<line x1="${left}" y1="${height - bottom}" x2="${width - 4}" y2="${height - bottom}" stroke="#889"/>` +
    `<text x="${left - 4}" y="14" font-size="10" text-anchor="end">${max}</text><text x="${left - 4}" y="${height - bottom}" font-size="10" text-anchor="end">0</text>` +
    `${bars.join('')}${ticks}</svg></figure>`
  )
}

function round(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3).replace(/\.?0+$/, '')
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
