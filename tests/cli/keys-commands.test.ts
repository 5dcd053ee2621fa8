import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { keysCommand } from '../../src/cli/keys-commands.js'
import { openStore } from '../../src/storage/store.js'
import { createAuditRepo } from '../../src/storage/audit-repo.js'
import { tempDir } from '../helpers/test-app.js'

function capture() {
  let text = ''
  return { write: (s: string) => { text += s }, get text() { return text } }
}

describe('vigil keys', () => {
  it('creates (token printed once), lists and revokes keys, and audits each change', () => {
    const env = { VIGIL_DB: path.join(tempDir(), 'vigil.db') }
    const out = capture()
    expect(keysCommand(['create', '--role', 'analyst', '--mission', 'MINUSMA', '--name', 'JMAC Gao'], out, capture(), env)).toBe(0)
    const id = /created (key_[0-9a-f]+)/.exec(out.text)![1]!
    expect(out.text).toMatch(/token \(shown once, keep it secret\): vgl_[A-Za-z0-9_-]{43}/)
    const list = capture()
    expect(keysCommand(['list'], list, capture(), env)).toBe(0)
    expect(list.text).toContain(`${id}  analyst  MINUSMA`)
    expect(list.text).not.toContain('vgl_')
    expect(keysCommand(['revoke', id], capture(), capture(), env)).toBe(0)
    const after = capture()
    keysCommand(['list'], after, capture(), env)
    expect(after.text).toContain('revoked')
    const store = openStore(env.VIGIL_DB)
    const records = createAuditRepo(store.reader).list({}, 0, 10)
    store.close()
    expect(records.map((r) => [r.action, r.target])).toEqual([['key.create', id], ['key.revoke', id]])
    expect(records[0]!.keyName).toMatch(/^cli:/)
  })

  it('refuses a scoped role without missions, an unknown mission, and bad usage', () => {
    const env = { VIGIL_DB: path.join(tempDir(), 'vigil.db') }
    const err = capture()
    expect(keysCommand(['create', '--role', 'joc', '--name', 'desk'], capture(), err, env)).toBe(1)
    expect(err.text).toContain('a joc key needs at least one mission')
    expect(keysCommand(['create', '--role', 'joc', '--name', 'desk', '--mission', 'NOPE'], capture(), capture(), env)).toBe(1)
    expect(keysCommand(['create', '--role', 'king', '--name', 'x'], capture(), capture(), env)).toBe(2)
    expect(keysCommand(['revoke'], capture(), capture(), env)).toBe(2)
  })
})
