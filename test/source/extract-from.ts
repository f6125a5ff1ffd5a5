import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { Mapping } from '../../src/config/mapping.js'
import type { ExtractCounts } from '../../src/extract/extract-counts.js'
import { historicalWindow } from '../../src/extract/extract-window.js'
import { planSample } from '../../src/extract/plan-sample.js'
import { runHistoricalExtract } from '../../src/extract/run-historical-extract.js'
import { createSource } from '../../src/source/create-source.js'
import type { ScratchDatabase } from './scratch-database.js'

/** The same mapping, reading another database and writing into its own folder. */
export function retarget(mapping: Mapping, database: ScratchDatabase, dir: string, stallTimeoutSeconds = 60): Mapping {
  return {
    ...mapping,
    source: { ...mapping.source, dialect: database.dialect, connection: database.connection, stallTimeoutSeconds },
    output: { ...mapping.output, folder: join(dir, 'out'), state: join(dir, 'state') },
  }
}

export interface ExtractRequest {
  readonly phase: 'sample' | 'full'
  readonly endDate: string
  readonly from?: string
  readonly sampleSize?: number
  readonly seed?: string
  readonly tmpDir: string
  readonly signal?: AbortSignal
  /** Receives the extract's log lines (default: dropped). */
  readonly log?: (line: string) => void
}

/** What a user gets from an extract, independent of file-name timestamps: each file's type and text. */
export interface ExtractOutput {
  readonly files: readonly { readonly fileType: string; readonly text: string }[]
  readonly rejects: string | undefined
  readonly counts: ExtractCounts
}

/** Runs a sample or full historical extract the way `opower-extract extract` does, and reads back the files. */
export async function extractFrom(mapping: Mapping, request: ExtractRequest): Promise<ExtractOutput> {
  const window = historicalWindow({ endDate: request.endDate, from: request.from, launchDate: mapping.launchDate })
  const source = createSource(mapping, { env: {} })
  try {
    const premises =
      request.phase === 'sample'
        ? (await planSample(mapping, source, window, { seed: request.seed ?? '1', sampleSize: request.sampleSize ?? 40 })).premises
        : undefined
    const result = await runHistoricalExtract({
      mapping,
      source,
      phase: request.phase,
      window,
      premises,
      outDir: mapping.output.folder,
      tmpDir: request.tmpDir,
      signal: request.signal,
      log: request.log ?? (() => {}),
    })
    return {
      files: result.files.map((file) => ({ fileType: file.fileType, text: gunzipSync(readFileSync(file.path)).toString('utf8') })),
      rejects: result.rejectsFile ? readFileSync(result.rejectsFile, 'utf8') : undefined,
      counts: result.counts,
    }
  } finally {
    await source.close()
  }
}
