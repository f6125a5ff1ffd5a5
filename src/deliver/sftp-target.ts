import type SftpClient from 'ssh2-sftp-client'
import { ToolkitError } from '../errors/toolkit-error.js'
import type { DeliveryTarget, RemoteFile } from './delivery-target.js'
import { checkHostKey, type HostKeyPin } from './host-key-check.js'

/** A resolved SFTP connection: secrets already read from their references. */
export interface SftpConnection {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly privateKey: string
  readonly passphrase: string | undefined
  readonly hostKey: HostKeyPin
  readonly timeoutMs: number
  /** Use plain rename even where posix-rename is offered (for servers that advertise it but refuse it). */
  readonly plainRenameOnly?: boolean
}

const POSIX_RENAME = 'posix-rename@openssh.com'

/**
 * The Opower SFTP server through ssh2-sftp-client: key authentication only, the host key checked
 * against the pin before anything is sent, and errors sorted into what a retry can fix
 * (`SFTP_CONNECT_FAILED`, `SFTP_UPLOAD_FAILED`) and what it cannot (`SFTP_HOST_KEY_REJECTED`, `SFTP_AUTH_FAILED`).
 */
export class SftpTarget implements DeliveryTarget {
  readonly label: string
  readonly #connection: SftpConnection
  #client: SftpClient | undefined
  #posixRename = false

  constructor(connection: SftpConnection) {
    this.#connection = connection
    this.label = `sftp://${connection.user}@${connection.host}:${connection.port}`
  }

  /** Whether the connected server offers the atomic, replacing posix-rename extension. */
  get usesPosixRename(): boolean {
    return this.#posixRename
  }

  async connect(): Promise<void> {
    if (this.#client) return
    const { host, port, user, privateKey, passphrase, hostKey, timeoutMs } = this.#connection
    let hostKeyError: ToolkitError | undefined
    let lastError: (Error & { level?: string }) | undefined
    // Loaded on first connect, not on import (18 MB): only a run that delivers over SFTP needs it.
    const { default: SftpClientClass } = await import('ssh2-sftp-client')
    // The library's default listeners print to the console; ours keep the last error for the message instead.
    const client = new SftpClientClass('opower-extract', {
      error: (error: unknown) => {
        lastError = error as Error & { level?: string }
      },
      end: () => undefined,
      close: () => undefined,
    })
    try {
      const sftp = await client.connect({
        host,
        port,
        username: user,
        privateKey,
        ...(passphrase ? { passphrase } : {}),
        readyTimeout: timeoutMs,
        // A server that stops answering without closing the connection is noticed within the timeout.
        keepaliveInterval: Math.max(1000, Math.floor(timeoutMs / 3)),
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          hostKeyError = checkHostKey(hostKey, host, port, key)
          return hostKeyError === undefined
        },
      })
      // ssh2 keeps the extensions the server announced in its SFTP version reply; there is no public getter.
      const extensions = (sftp as unknown as { _extensions?: Record<string, string> })._extensions ?? {}
      this.#posixRename = !this.#connection.plainRenameOnly && extensions[POSIX_RENAME] === '1'
      this.#client = client
    } catch (cause) {
      await client.end().catch(() => undefined)
      if (hostKeyError) throw hostKeyError
      const level = lastError?.level ?? (cause as { level?: string }).level
      if (level === 'client-authentication' || /authentication methods failed/i.test(String((cause as Error).message))) {
        throw new ToolkitError('SFTP_AUTH_FAILED', `${this.label} refused the login of user ${user} with the configured private key`, {
          cause,
          hint: 'check delivery.sftp.user and private_key; the Delivery Team must have the matching public key',
        })
      }
      throw new ToolkitError('SFTP_CONNECT_FAILED', `cannot connect to ${this.label}: ${(cause as Error).message}`, {
        cause,
        hint: 'check the host, port and firewall; the upload is retried, and a scheduler may run again later',
      })
    }
  }

  async stat(path: string): Promise<RemoteFile | undefined> {
    const found = await this.#run('stat', path, (client) => client.exists(path))
    if (found === false) return undefined
    const stats = await this.#run('stat', path, (client) => client.stat(path))
    return { size: stats.size }
  }

  async upload(localPath: string, remotePath: string): Promise<void> {
    await this.#run('upload', remotePath, (client) => client.put(localPath, remotePath))
  }

  async rename(from: string, to: string): Promise<void> {
    await this.#run('rename', `${from} → ${to}`, (client) => (this.#posixRename ? client.posixRename(from, to) : client.rename(from, to)))
  }

  async remove(path: string): Promise<void> {
    await this.#run('remove', path, (client) => client.delete(path, true))
  }

  async close(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    await client?.end().catch(() => undefined)
  }

  async #run<T>(what: string, path: string, operation: (client: SftpClient) => Promise<T>): Promise<T> {
    if (!this.#client) await this.connect()
    try {
      return await operation(this.#client!)
    } catch (cause) {
      // The connection may be gone: drop it so the next attempt reconnects.
      await this.close()
      throw new ToolkitError('SFTP_UPLOAD_FAILED', `${this.label}: ${what} ${path} failed: ${(cause as Error).message}`, {
        cause,
        hint: 'retried automatically; if it keeps failing, check free space and rights in the remote folder',
      })
    }
  }
}
