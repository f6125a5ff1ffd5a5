import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, statSync } from 'node:fs'
import { userInfo } from 'node:os'
import { ToolkitError } from '../errors/toolkit-error.js'

/** Whose rules apply and what to grant; tests pass the platform they stand for. */
export interface OwnerOnlyOptions {
  /** Default `process.platform`: `win32` sets an ACL, every other platform a mode. */
  readonly platform?: NodeJS.Platform
  /** POSIX mode, default 0o600 for a file and 0o700 for a folder; a stricter one (0o400) is applied as given. */
  readonly mode?: number
  /** Windows account given full control, default the account this process runs as. */
  readonly user?: string
}

/** A program and its arguments, run without a shell (so a path with spaces needs no quoting). */
export interface AclCommand {
  readonly command: string
  readonly args: readonly string[]
}

/**
 * The Windows command that leaves `user` as the only account with access: `/inheritance:r` drops the
 * permissions inherited from the parent folder (Users, Authenticated Users…), `/grant:r` replaces any
 * explicit grant of `user` with full control. A folder's grant is inherited by the files and folders later
 * created in it (`(OI)(CI)`), which is how state journals and spill files get owner-only access too.
 */
export function ownerOnlyAclCommand(path: string, user: string, kind: 'file' | 'folder'): AclCommand {
  const rights = kind === 'folder' ? '(OI)(CI)(F)' : '(F)'
  return { command: 'icacls', args: [path, '/inheritance:r', '/grant:r', `${user}:${rights}`] }
}

/**
 * Makes a file or folder readable and writable by its owner only: the files hold names, addresses and
 * the run ledger. POSIX gets a mode (0600 / 0700, exactly, whatever the umask); Windows ignores modes, so
 * there the ACL is replaced through `icacls`.
 */
export function restrictToOwner(path: string, options: OwnerOnlyOptions = {}): void {
  const platform = options.platform ?? process.platform
  let command: string | undefined
  try {
    const folder = statSync(path).isDirectory()
    if (platform !== 'win32') {
      const mode = options.mode ?? (folder ? 0o700 : 0o600)
      command = `chmod ${mode.toString(8)} ${path}`
      chmodSync(path, mode)
      return
    }
    const acl = ownerOnlyAclCommand(path, options.user ?? userInfo().username, folder ? 'folder' : 'file')
    command = [acl.command, ...acl.args.map((arg) => (/[\s()]/.test(arg) ? `"${arg}"` : arg))].join(' ')
    execFileSync(acl.command, acl.args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true })
  } catch (cause) {
    const stderr = String((cause as { stderr?: unknown }).stderr ?? '').trim()
    const reason = stderr || ((cause as { code?: unknown }).code ?? String(cause))
    throw new ToolkitError('OUTPUT_NOT_WRITABLE', `${path}: could not make it readable by its owner only (${command ? `${command}: ` : ''}${String(reason)})`, {
      cause,
      hint: 'the account running opower-extract must own the file or folder (or be allowed to change its permissions)',
    })
  }
}

/**
 * Creates a folder (and missing parents) for files with personal data or state. A folder this call
 * creates gets owner-only access; an existing one is left as its owner set it up.
 */
export function makeOwnerOnlyDir(path: string, options: OwnerOnlyOptions = {}): void {
  let created: string | undefined
  try {
    created = mkdirSync(path, { recursive: true, mode: 0o700 })
  } catch (cause) {
    // ENOTDIR (a file in the way), EACCES, EROFS, ENOSPC: say which folder, not a stack trace.
    throw new ToolkitError('OUTPUT_NOT_WRITABLE', `${path}: cannot create the folder (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, {
      cause,
      hint: 'check the folder path in the mapping or on the command line: every part must be a folder this user may write to',
    })
  }
  if (created !== undefined) restrictToOwner(path, options)
}
