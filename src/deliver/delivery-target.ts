/** What a target knows about a remote file. */
export interface RemoteFile {
  readonly size: number
}

/**
 * A place files are delivered to: the Opower SFTP server, or a local folder standing in for it. Paths
 * are remote POSIX paths (`/shared_files/opwr_…gz`). `deliverFile` builds the safe upload protocol
 * (temporary name, rename, size checks, retries) on these few operations.
 *
 * ```ts
 * const target = createDeliveryTarget(settings, secrets)
 * await target.connect()
 * try { await deliverFile(target, 'out/opwr_gec_res_v1-19-0_full_20261130030000.gz', '/shared_files', options) }
 * finally { await target.close() }
 * ```
 */
export interface DeliveryTarget {
  /** For messages and the run ledger (`sftp://user@host:22`, `local:/srv/drop`); never holds a secret. */
  readonly label: string
  connect(): Promise<void>
  /** Size of a file or folder, or undefined when nothing is there. */
  stat(path: string): Promise<RemoteFile | undefined>
  upload(localPath: string, remotePath: string): Promise<void>
  /** Renames; replaces atomically where the server offers it (posix-rename), else the target must not exist. */
  rename(from: string, to: string): Promise<void>
  remove(path: string): Promise<void>
  close(): Promise<void>
}
