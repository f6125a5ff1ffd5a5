import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml'

/** A parsed YAML document that can tell the line of any key path, for error messages. */
export class YamlLocator {
  readonly #doc: Document
  readonly #lines: LineCounter

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc
    this.#lines = lines
  }

  static parse(text: string): { locator: YamlLocator; data: unknown; syntaxErrors: { line: number; message: string }[] } {
    const lines = new LineCounter()
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
    const syntaxErrors = doc.errors.map((error) => ({
      line: lines.linePos(error.pos[0]).line,
      message: error.message.split('\n')[0] ?? error.message,
    }))
    let data: unknown
    if (syntaxErrors.length === 0) {
      try {
        data = doc.toJS()
      } catch (error) {
        // toJS is where the yaml library finds an alias without its anchor, or too many aliases (an alias bomb).
        syntaxErrors.push({ line: lineOfUnresolvedAlias(doc, lines), message: error instanceof Error ? error.message : String(error) })
      }
    }
    return { locator: new YamlLocator(doc, lines), data, syntaxErrors }
  }

  /**
   * Line of the key at `path` (of the item, in a list), or of its nearest existing parent (1 when nothing
   * matches). The key, not the value: a block value starts on the line after its key.
   */
  lineOf(path: readonly PropertyKey[]): number {
    for (let depth = path.length; depth > 0; depth--) {
      const key = this.#keyLine(path.slice(0, depth - 1), String(path[depth - 1]))
      if (key !== undefined) return key
      const node = this.#doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined
      if (node?.range) return this.#lines.linePos(node.range[0]).line
    }
    return 1
  }

  /** Line of the key itself (for unknown keys), falling back to its parent. */
  lineOfKey(parent: readonly PropertyKey[], key: string): number {
    return this.#keyLine(parent, key) ?? this.lineOf(parent)
  }

  #keyLine(parent: readonly PropertyKey[], key: string): number | undefined {
    const map = parent.length ? this.#doc.getIn(parent, true) : this.#doc.contents
    if (!isMap(map)) return undefined
    for (const pair of map.items) {
      if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return this.#lines.linePos(pair.key.range[0]).line
    }
    return undefined
  }
}

/** Line of the first alias that names no anchor before it (1 when every alias resolves). */
function lineOfUnresolvedAlias(doc: Document, lines: LineCounter): number {
  let line = 1
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) === undefined && node.range) {
        line = lines.linePos(node.range[0]).line
        return visit.BREAK
      }
      return undefined
    },
  })
  return line
}
