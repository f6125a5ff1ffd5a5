import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { isToolkitError } from '../../src/errors/toolkit-error.js'
import { sortRecords, type SortRecordsOptions } from '../../src/writer/sort-records.js'
import { spillNullableStringArrayCodec, spillStringArrayCodec } from '../../src/writer/spill-string-array-codec.js'

/** A read as the extract sees it: sort key plus its position in the input, to check stability. */
interface Read {
  readonly sp: string
  readonly date: string
  readonly seq: number
}

const byKey = (a: Read, b: Read): number =>
  a.sp < b.sp ? -1 : a.sp > b.sp ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1 : 0
const byFirstField = (a: readonly string[], b: readonly string[]): number => {
  const x = a[0] as string
  const y = b[0] as string
  return x < y ? -1 : x > y ? 1 : 0
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `count` reads over few service points and dates, so many compare equal. */
function reads(count: number, seed = 1): Read[] {
  const next = random(seed)
  return Array.from({ length: count }, (_, seq) => ({
    sp: `SP${Math.floor(next() * 7)}`,
    date: `2024-01-0${1 + Math.floor(next() * 3)}`,
    seq,
  }))
}

async function* from<T>(records: readonly T[]): AsyncGenerator<T> {
  for (const record of records) yield record
}

async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const record of records) out.push(record)
  return out
}

/**
 * deepEqual on records, but a failure names the first differing record in short escaped JSON (the
 * round-trip records hold 100,000-character fields that would flood the report otherwise).
 */
function assertSameRecords<T>(actual: readonly T[], wanted: readonly T[]): void {
  const preview = (record: T | undefined): string => JSON.stringify(record)?.slice(0, 160) ?? 'undefined'
  for (let i = 0; i < Math.max(actual.length, wanted.length); i++) {
    if (!isDeepStrictEqual(actual[i], wanted[i])) {
      assert.fail(`record ${i} of ${wanted.length}: got ${preview(actual[i])}, expected ${preview(wanted[i])}`)
    }
  }
}

/** What a correct stable sort returns: `Array.prototype.sort` is stable. */
function expected<T>(input: readonly T[], compare: (a: T, b: T) => number): T[] {
  return [...input].sort(compare)
}

let root: string
let count = 0
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'opx-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A fresh, empty tmpDir per test, so "nothing left behind" is simply `readdir(dir)` being empty. */
async function freshDir(): Promise<string> {
  return mkdtemp(join(root, `t${++count}-`))
}

/** Run files in the sort's own directory, or [] when it has none (yet or any more). */
async function runFiles(tmpDir: string): Promise<string[]> {
  const dirs = await readdir(tmpDir)
  if (dirs.length === 0) return []
  assert.equal(dirs.length, 1, `one sort directory, got ${dirs.join(', ')}`)
  assert.match(dirs[0] as string, /^opx-sort-/)
  return readdir(join(tmpDir, dirs[0] as string))
}

/** `sortRecords` over an array, with the test's own tmpDir. */
function sorting<T>(
  input: readonly T[] | AsyncIterable<T>,
  tmpDir: string,
  compare: (a: T, b: T) => number,
  extra: Partial<SortRecordsOptions<T>> = {},
): AsyncGenerator<T> {
  const source = Symbol.asyncIterator in input ? input : from(input)
  return sortRecords(source, { tmpDir, compare, ...extra })
}

describe('sortRecords: order', () => {
  it('sorts in memory, stably, without touching the disk', async () => {
    const tmpDir = await freshDir()
    const input = reads(500)
    const spills: number[] = []
    const seen: string[][] = []
    const out: Read[] = []
    for await (const read of sorting(input, tmpDir, byKey, { onSpill: (n) => spills.push(n) })) {
      seen.push(await readdir(tmpDir))
      out.push(read)
    }
    assert.deepEqual(out, expected(input, byKey))
    assert.deepEqual(spills, [])
    assert.deepEqual(seen.flat(), [], 'no directory created while sorting in memory')
    // In memory the very same objects come out (no serialization round trip).
    assert.ok(out.every((read) => input.includes(read)))
  })

  it('keeps exactly maxRecordsInMemory records in memory', async () => {
    const tmpDir = await freshDir()
    const input = reads(50)
    const spills: number[] = []
    const out = await collect(sorting(input, tmpDir, byKey, { maxRecordsInMemory: 50, onSpill: (n) => spills.push(n) }))
    assert.deepEqual(out, expected(input, byKey))
    assert.deepEqual(spills, [])
  })

  it('spills sorted runs and merges them back in order, ties in input order across runs', async () => {
    const tmpDir = await freshDir()
    const input = reads(1000, 7)
    const spills: number[] = []
    const out: Read[] = []
    let filesWhileMerging: string[] = []
    const sorted = sorting(input, tmpDir, byKey, { maxRecordsInMemory: 37, onSpill: (n) => spills.push(n) })
    for await (const read of sorted) {
      if (out.length === 0) filesWhileMerging = await runFiles(tmpDir)
      out.push(read)
    }
    assert.deepEqual(out, expected(input, byKey))
    // 1000 = 27 full runs of 37 + 1 record left in memory.
    assert.deepEqual(spills, Array.from({ length: 27 }, (_, i) => i + 1))
    assert.equal(filesWhileMerging.length, 27)
    assert.deepEqual(await readdir(tmpDir), [], 'sort directory removed at the end')
  })

  for (const maxOpenRuns of [2, 3]) {
    it(`merges in several passes with maxOpenRuns ${maxOpenRuns}, still stable`, async () => {
      const tmpDir = await freshDir()
      const input = reads(2000, maxOpenRuns)
      let filesWhileMerging: string[] = []
      const out: Read[] = []
      const sorted = sorting(input, tmpDir, byKey, { maxRecordsInMemory: 45, maxOpenRuns })
      for await (const read of sorted) {
        if (out.length === 0) filesWhileMerging = await runFiles(tmpDir)
        out.push(read)
      }
      assert.deepEqual(out, expected(input, byKey))
      // 44 runs were spilled (2000 = 44 × 45 + 20 in memory); the final merge opens at most maxOpenRuns
      // sources, the in-memory run being one of them, so earlier passes merged the files down.
      assert.equal(filesWhileMerging.length, maxOpenRuns - 1)
      assert.ok(filesWhileMerging.every((name) => Number(name.slice(4, 10)) > 44), filesWhileMerging.join(','))
      assert.deepEqual(await readdir(tmpDir), [])
    })
  }

  it('keeps a correction after the read it corrects when every key ties', async () => {
    const tmpDir = await freshDir()
    const input = Array.from({ length: 300 }, (_, seq) => ({ sp: 'SP1', date: '2024-01-01', seq }))
    const out = await collect(sorting(input, tmpDir, byKey, { maxRecordsInMemory: 10, maxOpenRuns: 4 }))
    assert.deepEqual(
      out.map((read) => read.seq),
      input.map((read) => read.seq),
    )
  })

  it('returns nothing for empty input, even with spilling options', async () => {
    const tmpDir = await freshDir()
    const out = await collect(sorting([], tmpDir, byKey, { maxRecordsInMemory: 1, maxOpenRuns: 2 }))
    assert.deepEqual(out, [])
    assert.deepEqual(await readdir(tmpDir), [])
  })

  it('returns the one record of a one-record input', async () => {
    const tmpDir = await freshDir()
    const only = { sp: 'SP9', date: '2024-02-02', seq: 0 }
    assert.deepEqual(await collect(sorting([only], tmpDir, byKey, { maxRecordsInMemory: 1 })), [only])
  })

  it('sorts with one record per run (maxRecordsInMemory 1)', async () => {
    const tmpDir = await freshDir()
    const input = reads(40, 3)
    const out = await collect(sorting(input, tmpDir, byKey, { maxRecordsInMemory: 1, maxOpenRuns: 3 }))
    assert.deepEqual(out, expected(input, byKey))
  })

  it('rejects limits that cannot work', async () => {
    const tmpDir = await freshDir()
    await assert.rejects(collect(sorting(reads(3), tmpDir, byKey, { maxRecordsInMemory: 0 })), RangeError)
    await assert.rejects(collect(sorting(reads(3), tmpDir, byKey, { maxOpenRuns: 1 })), RangeError)
  })
})

/** Every awkward string we could think of, each at the start of a record so it also takes part in the sort. */
const AWKWARD = [
  '',
  'line\nbreak',
  '\n',
  'carriage\rreturn',
  '\r\n',
  'tab\there',
  '\t',
  'nul\u0000byte',
  'back\\slash',
  '\\',
  '\\n',
  '\\t',
  '\\\\t',
  'ends with backslash\\',
  '"quoted"',
  "'single'",
  'ünïcödé ß',
  '日本語',
  '😀 emoji 👩‍👩‍👧',
  'lone \ud800 surrogate',
  'low first \udc00\ud800 then high',
  'high at the end \ud83d',
  '\\ud800 as text',
  '\u2028\u2029',
  ' spaces ',
]

describe('sortRecords: content round-trips exactly through run files', () => {
  const rows = (): string[][] => {
    const out: string[][] = []
    AWKWARD.forEach((text, i) => {
      out.push([text, `#${i}`, '', text + text])
      out.push([`${text}|2`, '', text])
    })
    // A field longer than a read chunk, with multi-byte characters across the chunk boundaries.
    out.push(['long', '😀é'.repeat(40_000), '日'.repeat(70_001)])
    out.push([], [''], ['', ''], ['\t'], ['\\', ''])
    return out
  }
  /** A one-field record written as its own text: shows what the run file itself keeps. */
  const rawLines = { serialize: (r: string[]) => r[0] as string, deserialize: (line: string) => [line] }
  const byAll = (a: readonly string[], b: readonly string[]): number => {
    const x = JSON.stringify(a)
    const y = JSON.stringify(b)
    return x < y ? -1 : x > y ? 1 : 0
  }

  for (const [name, codec] of [
    ['JSON (default)', {}],
    ['spillStringArrayCodec', spillStringArrayCodec],
  ] as const) {
    it(`with ${name}`, async () => {
      const tmpDir = await freshDir()
      const input = rows()
      const spills: number[] = []
      const onSpill = (n: number): number => spills.push(n)
      const sorted = sorting(input, tmpDir, byAll, { ...codec, maxRecordsInMemory: 3, maxOpenRuns: 4, onSpill })
      const out = await collect(sorted)
      assert.ok(spills.length > 10, 'the records went through files')
      assertSameRecords(out, expected(input, byAll))
      assert.deepEqual(await readdir(tmpDir), [])
    })
  }

  it('spillStringArrayCodec tells [], [""] and ["", ""] apart and escapes to one line', () => {
    const { serialize, deserialize } = spillStringArrayCodec
    assert.equal(serialize([]), '')
    assert.equal(serialize(['']), '\t')
    assert.equal(serialize(['', '']), '\t\t')
    assert.equal(serialize(['a\tb', 'c\nd', 'e\\f']), 'a\\tb\tc\\nd\te\\\\f\t')
    assert.deepEqual(deserialize(''), [])
    assert.deepEqual(deserialize('\t'), [''])
    assert.deepEqual(deserialize('a\\tb\tc\\nd\te\\\\f\t'), ['a\tb', 'c\nd', 'e\\f'])
  })

  it('spillStringArrayCodec writes a lone surrogate as \\uXXXX and leaves pairs alone', () => {
    const { serialize, deserialize } = spillStringArrayCodec
    assert.equal(serialize(['a\ud800', '😀', '\\ud800']), 'a\\ud800\t😀\t\\\\ud800\t')
    assert.deepEqual(deserialize('a\\ud800\t😀\t\\\\ud800\t'), ['a\ud800', '😀', '\\ud800'])
  })

  it('spillStringArrayCodec refuses a field that is not a string instead of changing it', () => {
    assert.throws(() => spillStringArrayCodec.serialize([42 as unknown as string]), /field 0 is number/)
  })

  it('spillNullableStringArrayCodec keeps NULL apart from empty text and from a written "\\N"', () => {
    const { serialize, deserialize } = spillNullableStringArrayCodec
    const record = [null, '', '\\N', 'N', null]
    assert.equal(serialize(record), '\\N\t\t\\\\N\tN\t\\N\t')
    assert.deepEqual(deserialize(serialize(record)), record)
  })

  it('throws when a custom serialize returns a newline, and cleans up', async () => {
    const tmpDir = await freshDir()
    const serialize = (r: Read): string => `${r.sp}\n${r.seq}`
    const sorted = sorting(reads(20), tmpDir, byKey, { maxRecordsInMemory: 5, serialize })
    await assert.rejects(collect(sorted), (error: Error) => {
      assert.ok(error instanceof TypeError)
      assert.match(error.message, /newline at character \d+: "SP\d\\n\d+"/)
      return true
    })
    assert.deepEqual(await readdir(tmpDir), [])
  })

  it('throws when a custom serialize returns a lone surrogate, which UTF-8 would replace', async () => {
    const tmpDir = await freshDir()
    const input = [['a\ud83d'], ['b']]
    const sorted = sorting(input, tmpDir, byFirstField, { maxRecordsInMemory: 1, ...rawLines })
    await assert.rejects(collect(sorted), /lone surrogate: "a\\ud83d"/)
    assert.deepEqual(await readdir(tmpDir), [])
  })

  it('keeps a lone \\r inside a record (only \\n ends a line)', async () => {
    const tmpDir = await freshDir()
    const input = [['b\rx'], ['a\r'], ['\r'], ['c\r\r']]
    const out = await collect(sorting(input, tmpDir, byFirstField, { maxRecordsInMemory: 1, ...rawLines }))
    assert.deepEqual(out, [['\r'], ['a\r'], ['b\rx'], ['c\r\r']])
  })

  it('decodes a character whose UTF-8 bytes straddle two read chunks', async () => {
    const tmpDir = await freshDir()
    // The first run file starts with this record: its emoji takes bytes 65535-65538, across the 64 KiB
    // boundary of the first read.
    const straddling = 'x'.repeat(65_535) + '😀 after'
    const sorted = sorting([[straddling], ['a']], tmpDir, byFirstField, { maxRecordsInMemory: 1, ...rawLines })
    const out = await collect(sorted)
    assert.equal(out.length, 2)
    assert.ok(out[1]?.[0] === straddling, `got ${JSON.stringify(out[1]?.[0]?.slice(65_530))}`)
  })
})

describe('sortRecords: temporary files', () => {
  it('removes the sort directory when the source throws mid-way, and passes the error on', async () => {
    const tmpDir = await freshDir()
    const boom = new Error('connection reset by peer')
    let filesAtFailure: string[] = []
    async function* failing(): AsyncGenerator<Read> {
      yield* reads(100)
      filesAtFailure = await runFiles(tmpDir)
      throw boom
    }
    const sorted = sorting(failing(), tmpDir, byKey, { maxRecordsInMemory: 10 })
    await assert.rejects(collect(sorted), (error) => error === boom)
    assert.equal(filesAtFailure.length, 9, 'runs were on disk when the source failed')
    assert.deepEqual(await readdir(tmpDir), [])
  })

  it('removes the sort directory when the consumer stops early', async () => {
    const tmpDir = await freshDir()
    const input = reads(500)
    const first: Read[] = []
    let filesWhileMerging: string[] = []
    for await (const read of sorting(input, tmpDir, byKey, { maxRecordsInMemory: 20 })) {
      first.push(read)
      if (first.length === 1) filesWhileMerging = await runFiles(tmpDir)
      if (first.length === 30) break
    }
    assert.deepEqual(first, expected(input, byKey).slice(0, 30))
    assert.equal(filesWhileMerging.length, 24)
    assert.deepEqual(await readdir(tmpDir), [])
  })

  it('stops with INTERRUPTED and removes the directory when aborted during the merge', async () => {
    const tmpDir = await freshDir()
    const controller = new AbortController()
    const out: Read[] = []
    const sorted = sorting(reads(500), tmpDir, byKey, { maxRecordsInMemory: 20, signal: controller.signal })
    await assert.rejects(
      (async () => {
        for await (const read of sorted) {
          out.push(read)
          if (out.length === 10) controller.abort()
        }
      })(),
      (error) => {
        assert.ok(isToolkitError(error))
        assert.equal(error.code, 'INTERRUPTED')
        assert.match(error.message, /after passing on 10 of 500 records/)
        return true
      },
    )
    assert.equal(out.length, 10, 'nothing is yielded after the abort')
    assert.deepEqual(await readdir(tmpDir), [])
  })

  it('stops with INTERRUPTED while reading the source, and closes the source', async () => {
    const tmpDir = await freshDir()
    const controller = new AbortController()
    let produced = 0
    let sourceClosed = false
    async function* endless(): AsyncGenerator<Read> {
      try {
        for (;;) {
          produced++
          if (produced === 250) controller.abort()
          yield { sp: `SP${produced % 5}`, date: '2024-01-01', seq: produced }
        }
      } finally {
        sourceClosed = true
      }
    }
    const sorted = sorting(endless(), tmpDir, byKey, { maxRecordsInMemory: 20, signal: controller.signal })
    await assert.rejects(collect(sorted), (error) => {
      assert.ok(isToolkitError(error))
      assert.equal(error.code, 'INTERRUPTED')
      assert.match(error.message, /while reading, after 249 records/)
      return true
    })
    assert.equal(produced, 250)
    assert.ok(sourceClosed, 'the source generator was returned')
    assert.deepEqual(await readdir(tmpDir), [])
  })

  it('reads nothing when the signal is already aborted', async () => {
    const tmpDir = await freshDir()
    const sorted = sorting(reads(10), tmpDir, byKey, { signal: AbortSignal.abort() })
    await assert.rejects(collect(sorted), (error) => isToolkitError(error) && error.code === 'INTERRUPTED')
  })

  it('says which directory it cannot write to', async () => {
    const tmpDir = join(await freshDir(), 'missing')
    await assert.rejects(collect(sorting(reads(10), tmpDir, byKey, { maxRecordsInMemory: 2 })), (error) => {
      assert.ok(isToolkitError(error))
      assert.equal(error.code, 'OUTPUT_NOT_WRITABLE')
      assert.ok(error.message.includes(tmpDir), error.message)
      assert.match(error.hint ?? '', /temporary directory/)
      return true
    })
  })
})

describe('sortRecords: memory', () => {
  // The test measures live heap, so it needs a real collection before each sample.
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const liveHeap = (): number => {
    gc()
    return process.memoryUsage().heapUsed
  }
  const record = (i: number): string[] => [
    `k${String((i * 7919) % 1_000_003).padStart(7, '0')}`,
    `payload-${i}-${'x'.repeat(24)}`,
  ]
  const MB = 1024 * 1024
  const BOUND = 48 * MB

  it('holds 1,000,000 records in a bounded heap (maxRecordsInMemory 50,000)', async () => {
    // Calibrate: what 100,000 of these records cost when kept, so we know a sort that keeps all
    // 1,000,000 in memory would break the bound (otherwise this test could not fail).
    const base = liveHeap()
    const kept = Array.from({ length: 100_000 }, (_, i) => record(i))
    const perRecord = (liveHeap() - base) / kept.length
    kept.length = 0
    const keepingAll = perRecord * 1_000_000
    assert.ok(keepingAll > 2 * BOUND, `keeping all records would take only ${Math.round(keepingAll / MB)} MiB`)

    const tmpDir = await freshDir()
    const start = liveHeap()
    let peak = 0
    const sample = (): void => {
      peak = Math.max(peak, liveHeap() - start)
    }
    async function* source(): AsyncGenerator<string[]> {
      for (let i = 0; i < 1_000_000; i++) {
        if (i % 100_000 === 99_999) sample()
        yield record(i)
      }
      sample()
    }
    let n = 0
    let previous: string[] | undefined
    const sorted = sorting(source(), tmpDir, byFirstField, { maxRecordsInMemory: 50_000, ...spillStringArrayCodec })
    for await (const row of sorted) {
      if (previous !== undefined) assert.ok(byFirstField(previous, row) <= 0)
      previous = row
      if (++n % 100_000 === 0) sample()
    }
    assert.equal(n, 1_000_000)
    assert.ok(peak < BOUND, `live heap grew by ${Math.round(peak / MB)} MiB (bound ${BOUND / MB} MiB)`)
    assert.deepEqual(await readdir(tmpDir), [])
  })
})
