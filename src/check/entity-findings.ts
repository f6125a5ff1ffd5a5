import type { LoadedMapping } from '../config/load-mapping.js'
import { ENTITIES } from '../config/mapping.schema.js'
import { finding, type Finding } from './check-finding.js'

/** The spec column that identifies each entity (reads are keyed by `reads.key`). */
const ENTITY_KEY_COLUMNS = {
  accounts: 'account_id',
  customers: 'customer_id',
  premises: 'premise_id',
  service_points: 'service_point_id',
} as const

/**
 * What incremental extracts need of every entity, beyond what loading a mapping checks: its key comes from
 * the database (a constant key would make every row the same account), and it says how its changes are
 * found (`timestamp` of a last-update column, or `diff` against what was accepted).
 */
export function entityFindings(loaded: LoadedMapping): Finding[] {
  const { mapping, written, where } = loaded
  const findings: Finding[] = []
  for (const [entity, column] of Object.entries(ENTITY_KEY_COLUMNS)) {
    const rule = mapping.columns.get(column)
    if (!rule) {
      findings.push(finding('error', 'keys', `${where(['columns'])}: the column list has no ${column}, the key of ${entity}`, 'the template header (columns_from) must carry it'))
    } else if (rule.source.kind !== 'sql') {
      findings.push(
        finding('error', 'keys', `${where(['columns', column])}: ${column} is the key of ${entity} and must come from the database (found ${rule.source.kind})`, `map it with sql: <table alias>.<key column>`),
      )
    }
  }
  if (findings.length === 0) findings.push(finding('ok', 'keys', `reads keyed by ${mapping.reads.key}, read date ${mapping.reads.dateTo}; every entity key is mapped with sql`))

  const changes = written.change_detection ?? {}
  const missing: string[] = []
  for (const entity of ENTITIES) {
    const change = changes[entity]
    if (!change) {
      missing.push(entity)
      continue
    }
    const ways = [change.timestamp, change.diff].filter((way) => way !== undefined).length
    if (ways !== 1) {
      findings.push(finding('error', 'changes', `${where(['change_detection', entity])}: give exactly one of timestamp and diff (found ${ways})`))
    }
  }
  if (missing.length) {
    findings.push(
      finding(
        'error',
        'changes',
        `${where(written.change_detection ? ['change_detection'] : [])}: no change detection for ${missing.join(', ')}: incremental extracts could not find their changes`,
        `add change_detection.${missing[0]}: { timestamp: <last-update column> }, or { diff: true } where the table has none`,
      ),
    )
  } else if (!findings.some((f) => f.topic === 'changes')) {
    const how = ENTITIES.map((entity) => `${entity} ${changes[entity]?.timestamp ? `by ${changes[entity]?.timestamp}` : 'by diff'}`)
    findings.push(finding('ok', 'changes', `change detection: ${how.join(', ')}`))
  }
  return findings
}
