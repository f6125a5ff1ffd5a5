import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DELIVERY_RULES, NOT_IMPLEMENTED, RULE_CATALOG } from '../../src/validate/rule-catalog.js'

// The W rules of VALIDATION-RULES.md; every other rule is an error.
const WARNING_RULES = new Set(['V08', 'V13', 'V15', 'V17', 'V23', 'V25', 'V31', 'V38', 'V43', 'V44', 'V47', 'V50', 'V53', 'V60', 'V62', 'V68', 'V72', 'V79', 'V83', 'V84', 'V88'])
const ALL_RULES = Array.from({ length: 88 }, (_, i) => `V${String(i + 1).padStart(2, '0')}`)

describe('rule catalog', () => {
  it('lists every rule V01-V88 exactly once, as a file check, a delivery check or not implemented', () => {
    const listed = [...RULE_CATALOG.map((check) => check.id), ...DELIVERY_RULES.map((rule) => rule.rule), ...NOT_IMPLEMENTED.map((rule) => rule.rule)]
    assert.deepEqual([...listed].sort(), ALL_RULES)
  })

  it('keeps the checks in rule order', () => {
    const ids = RULE_CATALOG.map((check) => check.id)
    assert.deepEqual(ids, [...ids].sort())
  })

  it("gives each check its rule's severity", () => {
    for (const check of RULE_CATALOG) {
      assert.equal(check.severity, WARNING_RULES.has(check.id) ? 'warning' : 'error', check.id)
    }
  })

  it('implements the rules of the first validation pass', () => {
    const required = 'V01 V02 V03 V04 V05 V06 V09 V10 V11 V12 V13 V16 V17 V18 V19 V20 V21 V22 V23 V24 V25 V26 V28 V29 V31 V33 V34 V35 V36 V37 V39 V44 V45 V46 V48 V55 V56 V57 V58 V59 V61 V62 V63 V64 V65 V66'
    const ids = new Set(RULE_CATALOG.map((check) => check.id))
    assert.deepEqual(required.split(' ').filter((id) => !ids.has(id)), [])
    assert.equal(NOT_IMPLEMENTED.find((rule) => rule.rule === 'V69')?.kind, 'not-in-file')
  })
})
