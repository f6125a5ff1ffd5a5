import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { loadMapping } from '../../src/config/load-mapping.js'
import { historicalWindow } from '../../src/extract/extract-window.js'
import { planSample } from '../../src/extract/plan-sample.js'
import { runHistoricalExtract, type HistoricalExtractResult } from '../../src/extract/run-historical-extract.js'
import { createSource } from '../../src/source/create-source.js'

export interface RunExtractOptions {
  readonly endDate: string
  readonly phase?: 'sample' | 'full'
  readonly from?: string
  readonly sampleSize?: number
  readonly seed?: string
  /** Where the files go (default: the mapping's output.folder). */
  readonly outDir?: string
  readonly tmpDir: string
}

/** Runs a sample or full historical extract of a mapping file the way `extract` does, without logging. */
export async function runExtract(mappingFile: string, options: RunExtractOptions): Promise<HistoricalExtractResult> {
  const { mapping } = loadMapping(mappingFile)
  const window = historicalWindow({ endDate: options.endDate, from: options.from, launchDate: mapping.launchDate })
  const source = createSource(mapping, { env: {} })
  try {
    const premises =
      options.phase === 'sample'
        ? (await planSample(mapping, source, window, { seed: options.seed ?? '1', sampleSize: options.sampleSize ?? 300 })).premises
        : undefined
    return await runHistoricalExtract({
      mapping,
      source,
      phase: options.phase ?? 'full',
      window,
      premises,
      outDir: options.outDir ?? mapping.output.folder,
      tmpDir: options.tmpDir,
      log: () => {},
    })
  } finally {
    await source.close()
  }
}

/** The data rows of a written gz file as objects keyed by header name. */
export function readRows(path: string): Record<string, string>[] {
  const lines = contentOf(path).split('\n')
  const header = lines[0]!.split('\t')
  return lines
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => Object.fromEntries(line.split('\t').map((value, i) => [header[i]!, value])))
}

/** The decompressed content of a written file. */
export function contentOf(path: string): string {
  return gunzipSync(readFileSync(path)).toString('utf8')
}
