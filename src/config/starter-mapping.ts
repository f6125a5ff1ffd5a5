import { isMap, isScalar, parseDocument, Scalar, type Pair, type YAMLMap } from 'yaml'
import { DERIVED_COLUMNS } from './mapping.js'

/** The Delivery Team's template header given to `init --header-from`. */
export interface StarterHeader {
  /** The template file as `columns_from` will name it (relative to the new mapping). */
  readonly path: string
  readonly columns: readonly string[]
}

export interface StarterOptions {
  /** Where the JSON Schema is, relative to the new mapping, for editors. */
  readonly schemaPath: string
  readonly header?: StarterHeader
}

const SCHEMA_MODELINE = /^# yaml-language-server: \$schema=.*$/m
const COLUMNS_FROM_PLACEHOLDER = /^# columns_from: .*$/m

/**
 * Turns a template of `templates/` into a starter mapping, keeping its comments. The editor modeline
 * points at the JSON Schema from where the mapping is written. With a template header, `columns_from`
 * names it and `columns` follows its column list: known columns keep the template's entry, columns the
 * template does not know start as `empty: true` with a comment, and columns the header lacks are left out.
 */
export function starterMapping(templateText: string, options: StarterOptions): string {
  let text = SCHEMA_MODELINE.test(templateText)
    ? templateText.replace(SCHEMA_MODELINE, `# yaml-language-server: $schema=${options.schemaPath}`)
    : `# yaml-language-server: $schema=${options.schemaPath}\n${templateText}`
  const header = options.header
  if (!header) return text
  const columnsFrom = `columns_from: ${JSON.stringify(header.path)}`
  text = COLUMNS_FROM_PLACEHOLDER.test(text) ? text.replace(COLUMNS_FROM_PLACEHOLDER, columnsFrom) : text
  const doc = parseDocument(text)
  if (!doc.has('columns_from')) doc.set('columns_from', header.path)
  const columns = doc.get('columns', true)
  if (!isMap(columns)) throw new Error('a template without a columns map')
  const written = new Map<string, Pair>()
  for (const pair of (columns as YAMLMap).items) if (isScalar(pair.key)) written.set(String(pair.key.value), pair as Pair)

  const wanted = [...new Set(header.columns)].filter((name) => !(DERIVED_COLUMNS as readonly string[]).includes(name))
  const items: Pair[] = []
  for (const name of wanted) {
    const known = written.get(name)
    if (known) {
      items.push(known)
      continue
    }
    const key = new Scalar(name)
    key.commentBefore = ' Not a column this template knows: map it (sql or constant) or leave it empty.'
    items.push(doc.createPair(key, doc.createNode({ empty: true }, { flow: true })) as Pair)
  }
  const dropped = [...written.keys()].filter((name) => !wanted.includes(name))
  ;(columns as YAMLMap).items = items
  if (dropped.length) {
    const note = ` Left out, not in the template header: ${dropped.join(', ')}.`
    const first = items[0]?.key
    if (isScalar(first)) first.commentBefore = first.commentBefore ? `${note}\n${first.commentBefore}` : note
  }
  return doc.toString({ lineWidth: 0 })
}
