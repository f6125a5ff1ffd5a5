const FEXTRA = 0x04
const FNAME = 0x08

/**
 * The original file name stored in a gzip header (FNAME, RFC 1952 §2.3), or undefined when the header
 * has none (node's own gzip never writes one) or `head` is too short to hold it. Latin-1, as the RFC says.
 */
export function gzipInnerName(head: Buffer): string | undefined {
  if (head.length < 10) return undefined
  const flags = head[3] ?? 0
  if ((flags & FNAME) === 0) return undefined
  let offset = 10
  if ((flags & FEXTRA) !== 0) {
    if (head.length < 12) return undefined
    offset += 2 + head.readUInt16LE(10)
  }
  const end = head.indexOf(0, offset)
  if (end < 0) return undefined
  return head.toString('latin1', offset, end)
}
