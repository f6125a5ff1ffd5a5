import { isAscii, isUtf8 } from 'node:buffer'
import { createContentFacts, noteLine, type ContentFacts } from './content-facts.js'

const LF = 0x0a
const CR = 0x0d
const BOM = Buffer.from([0xef, 0xbb, 0xbf])
/**
 * Byte patterns that every UTF-8 encoding of whitespace other than space, TAB, CR and LF contains: \v, \f,
 * U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F (all E2 80 xx), U+205F, U+3000, U+FEFF. A block
 * without any of them holds none of that whitespace, whatever else it holds.
 */
const OTHER_WHITESPACE_BYTES: readonly (number | Buffer)[] = [
  0x0b,
  0x0c,
  Buffer.from([0xc2, 0xa0]),
  Buffer.from([0xe1, 0x9a, 0x80]),
  Buffer.from([0xe2, 0x80]),
  Buffer.from([0xe2, 0x81, 0x9f]),
  Buffer.from([0xe3, 0x80, 0x80]),
  BOM,
]
const ASCII_OTHER_WHITESPACE_BYTES: readonly number[] = [0x0b, 0x0c]

/**
 * Turns decompressed byte chunks into lines (without terminators; CR of a CRLF removed) and records the
 * byte-level facts on the way.
 *
 * Each chunk is cut at its last LF, so a block always holds whole lines: LF never occurs inside a UTF-8
 * sequence, which lets one `isUtf8` call and one `toString` per block do the work, and only a block that
 * fails is searched line by line. A block without CR bytes (the usual case) skips the per-line CR checks.
 * Memory is one chunk plus the unfinished last line.
 */
export class LineSplitter {
  readonly facts: ContentFacts = createContentFacts()
  /** Whether the block the last returned lines came from is pure ASCII (checks can then skip Unicode cases). */
  lastBlockAscii = true
  /** Whether that block may hold whitespace other than space, TAB, CR and LF (false: it holds none; V25). */
  lastBlockOtherWhitespace = true
  readonly #limit: number
  #carry: Buffer = Buffer.alloc(0)
  #started = false

  constructor(exampleLimit: number) {
    this.#limit = exampleLimit
  }

  /** The complete lines that `chunk` finishes. */
  push(chunk: Buffer): string[] {
    this.facts.bytes += chunk.length
    let bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk
    if (!this.#started) {
      // A BOM split across chunks is possible in theory: wait for three bytes.
      if (bytes.length < BOM.length) {
        this.#carry = bytes
        return []
      }
      bytes = this.#stripBom(bytes)
    }
    const lastLf = bytes.lastIndexOf(LF)
    if (lastLf < 0) {
      this.#carry = bytes
      return []
    }
    this.#carry = bytes.subarray(lastLf + 1)
    return this.#split(bytes.subarray(0, lastLf + 1), true)
  }

  /** The unterminated last line, if any; call once after the last chunk. */
  end(): string[] {
    let rest = this.#carry
    if (!this.#started) rest = this.#stripBom(rest)
    this.#carry = Buffer.alloc(0)
    if (rest.length === 0) return []
    this.facts.missingFinalNewline = true
    return this.#split(rest, false)
  }

  /** Forgets the unterminated rest: after a decompression error it is a truncated line, not a row. */
  discard(): void {
    this.#carry = Buffer.alloc(0)
  }

  #stripBom(bytes: Buffer): Buffer {
    this.#started = true
    if (bytes.length >= BOM.length && bytes.subarray(0, BOM.length).equals(BOM)) {
      this.facts.bom = true
      return bytes.subarray(BOM.length)
    }
    return bytes
  }

  #split(block: Buffer, terminated: boolean): string[] {
    const facts = this.facts
    const first = facts.lines + 1
    const lines = block.toString('utf8').split('\n')
    if (terminated) lines.pop()
    facts.lines += lines.length
    this.lastBlockAscii = isAscii(block)
    this.lastBlockOtherWhitespace = holdsAny(block, this.lastBlockAscii ? ASCII_OTHER_WHITESPACE_BYTES : OTHER_WHITESPACE_BYTES)
    if (!this.lastBlockAscii && !isUtf8(block)) this.#findInvalidUtf8(block, first)
    if (block.indexOf(CR) < 0) {
      this.#noteLfOnly(lines, first, terminated)
      return lines
    }
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i] as string
      const number = first + i
      const hasTerminator = terminated || i < lines.length - 1
      if (hasTerminator && line.endsWith('\r')) {
        noteLine(facts.crlf, number, this.#limit)
        line = line.slice(0, -1)
        lines[i] = line
      } else if (hasTerminator) {
        noteLine(facts.lf, number, this.#limit)
      }
      if (line.includes('\r')) noteLine(facts.loneCr, number, this.#limit)
      if (line.length === 0 && hasTerminator) noteLine(facts.blank, number, this.#limit)
    }
    return lines
  }

  #noteLfOnly(lines: readonly string[], first: number, terminated: boolean): void {
    const facts = this.facts
    const terminatedCount = terminated ? lines.length : lines.length - 1
    facts.lf.count += terminatedCount
    for (let i = 0; i < lines.length; i++) {
      if (i < terminatedCount && facts.lf.lines.length < this.#limit) facts.lf.lines.push(first + i)
      if ((lines[i] as string).length === 0 && i < terminatedCount) noteLine(facts.blank, first + i, this.#limit)
    }
  }

  // Only reached for a block that holds invalid UTF-8, so a slow search is fine.
  #findInvalidUtf8(block: Buffer, first: number): void {
    let start = 0
    let number = first
    while (start < block.length) {
      const lf = block.indexOf(LF, start)
      const end = lf < 0 ? block.length : lf
      if (!isUtf8(block.subarray(start, end))) noteLine(this.facts.invalidUtf8, number, this.#limit)
      start = end + 1
      number++
    }
  }
}

function holdsAny(block: Buffer, patterns: readonly (number | Buffer)[]): boolean {
  for (const pattern of patterns) if (block.indexOf(pattern) >= 0) return true
  return false
}
