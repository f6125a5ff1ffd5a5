import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { ToolkitError } from '../errors/toolkit-error.js'
import { resolveMappingPath, windowsOnlyPath } from '../platform/resolve-mapping-path.js'
import { readTemplateHeader } from '../spec/read-template-header.js'
import type { FileType } from '../spec/file-layout.js'
import { didYouMean } from './did-you-mean.js'
import type { Mapping } from './mapping.js'
import { MAPPING_RULES } from './mapping-rules.js'
import { mappingSchema, type WrittenMapping } from './mapping.schema.js'
import { normalizeMapping } from './normalize-mapping.js'
import { YamlLocator } from './yaml-locator.js'

export interface LoadedMapping {
  readonly mapping: Mapping
  /** `file:line key: message` lines, for the terminal. */
  readonly warnings: readonly string[]
  /** The mapping as written (after the schema), for checks that report against the author's own keys. */
  readonly written: WrittenMapping
  /** `file:line key` of a key path, so later checks point at the line the author wrote. */
  readonly where: (path: readonly PropertyKey[]) => string
}

/**
 * Reads, checks and normalizes a mapping file. Every problem is reported at once, each as
 * `file:line key: message (hint)`, in one `MAPPING_INVALID` error.
 */
export function loadMapping(file: string): LoadedMapping {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (cause) {
    throw new ToolkitError('MAPPING_NOT_FOUND', `cannot read mapping file ${file}`, {
      cause,
      hint: 'give the path of a mapping YAML file with --mapping (opower-extract init writes a starter one)',
    })
  }
  const { locator, data, syntaxErrors } = YamlLocator.parse(text)
  const errors: string[] = syntaxErrors.map((error) => `${file}:${error.line}: YAML syntax: ${error.message}${duplicateKeyHint(text, error)}`)
  const warnings: string[] = []
  const where = (path: readonly PropertyKey[]) => `${file}:${locator.lineOf(path)} ${path.length ? path.join('.') : '(top level)'}`
  const at = (path: readonly PropertyKey[], message: string, hint?: string) => `${where(path)}: ${message}${hint ? ` (${hint})` : ''}`

  if (errors.length === 0) {
    const parsed = mappingSchema.safeParse(data ?? {}, { reportInput: true })
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(describeIssue(file, locator, issue))
    } else {
      const written = parsed.data
      const templateHeaders = readTemplateHeaders(file, written, errors, at)
      if (errors.length === 0) {
        const mapping = normalizeMapping(written, file, templateHeaders)
        for (const rule of MAPPING_RULES) {
          rule({
            written,
            mapping,
            error: (path, message, hint) => errors.push(at(path, message, hint)),
            warning: (path, message, hint) => warnings.push(at(path, message, hint)),
          })
        }
        if (errors.length === 0) return { mapping, warnings, written, where }
      }
    }
  }
  throw new ToolkitError('MAPPING_INVALID', `${file}: ${errors.length} problem${errors.length === 1 ? '' : 's'} in the mapping`, {
    details: errors,
    hint: 'fix each line above; `opower-extract check --mapping FILE` checks again without extracting',
  })
}

function readTemplateHeaders(
  file: string,
  written: WrittenMapping,
  errors: string[],
  at: (path: readonly PropertyKey[], message: string, hint?: string) => string,
): Partial<Record<FileType, readonly string[]>> {
  const given = written.columns_from
  if (given === undefined) return {}
  const entries: [FileType, string][] =
    typeof given === 'string'
      ? [[written.layout === 'single' ? 'full' : 'customer', given]]
      : (Object.entries(given).filter(([, path]) => path !== undefined) as [FileType, string][])
  const headers: Partial<Record<FileType, readonly string[]>> = {}
  for (const [fileType, path] of entries) {
    if (windowsOnlyPath(path)) {
      errors.push(at(['columns_from'], `"${path}" is a Windows path, and this machine runs ${process.platform}`, 'give the template path on this machine, or relative to the mapping file'))
      continue
    }
    try {
      headers[fileType] = readTemplateHeader(resolveMappingPath(dirname(resolve(file)), path))
    } catch (error) {
      const message = error instanceof ToolkitError ? error.message : String(error)
      errors.push(at(['columns_from'], message, error instanceof ToolkitError ? error.hint : undefined))
    }
  }
  return headers
}

/** YAML names no key when one repeats; the line does, and a repeated column is a common copy-paste slip. */
function duplicateKeyHint(text: string, error: { line: number; message: string }): string {
  if (!/keys must be unique/i.test(error.message)) return ''
  const key = /^\s*(?:-\s*)?["']?([^"':#]+?)["']?\s*:/.exec(text.split(/\r?\n/)[error.line - 1] ?? '')?.[1]
  return key ? ` ("${key}" is written twice in the same map: keep one)` : ''
}

function describeIssue(file: string, locator: YamlLocator, issue: z.core.$ZodIssue): string {
  const path = issue.path
  const where = path.length ? path.join('.') : '(top level)'
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        const known = allowedKeysAt(path)
        const suggestion = didYouMean(key, known)
        const hint = suggestion ? `did you mean "${suggestion}"?` : `allowed here: ${known.join(', ')}`
        return `${file}:${locator.lineOfKey(path, key)} ${[...path, key].join('.')}: unknown key (${hint})`
      })
      .join('\n')
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${file}:${locator.lineOf(path)} ${where}: required key is missing (expected ${issue.expected})`
  }
  if (issue.code === 'invalid_value' && issue.input === undefined) {
    return `${file}:${locator.lineOf(path)} ${where}: required key is missing (expected one of ${issue.values.map(String).join(', ')})`
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map((v) => String(v))
    const got = String(issue.input)
    const suggestion = didYouMean(got, allowed)
    return `${file}:${locator.lineOf(path)} ${where}: "${got}" is not allowed (expected one of ${allowed.join(', ')}${suggestion ? `; did you mean "${suggestion}"?` : ''})`
  }
  return `${file}:${locator.lineOf(path)} ${where}: ${issue.message}`
}

/** The keys the schema allows at a path, for "did you mean". */
function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = mappingSchema
  for (const key of path) {
    schema = unwrap(schema)
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(key)] ?? schema
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType
  }
  schema = unwrap(schema)
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : []
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType
  if (current instanceof z.ZodUnion) {
    const objects = (current.options as z.ZodType[]).filter((option) => option instanceof z.ZodObject)
    if (objects[0]) return objects[0]
  }
  return current
}
