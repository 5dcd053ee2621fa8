import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { startService } from '../helpers/service-process.js'
import { tempDir, writeRules } from '../helpers/test-app.js'

describe('a fresh install is secure by default and starts with one command', () => {
  it('creates the first admin key on first start, in a file only its owner can read, and only once', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'vigil.db')
    const tokenFile = `${db}.admin-token`
    const env = { VIGIL_DB: db, VIGIL_RULES_DIR: writeRules({}), VIGIL_AUTH: 'on' }
    const svc = await startService(env)
    try {
      expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600)
      const token = fs.readFileSync(tokenFile, 'utf8').trim()
      expect(svc.logs.some((l) => l.level === 40 && String(l.msg).includes('no admin key existed'))).toBe(true)
      expect((await fetch(`${svc.url}/reports`)).status).toBe(401)
      const keys = await fetch(`${svc.url}/keys`, { headers: { authorization: `Bearer ${token}` } })
      expect(keys.status).toBe(200)
      expect(((await keys.json()) as { keys: { role: string }[] }).keys.map((k) => k.role)).toEqual(['admin'])
    } finally {
      svc.child.kill('SIGTERM')
      await svc.exited
    }
    const before = fs.readFileSync(tokenFile, 'utf8')
    const again = await startService(env)
    again.child.kill('SIGTERM')
    await again.exited
    expect(fs.readFileSync(tokenFile, 'utf8')).toBe(before)
    expect(again.logs.some((l) => String(l.msg).includes('no admin key existed'))).toBe(false)
  })

  it('says loudly when the development switch turns authentication off', async () => {
    const dir = tempDir()
    const svc = await startService({ VIGIL_DB: path.join(dir, 'vigil.db'), VIGIL_RULES_DIR: writeRules({}), VIGIL_AUTH: 'off' })
    try {
      expect(svc.logs.some((l) => l.level === 40 && String(l.msg).startsWith('AUTHENTICATION IS OFF'))).toBe(true)
      const res = await fetch(`${svc.url}/reports`)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-vigil-auth')).toBe('off')
    } finally {
      svc.child.kill('SIGTERM')
      await svc.exited
    }
  })
})
