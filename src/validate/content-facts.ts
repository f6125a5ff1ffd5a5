/** How often something happened, and on which lines first (at most the example limit). */
export interface LineList {
  count: number
  readonly lines: number[]
}

/**
 * Byte-level facts about the decompressed content, gathered while its lines are read (V12, V16, V17,
 * V22, V23 judge them at the end). Line numbers are 1-based; the header is line 1.
 */
export interface ContentFacts {
  /** Decompressed bytes read (BOM included). */
  bytes: number
  /** Lines read, blank and unterminated ones included. */
  lines: number
  /** The content starts with a UTF-8 BOM (it is stripped before the header is read). */
  bom: boolean
  /** Lines that are not valid UTF-8. */
  readonly invalidUtf8: LineList
  /** Lines ending in LF alone, in CRLF, and lines holding a CR that is not followed by LF. */
  readonly lf: LineList
  readonly crlf: LineList
  readonly loneCr: LineList
  /** Empty lines (the final terminator does not make one). */
  readonly blank: LineList
  /** Some content follows the last LF. False for empty content. */
  missingFinalNewline: boolean
  /** Decompression failed after some content was read; the lines before it were validated. */
  decompressError: { readonly message: string; readonly afterLine: number } | undefined
}

export function createContentFacts(): ContentFacts {
  return {
    bytes: 0,
    lines: 0,
    bom: false,
    invalidUtf8: { count: 0, lines: [] },
    lf: { count: 0, lines: [] },
    crlf: { count: 0, lines: [] },
    loneCr: { count: 0, lines: [] },
    blank: { count: 0, lines: [] },
    missingFinalNewline: false,
    decompressError: undefined,
  }
}

/** Counts one line in `list`, keeping its number while fewer than `limit` are kept. */
export function noteLine(list: LineList, line: number, limit: number): void {
  list.count++
  if (list.lines.length < limit) list.lines.push(line)
}
