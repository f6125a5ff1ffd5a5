import { stringify } from 'yaml'
import type { ManifestSettings } from '../config/delivery-settings.js'

export interface ManifestEntry {
  readonly name: string
  readonly bytes: number
  readonly sha256: string
}

export interface TransferManifest {
  readonly name: string
  readonly text: string
}

/**
 * The optional Fileset Transfer Manifest (spec §7): a YAML file sent before the first data file so that
 * Opower can tell missing or truncated files. The public page documents only `meta.version` and
 * `transfer.validity_window`; the file list's key and fields, the manifest's name and any further keys
 * come from the mapping (`delivery.manifest`) so they can follow what the Delivery Team asks for.
 * Files are listed in load order (the order of `files`).
 */
export function buildTransferManifest(
  settings: ManifestSettings,
  files: readonly ManifestEntry[],
  naming: { readonly utility: string; readonly timestamp: string },
): TransferManifest {
  const document: Record<string, unknown> = { ...settings.extra }
  setPath(document, ['meta', 'version'], settings.version)
  setPath(document, ['transfer', 'validity_window'], settings.validityWindowSeconds)
  setPath(
    document,
    settings.filesKey.split('.'),
    files.map((file) => ({ name: file.name, size: file.bytes, sha256: file.sha256 })),
  )
  const name = settings.name.replaceAll('{utility}', naming.utility).replaceAll('{timestamp}', naming.timestamp)
  return { name, text: stringify(document) }
}

function setPath(document: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = document
  for (const key of path.slice(0, -1)) {
    const child = node[key]
    node[key] = typeof child === 'object' && child !== null && !Array.isArray(child) ? { ...(child as Record<string, unknown>) } : {}
    node = node[key] as Record<string, unknown>
  }
  node[path[path.length - 1]!] = value
}
