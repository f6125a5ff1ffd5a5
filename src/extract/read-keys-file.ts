import { readFileSync } from 'node:fs'
import { ToolkitError } from '../errors/toolkit-error.js'

/** Keys of a `--keys` backfill. */
export interface BackfillKeys {
  readonly reads: string[]
  readonly accounts: string[]
}

/**
 * Reads a `--keys` file: one key per line; `account:KEY` takes every read of that account, `read:KEY` or
 * a bare `KEY` one read (the mapping's `reads.key`). Blank lines and lines starting with `#` are skipped.
 */
export function readKeysFile(path: string): BackfillKeys {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    throw new ToolkitError('INPUT_UNREADABLE', `--keys ${path} cannot be read`, { cause, hint: 'give a text file with one read key (or account:KEY) per line' })
  }
  const keys: BackfillKeys = { reads: [], accounts: [] }
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const match = /^(read|account):(.*)$/.exec(line)
    const key = (match ? match[2]! : line).trim()
    if (key === '') {
      throw new ToolkitError('USAGE_INVALID_ARGUMENT', `${path}:${index + 1}: "${raw}" has no key after the colon`, { hint: 'write read:KEY, account:KEY or just the read key' })
    }
    if (match?.[1] === 'account') keys.accounts.push(key)
    else keys.reads.push(key)
  })
  if (keys.reads.length + keys.accounts.length === 0) {
    throw new ToolkitError('USAGE_INVALID_ARGUMENT', `--keys ${path} lists no key`, { hint: 'one read key (or account:KEY) per line' })
  }
  return { reads: [...new Set(keys.reads)], accounts: [...new Set(keys.accounts)] }
}
