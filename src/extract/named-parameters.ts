import { ToolkitError } from '../errors/toolkit-error.js'

/**
 * Rewrites `:name` parameters of a hand-written SELECT into `?` placeholders with their values in order,
 * skipping quoted strings, quoted identifiers, comments and `::` casts. Every value is bound, none spliced.
 */
export function namedToPositional(
  sql: string,
  parameters: Readonly<Record<string, string | number>>,
  where: string,
): { sql: string; bindings: unknown[] } {
  const bindings: unknown[] = []
  let out = ''
  let i = 0
  while (i < sql.length) {
    const ch = sql[i]!
    const quoted = ch === "'" || ch === '"' || ch === '`'
    if (quoted) {
      const end = sql.indexOf(ch, i + 1)
      const stop = end < 0 ? sql.length : end + 1
      out += sql.slice(i, stop)
      i = stop
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i)
      const stop = end < 0 ? sql.length : end
      out += sql.slice(i, stop)
      i = stop
    } else if (sql.startsWith('::', i)) {
      out += '::'
      i += 2
    } else if (ch === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0]
      if (!(name in parameters)) {
        throw new ToolkitError('MAPPING_INVALID', `${where}: parameter :${name} has no value`, {
          hint: `add parameters.${name} to the mapping`,
        })
      }
      bindings.push(parameters[name])
      out += '?'
      i += name.length + 1
    } else {
      out += ch
      i += 1
    }
  }
  return { sql: out, bindings }
}
