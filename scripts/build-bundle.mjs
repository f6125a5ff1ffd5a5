#!/usr/bin/env node
// Builds the offline bundle for the platform this runs on: the compiled tool, the production dependencies
// as installed here (with their native builds), a launcher and a README excerpt, in one archive that
// installs on a machine without registry access or compiler:
//   build/opower-extract-<version>-linux-x64.tar.gz   (on Linux)
//   build/opower-extract-<version>-win-x64.zip        (on Windows, see README "Offline install")
// `npm run bundle` compiles first; `--dist DIR` takes another compiled build, `--out DIR` another folder.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const argv = process.argv.slice(2)
const flag = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback)
const dist = resolve(root, flag('--dist', 'dist'))
const out = resolve(root, flag('--out', 'build'))

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const windows = process.platform === 'win32'
const target = `${windows ? 'win' : process.platform}-${process.arch}`
const name = `${pkg.name}-${pkg.version}-${target}`
const stage = join(out, name)
const nodeMajor = process.versions.node.split('.')[0]
const abi = process.versions.modules

function fail(message) {
  console.error(`bundle: ${message}`)
  process.exit(1)
}

if (!existsSync(join(dist, 'src', 'cli', 'bin.js'))) fail(`${dist} holds no compiled tool: run npm run build (or give --dist)`)
rmSync(stage, { recursive: true, force: true })
mkdirSync(stage, { recursive: true })

// The tool: compiled code without source maps (they point at sources that are not shipped), the entry and
// the files it reads at run time (demo mapping, starter templates).
cpSync(join(dist, 'src'), join(stage, 'dist', 'src'), { recursive: true, filter: (path) => !path.endsWith('.map') })
for (const folder of ['bin', 'mappings', 'templates']) {
  if (existsSync(join(root, folder))) cpSync(join(root, folder), join(stage, folder), { recursive: true })
}
const { name: pkgName, version, description, type, license, engines, bin, dependencies } = pkg
writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ name: pkgName, version, description, type, license, engines, bin, dependencies }, null, 2)}\n`)

// Production dependencies exactly as the lock file has them, copied from node_modules so the native
// builds made on this host come along (nothing is compiled or downloaded again).
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
let packages = 0
for (const [path, entry] of Object.entries(lock.packages)) {
  if (path === '' || entry.dev || entry.link) continue
  const from = join(root, path)
  if (!existsSync(from)) {
    if (entry.optional) continue // an optional native helper that did not install (ssh2's cpu-features)
    fail(`${path} is in package-lock.json but not installed: run npm ci first`)
  }
  cpSync(from, join(stage, path), { recursive: true, dereference: true, filter: (file) => keep(from, relative(from, file)) })
  packages++
}

/**
 * Leaves out what only building needs: nested node_modules (copied as their own lock entries), `.bin`
 * links, compiler output other than the loadable `build/Release/*.node`, test extensions, prebuilt
 * binaries for other platforms (oracledb ships all of them; its thin mode needs none), and the C/C++
 * sources of a package compiled here (one with a binding.gyp).
 */
function keep(packageDir, inside) {
  const parts = inside.split(sep)
  if (parts.includes('node_modules') || parts.includes('.bin')) return false
  // Only a native package's build/ (one with build/Release) is compiler output; yargs ships its JavaScript in build/.
  if (parts[0] === 'build' && existsSync(join(packageDir, 'build', 'Release'))) {
    if (parts.length === 1 || (parts.length === 2 && parts[1] === 'Release')) return true
    const file = parts[2] ?? ''
    if (parts.length !== 3 || parts[1] !== 'Release' || !file.endsWith('.node') || file.startsWith('test_')) return false
    return !/-(linux|win32|darwin)-(x64|arm64|ia32)\.node$/.test(file) || file.endsWith(`-${process.platform}-${process.arch}.node`)
  }
  return !((parts[0] === 'deps' || parts[0] === 'src') && existsSync(join(packageDir, 'binding.gyp')))
}

// The launcher: runs the tool with the Node.js on PATH (or OPOWER_EXTRACT_NODE), after checking that it
// can load the native module built here (the ABI changes with each Node.js major version).
const wrongNode = `this bundle was built for Node.js ${nodeMajor} (module ABI ${abi})`
if (windows) {
  writeFileSync(
    join(stage, 'opower-extract.cmd'),
    [
      '@echo off',
      'setlocal',
      'set "NODE=%OPOWER_EXTRACT_NODE%"',
      'if "%NODE%"=="" set "NODE=node"',
      'set "ABI="',
      // The outer quotes are cmd's idiom for a quoted program inside for /f: cmd /c strips exactly them.
      `for /f "delims=" %%a in ('""%NODE%" -p process.versions.modules 2>nul"') do set "ABI=%%a"`,
      // goto rather than an if block: the parentheses in the message would end a block early.
      `if "%ABI%"=="${abi}" goto run`,
      `echo opower-extract: ${wrongNode}; "%NODE%" is missing or another version. Install Node.js ${nodeMajor} or set OPOWER_EXTRACT_NODE to its node.exe. 1>&2`,
      'exit /b 78',
      ':run',
      '"%NODE%" "%~dp0bin\\opower-extract.js" %*',
      'exit /b %ERRORLEVEL%',
      '',
    ].join('\r\n'),
  )
} else {
  const launcher = join(stage, 'opower-extract')
  writeFileSync(
    launcher,
    [
      '#!/bin/sh',
      '# Runs the bundled opower-extract with the Node.js on PATH, or the one OPOWER_EXTRACT_NODE names.',
      'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
      'node=${OPOWER_EXTRACT_NODE:-node}',
      'abi=$("$node" -p process.versions.modules 2>/dev/null)',
      `if [ "$abi" != "${abi}" ]; then`,
      `  echo "opower-extract: ${wrongNode}; $node is missing or another version (ABI \${abi:-none}). Install Node.js ${nodeMajor} or set OPOWER_EXTRACT_NODE to its node binary." >&2`,
      '  exit 78',
      'fi',
      'exec "$node" "$here/bin/opower-extract.js" "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  )
}

// What to read first, cut from README.md so the two never disagree.
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const sections = ['Supported platforms', 'Running from Windows Task Scheduler', 'Offline install', 'Exit codes'].map((title) => {
  const match = new RegExp(`^## ${title}\\r?\\n[\\s\\S]*?(?=^## |(?![\\s\\S]))`, 'm').exec(readme)
  if (!match) fail(`README.md has no "## ${title}" section for the bundle's README`)
  return match[0].trimEnd()
})
writeFileSync(join(stage, 'README.md'), `# ${pkg.name} ${pkg.version} (${target}, offline bundle)\n\n${pkg.description}\n\n${sections.join('\n\n')}\n`)
writeFileSync(
  join(stage, 'BUNDLE.json'),
  `${JSON.stringify({ name: pkg.name, version: pkg.version, target, node: process.versions.node, moduleAbi: abi, packages }, null, 2)}\n`,
)

const archive = join(out, `${name}.${windows ? 'zip' : 'tar.gz'}`)
rmSync(archive, { force: true })
// tar is on every Linux and, as bsdtar (which writes zip with -a), in System32 on Windows 10 and later; the
// full path there avoids a GNU tar from Git for Windows on PATH, which cannot write zip.
const tarProgram = windows ? join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'tar.exe') : 'tar'
const tar = spawnSync(tarProgram, windows ? ['-a', '-c', '-f', archive, '-C', out, name] : ['-czf', archive, '-C', out, name], { stdio: 'inherit' })
if (tar.status !== 0) fail(`tar failed (${tar.status ?? tar.error})`)
rmSync(stage, { recursive: true, force: true })
console.log(`${archive}  ${(statSync(archive).size / 1024 / 1024).toFixed(1)} MB, ${packages} packages, Node.js ${nodeMajor} (ABI ${abi})`)
