/**
 * Fills `{{name}}` placeholders. The name's prefix says how the value is escaped for the file format:
 * `q_` POSIX shell word in a crontab (`%` is special there), `x_` XML text, `c_` Windows batch argument,
 * `s_` systemd command-line argument, `sp_` systemd path setting, `raw_` a fragment we built ourselves;
 * other names are plain tokens (utility code, times) that need no escaping.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>, templateName: string): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (_whole, name: string) => {
    const [prefix, bare] = splitPrefix(name)
    const value = values[bare]
    if (value === undefined) throw new Error(`template ${templateName} uses {{${name}}}, which has no value`)
    return ESCAPES[prefix](value)
  })
}

const ESCAPES = {
  q: (value: string) => `'${value.replace(/'/g, `'\\''`)}'`.replace(/%/g, '\\%'),
  x: (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  c: (value: string) => `"${value.replace(/%/g, '%%')}"`,
  s: (value: string) => {
    const escaped = value.replace(/%/g, '%%')
    return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/(["\\])/g, '\\$1')}"` : escaped
  },
  sp: (value: string) => value.replace(/%/g, '%%'),
  raw: (value: string) => value,
  plain: (value: string) => {
    if (!/^[\w .:,()+\-/*]*$/.test(value)) throw new Error(`"${value}" needs escaping: give its placeholder a prefix`)
    return value
  },
} as const

function splitPrefix(name: string): [keyof typeof ESCAPES, string] {
  const match = /^(q|x|c|s|sp|raw)_(.+)$/.exec(name)
  return match ? [match[1] as keyof typeof ESCAPES, match[2]!] : ['plain', name]
}
