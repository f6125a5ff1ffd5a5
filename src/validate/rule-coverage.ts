import { DELIVERY_RULES, NOT_IMPLEMENTED, PLAUSIBILITY_CHECKS, RULE_CATALOG } from './rule-catalog.js'

/**
 * The rule-coverage table of docs/validation-rules.md, built from the catalogs: every rule V01–V88 as
 * checked per file, checked across the files of one command, or not checkable here and why; then the
 * plausibility checks. A test compares the committed document with this text.
 */
export function ruleCoverageMarkdown(): string {
  const rows = new Map<string, string>()
  for (const check of RULE_CATALOG) rows.set(check.id, `| ${check.id} | ${check.severity} | per file | ${check.title} |`)
  for (const rule of DELIVERY_RULES) rows.set(rule.rule, `| ${rule.rule} | ${rule.severity} | across the files | ${rule.title} |`)
  for (const rule of NOT_IMPLEMENTED) rows.set(rule.rule, `| ${rule.rule} | | not checked here (${rule.kind}) | ${rule.reason} |`)
  const lines = [
    '| rule | severity | checked | what / why not |',
    '|---|---|---|---|',
    ...[...rows.keys()].sort().map((id) => rows.get(id) as string),
    '',
    '| plausibility | severity | checked | what |',
    '|---|---|---|---|',
    ...PLAUSIBILITY_CHECKS.map((check) => `| ${check.id} | ${check.severity} | per file | ${check.title} |`),
  ]
  return `${lines.join('\n')}\n`
}
