import type { DeliverySettings } from '../config/delivery-settings.js'
import { resolveSecrets, type SecretSources } from '../config/resolve-secrets.js'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { DeliveryTarget } from './delivery-target.js'
import { LocalFolderTarget } from './local-folder-target.js'
import { SftpTarget } from './sftp-target.js'

/** Builds the mapping's delivery target, reading the SFTP secrets from their references only now. */
export function createDeliveryTarget(settings: DeliverySettings, secrets: SecretSources, mappingFile: string): DeliveryTarget {
  if (settings.target === 'local') {
    if (!settings.localFolder) throw notConfigured(mappingFile, 'delivery.local.folder')
    return new LocalFolderTarget(settings.localFolder)
  }
  const sftp = settings.sftp
  if (!sftp) throw notConfigured(mappingFile, 'delivery.sftp')
  const resolved = resolveSecrets(
    { host: sftp.host, user: sftp.user, private_key: sftp.privateKey, passphrase: sftp.passphrase },
    secrets,
    mappingFile,
    'delivery.sftp',
  )
  return new SftpTarget({
    host: String(resolved.host),
    port: sftp.port,
    user: String(resolved.user),
    privateKey: String(resolved.private_key),
    passphrase: resolved.passphrase === undefined ? undefined : String(resolved.passphrase),
    hostKey: sftp.knownHosts ? { knownHostsFile: sftp.knownHosts } : { fingerprints: sftp.hostKeys },
    timeoutMs: sftp.timeoutMs,
  })
}

function notConfigured(mappingFile: string, key: string): ToolkitError {
  return new ToolkitError('DELIVERY_NOT_CONFIGURED', `${mappingFile}: ${key} is missing`, { hint: 'README.md "Delivery" shows a complete delivery section' })
}
