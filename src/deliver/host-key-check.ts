import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ToolkitError } from '../errors/toolkit-error.js'
import { checkKnownHosts } from './known-hosts.js'

/** How the server's host key is pinned: fingerprints from the mapping, or a known_hosts file. */
export type HostKeyPin = { readonly fingerprints: readonly string[] } | { readonly knownHostsFile: string }

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` and OpenSSH's prompts print it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/**
 * Decides whether a server key is the pinned one. Returns undefined when it is, or the error to raise:
 * an unknown or changed key is never accepted, whatever the user says at run time.
 */
export function checkHostKey(pin: HostKeyPin, host: string, port: number, keyBlob: Buffer): ToolkitError | undefined {
  const seen = fingerprintOf(keyBlob)
  const where = `${host}:${port}`
  if ('fingerprints' in pin) {
    if (pin.fingerprints.some((pinned) => pinned.replace(/=$/, '') === seen)) return undefined
    return new ToolkitError('SFTP_HOST_KEY_REJECTED', `the SFTP server ${where} presented host key ${seen}, which is not the pinned delivery.sftp.host_key (${pin.fingerprints.join(', ')})`, {
      hint: 'if the Delivery Team confirms the server key changed, put its new SHA256 fingerprint in delivery.sftp.host_key; otherwise do not connect (possible interception)',
    })
  }
  let text: string
  try {
    text = readFileSync(pin.knownHostsFile, 'utf8')
  } catch (cause) {
    return new ToolkitError('SFTP_HOST_KEY_REJECTED', `cannot read the known_hosts file ${pin.knownHostsFile} to check the host key of ${where}`, {
      cause,
      hint: 'check delivery.sftp.known_hosts and that the job user may read it',
    })
  }
  const verdict = checkKnownHosts(text, host, port, keyBlob)
  if (verdict === 'match') return undefined
  const messages = {
    unknown: `the SFTP server ${where} presented host key ${seen}, and ${pin.knownHostsFile} has no key for this host`,
    changed: `the SFTP server ${where} presented host key ${seen}, which differs from its key in ${pin.knownHostsFile}: the key CHANGED`,
    revoked: `the SFTP server ${where} presented host key ${seen}, which ${pin.knownHostsFile} marks @revoked`,
  }
  return new ToolkitError('SFTP_HOST_KEY_REJECTED', messages[verdict], {
    hint:
      verdict === 'unknown'
        ? `confirm ${seen} with the Delivery Team, then add the key (ssh-keyscan -p ${port} ${host}) to the known_hosts file or pin it in delivery.sftp.host_key`
        : 'do not connect until the Delivery Team confirms the new key (possible interception); then replace the line in known_hosts',
  })
}
