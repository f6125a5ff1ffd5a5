import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A real OpenSSH sshd on a loopback port, with its own host key and one authorized client key. */
export interface TestSshd {
  readonly host: string
  readonly port: number
  /** The test's remote area: an ordinary temp folder (no chroot); remote paths are absolute paths under it. */
  readonly home: string
  readonly user: string
  /** The client's private key (OpenSSH format) and its path. */
  readonly clientKey: string
  readonly clientKeyPath: string
  /** SHA256:… of the server's host key, as ssh-keygen -lf prints it. */
  readonly hostKeyFingerprint: string
  /** A known_hosts line for this server (`[127.0.0.1]:port ssh-ed25519 AAAA…`). */
  readonly knownHostsLine: string
  /** Kills every session process of this sshd (not the listener): connections drop mid-transfer. */
  dropSessions(): void
  /** Freezes (SIGSTOP) or thaws (SIGCONT) every session process: the server stops answering mid-transfer, the connection stays open. */
  pauseSessions(): void
  resumeSessions(): void
  stop(): Promise<void>
}

export interface SshdOptions {
  /** `internal-sftp` (default) or `no-posix-rename`: OpenSSH's sftp-server with that extension not announced. */
  readonly sftp?: 'internal-sftp' | 'no-posix-rename'
}

const SSHD = '/usr/sbin/sshd'
const WITHOUT_POSIX_RENAME = fileURLToPath(new URL('./sftp-server-without-posix-rename.js', import.meta.url))

/**
 * Starts sshd -D on a free loopback port, configured entirely by its own temp files: host key, the
 * authorized client key, no PAM, no passwords. It runs as the current user (root here, allowed through
 * `PermitRootLogin prohibit-password`). Stop it in `after()`.
 */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'opx-sshd-'))
  const home = join(dir, 'home')
  mkdirSync(home)
  keygen(join(dir, 'host_key'))
  keygen(join(dir, 'client_key'))
  const user = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim()
  // sshd running as root insists on its privilege-separation folder, which the Debian service would create.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const subsystem = options.sftp === 'no-posix-rename' ? `${process.execPath} ${WITHOUT_POSIX_RENAME}` : 'internal-sftp'

  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'client_key.pub')}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'StrictModes no',
        'UsePAM no',
        'MaxStartups 50',
        `Subsystem sftp ${subsystem}`,
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    )
    const sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] })
    const listening = await waitForListening(sshd)
    if (!listening.ok) {
      sshd.kill('SIGKILL')
      if (attempt < 3 && /Address already in use/.test(listening.log)) continue
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`sshd did not start:\n${listening.log}`)
    }
    const hostPublic = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/)
    return {
      host: '127.0.0.1',
      port,
      home,
      user,
      clientKey: readFileSync(join(dir, 'client_key'), 'utf8'),
      clientKeyPath: join(dir, 'client_key'),
      hostKeyFingerprint: spawnSync('ssh-keygen', ['-lf', join(dir, 'host_key.pub')], { encoding: 'utf8' }).stdout.split(' ')[1]!,
      knownHostsLine: `[127.0.0.1]:${port} ${hostPublic[0]} ${hostPublic[1]}`,
      dropSessions: () => signalSessions(sshd, 'SIGKILL'),
      pauseSessions: () => signalSessions(sshd, 'SIGSTOP'),
      resumeSessions: () => signalSessions(sshd, 'SIGCONT'),
      stop: async () => {
        const exited = new Promise((resolve) => sshd.once('exit', resolve))
        sshd.kill('SIGTERM')
        if (sshd.exitCode === null && sshd.signalCode === null) await exited
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
}

function signalSessions(sshd: ChildProcess, signal: NodeJS.Signals): void {
  for (const pid of descendantsOf(sshd.pid!)) {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}

function keygen(path: string): void {
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'opower-extract-test', '-f', path], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`)
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function waitForListening(sshd: ChildProcess): Promise<{ ok: boolean; log: string }> {
  return new Promise((resolve) => {
    let log = ''
    const done = (ok: boolean) => {
      clearTimeout(timer)
      sshd.stderr!.removeAllListeners('data')
      sshd.stderr!.resume()
      resolve({ ok, log })
    }
    const timer = setTimeout(() => done(false), 10_000)
    sshd.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString()
      if (log.includes('Server listening on')) done(true)
    })
    sshd.once('exit', () => done(false))
  })
}

/** Every process below `pid`, children before their parents' siblings (read from /proc). */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)])
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = []
  const visit = (parent: number) => {
    for (const child of parents.get(parent) ?? []) {
      found.push(child)
      visit(child)
    }
  }
  visit(pid)
  return found
}
