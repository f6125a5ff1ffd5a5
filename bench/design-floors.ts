/**
 * The parts of an extract that no per-row speed-up removes, each timed alone (`npm run bench -- --floors`
 * runs them on a database's first run):
 *
 * - `first-row -- COMMAND…` prints the seconds until the database's own export of the read query writes its
 *   first byte. The database sorts before the first row, and an extract has nothing to do until then.
 * - `lines FILE`: `validateFile` of a written file with no rules (decompressing, splitting into lines,
 *   finding each row's fields), for the caller to time as it times `validate`, start-up included: what
 *   `validate` costs before its first rule. Prints the rows.
 * - `ledger STATE_DIR` prints the seconds of recording the run's reads from that state again, in the order
 *   of the file and in the batches an extract records them in, into a new state: the delivery ledger's own
 *   SQLite work, without the extract around it.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { READ_BATCH } from '../src/extract/delivery-ledger.js'
import { StateStore, stateFilePath, type DeliveredRead } from '../src/state/state-store.js'
import { validateFile } from '../src/validate/validate-file.js'
import { defaultValidationOptions } from '../src/validate/validation-options.js'

const [what, ...rest] = process.argv.slice(2)
if (what === 'first-row' && rest[0] === '--') console.log(await untilFirstByte(rest.slice(1)))
else if (what === 'lines' && rest.length === 1) console.log(await linesWithoutRules(rest[0]!))
else if (what === 'ledger' && rest.length === 1) console.log(ledgerWrites(rest[0]!))
else throw new Error('usage: design-floors first-row -- COMMAND… | lines FILE | ledger STATE_DIR')

/** Seconds until `argv` writes its first byte; then the command and its children are stopped. */
function untilFirstByte(argv: readonly string[]): Promise<number> {
  const started = process.hrtime.bigint()
  // A process group of its own, so stopping it also stops the database client inside a pipeline.
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], detached: true })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`${argv.join(' ').slice(0, 200)} ended (exit ${code}) before writing anything`)))
    child.stdout.once('data', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      child.removeAllListeners('exit')
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        // A small export may have ended on its own by now.
      }
      resolve(seconds)
    })
  })
}

async function linesWithoutRules(file: string): Promise<number> {
  const report = await validateFile(file, defaultValidationOptions(), [])
  if (report.rows === 0) throw new Error(`${file}: no rows`)
  // The caller times the whole process, start-up included, as it times `validate`.
  return report.rows
}

function ledgerWrites(stateDir: string): number {
  const source = new Database(stateFilePath(stateDir), { readonly: true })
  const dir = mkdtempSync(join(tmpdir(), 'opx-ledger-floor-'))
  const target = StateStore.open(dir)
  try {
    // By service point and date: the order an extract writes (and records) its reads in.
    const reads = source
      .prepare('SELECT read_key, read_hash, file_name, line, service_point_id, account_id, customer_id, date_to, duration FROM run_reads ORDER BY service_point_id, date_to')
      .raw(true)
      .iterate() as IterableIterator<[string, string, string, number, string, string, string, string, number]>
    let batch: DeliveredRead[] = []
    let nanoseconds = 0n
    const record = () => {
      const started = process.hrtime.bigint()
      target.recordDeliveredReads(1, batch)
      nanoseconds += process.hrtime.bigint() - started
      batch = []
    }
    for (const [readKey, readHash, fileName, line, servicePointId, accountId, customerId, dateTo, duration] of reads) {
      batch.push({ readKey, readHash, fileName, line, servicePointId, accountId, customerId, dateTo, duration })
      if (batch.length === READ_BATCH) record()
    }
    if (batch.length > 0) record()
    return Number(nanoseconds) / 1e9
  } finally {
    target.close()
    source.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
