import { resolve } from 'node:path'
import { resolveMappingPath } from '../platform/resolve-mapping-path.js'
import type { WrittenDelivery } from './delivery.schema.js'

/** The SFTP server as configured; user, key and passphrase are still unresolved `${env:…}`/`${file:…}` references. */
export interface SftpSettings {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly privateKey: string
  readonly passphrase: string | undefined
  /** Pinned `SHA256:…` fingerprints; empty when a known_hosts file is used. */
  readonly hostKeys: readonly string[]
  readonly knownHosts: string | undefined
  readonly timeoutMs: number
}

export interface ManifestSettings {
  readonly version: string
  readonly validityWindowSeconds: number
  readonly name: string
  readonly filesKey: string
  readonly extra: Readonly<Record<string, unknown>>
}

/** The `delivery` section with every default applied and paths made absolute. */
export interface DeliverySettings {
  readonly target: 'sftp' | 'local'
  readonly sftp: SftpSettings | undefined
  readonly localFolder: string | undefined
  readonly sharedFolder: string
  readonly productionFolder: string
  readonly production: boolean
  readonly retries: number
  readonly retryDelayMs: number
  readonly archive: string
  readonly manifest: ManifestSettings | undefined
  /** Shell command `run` starts when it fails (alerting). */
  readonly onFailure: string | undefined
}

export const DEFAULT_SHARED_FOLDER = '/shared_files'
export const DEFAULT_PRODUCTION_FOLDER = '/Uploads'

export function normalizeDelivery(written: WrittenDelivery, mappingDir: string, outputFolder: string): DeliverySettings {
  const sftp = written.sftp
  const manifest = written.manifest
  return {
    target: written.target,
    sftp: sftp && {
      host: String(sftp.host),
      port: sftp.port ?? 22,
      user: String(sftp.user),
      privateKey: sftp.private_key,
      passphrase: sftp.passphrase,
      hostKeys: [sftp.host_key ?? []].flat(),
      knownHosts: sftp.known_hosts === undefined ? undefined : resolveMappingPath(mappingDir, sftp.known_hosts),
      timeoutMs: (sftp.timeout_seconds ?? 30) * 1000,
    },
    localFolder: written.local ? resolveMappingPath(mappingDir, written.local.folder) : undefined,
    sharedFolder: written.shared_folder ?? DEFAULT_SHARED_FOLDER,
    productionFolder: written.production_folder ?? DEFAULT_PRODUCTION_FOLDER,
    production: written.production ?? false,
    retries: written.retries ?? 3,
    retryDelayMs: (written.retry_delay_seconds ?? 5) * 1000,
    archive: written.archive ? resolveMappingPath(mappingDir, written.archive) : resolve(outputFolder, '..', 'archive'),
    manifest:
      manifest?.enabled === true
        ? {
            version: String(manifest.version ?? '1'),
            validityWindowSeconds: manifest.validity_window ?? 86400,
            name: manifest.name ?? 'manifest_{utility}_{timestamp}.yaml',
            filesKey: manifest.files_key ?? 'transfer.files',
            extra: manifest.extra ?? {},
          }
        : undefined,
    onFailure: written.on_failure,
  }
}
