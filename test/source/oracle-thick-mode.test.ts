import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ToolkitError } from '../../src/errors/toolkit-error.js'
import { createSource } from '../../src/source/create-source.js'
import { ccbMapping } from './compiled-phases.js'

// A file of its own: thick mode is chosen once per process, before any thin connection.
describe('oracle dialect (no live server): thick mode', () => {
  it('thick: true loads the Oracle Client libraries from lib_dir before connecting, and says which key when it cannot', () => {
    const { mapping, dispose } = ccbMapping(`
source:
  dialect: oracle
  connection:
    connect_string: dbhost:1521/CCBPRD
    thick: true
    lib_dir: /nonexistent/instantclient_23_5
    user: ccb_read
    password: \${env:CCB_PASSWORD}
`)
    try {
      assert.throws(
        () => createSource(mapping, { env: { CCB_PASSWORD: 'secret' } }),
        (error: unknown) => {
          assert.ok(error instanceof ToolkitError)
          assert.equal(error.code, 'SOURCE_CONNECT_FAILED')
          assert.match(error.message, /source\.connection\.thick: cannot start Oracle thick mode from lib_dir \/nonexistent\/instantclient_23_5: (DPI-1047|NJS-045)/)
          assert.match(error.hint ?? '', /Instant Client/)
          return true
        },
      )
    } finally {
      dispose()
    }
  })
})
