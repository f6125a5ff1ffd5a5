import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resolveMappingPath, windowsOnlyPath } from '../../src/platform/resolve-mapping-path.js'

describe('resolveMappingPath: Windows rules (unit test only, no Windows here)', () => {
  const base = 'C:\\opower\\mappings'
  const cases: [string, string][] = [
    ['C:\\extract\\out', 'C:\\extract\\out'],
    ['c:/extract/out', 'c:\\extract\\out'],
    ['..\\data', 'C:\\opower\\data'],
    ['../data/billing.sqlite', 'C:\\opower\\data\\billing.sqlite'],
    ['out', 'C:\\opower\\mappings\\out'],
    ['\\\\fileserver\\opower\\out', '\\\\fileserver\\opower\\out'],
    ['D:\\secrets\\db password.txt', 'D:\\secrets\\db password.txt'],
  ]
  for (const [written, expected] of cases) {
    it(`${written} → ${expected}`, () => assert.equal(resolveMappingPath(base, written, 'win32'), expected))
  }
})

describe('resolveMappingPath: POSIX rules', () => {
  const base = '/srv/opower/mappings'
  const cases: [string, string][] = [
    ['/var/extract/out', '/var/extract/out'],
    ['../data', '/srv/opower/data'],
    ['..\\data', '/srv/opower/data'],
    ['.\\out\\state', '/srv/opower/mappings/out/state'],
    ['out', '/srv/opower/mappings/out'],
  ]
  for (const [written, expected] of cases) {
    it(`${written} → ${expected}`, () => assert.equal(resolveMappingPath(base, written, 'linux'), expected))
  }
})

describe('windowsOnlyPath', () => {
  it('drive and UNC paths cannot be used on POSIX', () => {
    for (const path of ['C:\\extract\\out', 'c:/extract', '\\\\server\\share\\x']) {
      assert.equal(windowsOnlyPath(path, 'linux'), true, path)
      assert.equal(windowsOnlyPath(path, 'darwin'), true, path)
      assert.equal(windowsOnlyPath(path, 'win32'), false, path)
    }
  })

  it('relative paths with either separator and POSIX absolute paths are fine everywhere', () => {
    for (const path of ['..\\data', '../data', 'out', '/var/extract', 'C_drive\\x']) {
      assert.equal(windowsOnlyPath(path, 'linux'), false, path)
      assert.equal(windowsOnlyPath(path, 'win32'), false, path)
    }
  })
})
