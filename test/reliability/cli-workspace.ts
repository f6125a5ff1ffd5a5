import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { createDemoDatabase } from '../../src/demo/create-demo-database.js'

/** The CLI entry compiled next to these tests (the build folder under test). */
export const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url))
const DEMO_MAPPING = readFileSync(new URL('../../../mappings/demo-sqlite.yaml', import.meta.url), 'utf8')

export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Spawns the CLI (asynchronously, so cases of one file can run side by side) and collects its output. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; onSpawn?: (child: ChildProcess) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env ?? { ...process.env, TZ: 'UTC' } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    options.onSpawn?.(child)
  })
}

/**
 * A small demo billing database in a temp folder, created once per test file, and mapping files that
 * point at it (or at a copy of it) with a workspace (output and state folders) of their own.
 */
export class DemoWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'opx-rel-'))
  readonly database = join(this.dir, 'billing.sqlite')
  #count = 0

  constructor(customers = 30) {
    createDemoDatabase(this.database, { customers, seed: 5 })
  }

  /** A copy of the demo database, to poison without touching the shared one. */
  copyDatabase(name: string): string {
    const path = join(this.dir, name)
    copyFileSync(this.database, path)
    return path
  }

  /** Writes the demo mapping with `edit` applied into a fresh folder; returns its path and folders. */
  mapping(edit: (text: string) => string = (text) => text, database = this.database): MappingWorkspace {
    const folder = join(this.dir, `ws${++this.#count}`)
    mkdirSync(folder)
    const text = edit(
      DEMO_MAPPING.replace('../demo/billing.sqlite', database)
        .replace('../demo/out', join(folder, 'out'))
        .replace('../demo/state', join(folder, 'state')),
    )
    const file = join(folder, 'mapping.yaml')
    writeFileSync(file, text)
    return { file, folder, out: join(folder, 'out'), state: join(folder, 'state') }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

export interface MappingWorkspace {
  readonly file: string
  readonly folder: string
  readonly out: string
  readonly state: string
}

/** Every file in a folder (none if it does not exist). */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).sort()
  } catch {
    return []
  }
}

/** The data rows of a gz spec file as objects keyed by header name. */
export function specRows(path: string): Record<string, string>[] {
  const [headerLine, ...lines] = gunzipSync(readFileSync(path)).toString('utf8').split('\n')
  const header = headerLine!.split('\t')
  return lines.filter((line) => line !== '').map((line) => Object.fromEntries(line.split('\t').map((value, i) => [header[i]!, value])))
}

/** What a clear error is not: a stack trace or the catch-all message. */
export function unclearOutput(result: CliResult): string | undefined {
  const text = `${result.stdout}\n${result.stderr}`
  if (/internal error/i.test(text)) return 'says "internal error"'
  if (/^\s+at .+[(:]\d+/m.test(text) || /node:internal|\.js:\d+:\d+/.test(text)) return 'shows a stack trace'
  return undefined
}
