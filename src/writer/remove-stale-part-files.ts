import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The temporary names this tool writes in an output folder, with the pid of the writing process:
 * spec files `.part-opwr_…-<pid>-<8 hex>` (writeSpecFile) and rejects files `.part-rejects-<run>-<pid>.tsv`.
 */
const PART_FILE = /^\.part-(?:opwr_.+-(\d+)-[0-9a-f]{8}|rejects-.+-(\d+)\.tsv)$/

/**
 * Removes the temporary files a killed run left in the output folder (a crash or `kill -9` skips the
 * writer's own clean-up). Only this tool's names, and only those whose process no longer runs, so a run
 * of another workspace writing into the same folder is never disturbed. Returns the names removed.
 */
export function removeStalePartFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const match = PART_FILE.exec(name)
    const pid = Number(match?.[1] ?? match?.[2])
    if (!match || pid === process.pid || isRunning(pid)) continue
    rmSync(join(dir, name), { force: true })
    removed.push(name)
  }
  return removed
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
