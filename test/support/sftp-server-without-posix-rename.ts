// An SFTP subsystem for the test sshd: OpenSSH's own sftp-server, with `posix-rename@openssh.com`
// removed from the extensions it announces. It stands for an SFTP server that does not offer the
// atomic rename, so the plain-rename fallback runs against a real server. Only the first reply
// (SSH_FXP_VERSION) is rewritten; every other byte passes through unchanged.
import { spawn } from 'node:child_process'

const SFTP_SERVER = process.argv[2] ?? '/usr/lib/openssh/sftp-server'
const SSH_FXP_VERSION = 2
const server = spawn(SFTP_SERVER, [], { stdio: ['pipe', 'pipe', 'inherit'] })
process.stdin.pipe(server.stdin)
server.on('exit', (code) => process.exit(code ?? 0))

let pending: Buffer | undefined = Buffer.alloc(0)
server.stdout.on('data', (chunk: Buffer) => {
  if (!pending) {
    process.stdout.write(chunk)
    return
  }
  pending = Buffer.concat([pending, chunk])
  if (pending.length < 4 || pending.length < 4 + pending.readUInt32BE(0)) return
  const length = pending.readUInt32BE(0)
  const packet = pending.subarray(4, 4 + length)
  const rest = pending.subarray(4 + length)
  pending = undefined
  process.stdout.write(packet[0] === SSH_FXP_VERSION ? withoutPosixRename(packet) : Buffer.concat([lengthOf(packet), packet]))
  if (rest.length > 0) process.stdout.write(rest)
})

function withoutPosixRename(packet: Buffer): Buffer {
  const parts: Buffer[] = [packet.subarray(0, 5)]
  let at = 5
  while (at < packet.length) {
    const nameLength = packet.readUInt32BE(at)
    const name = packet.subarray(at + 4, at + 4 + nameLength).toString()
    const dataLength = packet.readUInt32BE(at + 4 + nameLength)
    const end = at + 8 + nameLength + dataLength
    if (name !== 'posix-rename@openssh.com') parts.push(packet.subarray(at, end))
    at = end
  }
  const body = Buffer.concat(parts)
  return Buffer.concat([lengthOf(body), body])
}

function lengthOf(body: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length)
  return length
}
