import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import pino from 'pino'
import { taxonomy, testApp, tempDir, writeRules, type TestApp } from '../helpers/test-app.js'
import { boardCsp } from '../../src/http/board-static.js'
import { buildApp } from '../../src/app.js'
import { openStore } from '../../src/storage/store.js'
import { defaultConfig } from '../../src/config.js'
import { RuleRegistry } from '../../src/rules/rule-registry.js'
import { manualClock } from '../../src/clock.js'
import { shippedGazetteers } from '../helpers/board-harness.js'

/** The API pieces the board reads besides alerts: who am I, the missions, the last backtest, the page itself. */

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

async function withKey(role: 'joc' | 'hq', missions?: string[]) {
  t = await testApp({ auth: true })
  const v = t.app.vigil
  const made = await v.queue.run(() => v.keyAdmin.create({ name: `${role} desk`, role, ...(missions ? { missions } : {}) }, { keyId: null, name: 'test' }, t!.clock()))
  return { authorization: `Bearer ${made.token}`, id: made.key.id }
}

describe('GET /whoami', () => {
  it('answers the key, its role, missions and permissions', async () => {
    const key = await withKey('joc', ['MINUSCA'])
    const res = await t!.app.inject({ method: 'GET', url: '/whoami', headers: { authorization: key.authorization } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      keyId: key.id, name: 'joc desk', role: 'joc', missions: ['MINUSCA'], areas: null,
      permissions: ['reports:read', 'alerts:read', 'alerts:act', 'silences:manage', 'silences:read', 'taxonomy:read', 'rules:read', 'notifications:read', 'alerts:release'],
    })
  })

  it('answers 401 without a key', async () => {
    t = await testApp({ auth: true })
    expect((await t.app.inject({ method: 'GET', url: '/whoami' })).statusCode).toBe(401)
  })
})

describe('GET /missions', () => {
  it('lists only the missions the key may see, with the tile server', async () => {
    const key = await withKey('joc', ['MINUSCA'])
    const res = await t!.app.inject({ method: 'GET', url: '/missions', headers: { authorization: key.authorization } })
    expect(res.json()).toEqual({ missions: ['MINUSCA'] })
  })

  it('lists every configured mission to an all-mission key', async () => {
    t = await testApp({ config: { missions: ['MINUSCA', 'MONUSCO'] } })
    expect((await t.app.inject({ method: 'GET', url: '/missions' })).json()).toEqual({ missions: ['MINUSCA', 'MONUSCO'] })
  })
})

describe('GET /backtest/latest', () => {
  it('serves summary.json from the configured folder', async () => {
    const dir = tempDir('vigil-backtest-')
    fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ mission: 'MINUSCA', levels: [] }))
    t = await testApp({ config: { backtestDir: dir } })
    const res = await t.app.inject({ method: 'GET', url: '/backtest/latest' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ summary: { mission: 'MINUSCA', levels: [] } })
    expect(Date.parse(res.json().writtenAt)).not.toBeNaN()
    fs.rmSync(dir, { recursive: true })
  })

  it('answers 404 when no folder is configured or it holds no report', async () => {
    t = await testApp()
    expect((await t.app.inject({ method: 'GET', url: '/backtest/latest' })).json()).toMatchObject({ statusCode: 404, code: 'VIGIL_NOT_FOUND' })
    await t.close()
    t = await testApp({ config: { backtestDir: tempDir('vigil-backtest-') } })
    expect((await t.app.inject({ method: 'GET', url: '/backtest/latest' })).statusCode).toBe(404)
  })
})

describe('GET /taxonomy', () => {
  it('carries each mission\'s own terms beside the tree', async () => {
    t = await testApp()
    const body = (await t.app.inject({ method: 'GET', url: '/taxonomy' })).json()
    // Terms are kept as the classifier matches them: case-folded.
    expect(body.aliases.MINUSCA).toMatchObject({ eei: 'HOS.IED' })
  })
})

describe('the board page', () => {
  it('is served at / without a key, under a same-origin CSP, with its hashed assets', async () => {
    const dir = tempDir('vigil-board-dist-')
    fs.mkdirSync(path.join(dir, 'assets'))
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1234.js"></script>')
    fs.writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'export {}')
    // The app on a stand-in build: where the board is built is one of buildApp's dependencies.
    const file = path.join(dir, 'vigil.db')
    const store = openStore(file)
    const clock = manualClock('2026-03-01T12:00:00Z')
    const rules = new RuleRegistry(writeRules({}), taxonomy, clock)
    rules.reload()
    const app = await buildApp({ config: defaultConfig({ dbPath: file, logLevel: 'silent', auth: 'on' }), store, taxonomy, rules, clock, gazetteers: shippedGazetteers(clock), logger: pino({ level: 'silent' }), boardDir: dir })
    try {
      const page = await app.inject({ method: 'GET', url: '/' })
      expect(page.statusCode).toBe(200)
      expect(page.headers['content-type']).toContain('text/html')
      expect(page.headers['content-security-policy']).toBe(boardCsp([]))
      expect(page.headers['x-content-type-options']).toBe('nosniff')
      const asset = await app.inject({ method: 'GET', url: '/assets/app-1234.js' })
      expect(asset.statusCode).toBe(200)
      expect(asset.headers['cache-control']).toContain('immutable')
      expect((await app.inject({ method: 'GET', url: '/assets/../index.html' })).statusCode).not.toBe(500)
      expect((await app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404)
    } finally {
      await app.close()
      store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('lets the page load images from the tile servers the gazetteers name and nothing else from outside', () => {
    expect(boardCsp([])).toMatch(/img-src 'self' data:;/)
    expect(boardCsp(['https://tiles.mission.example/{z}/{x}/{y}.png', 'https://tiles.mission.example/hd/{z}/{x}/{y}.png'])).toContain("img-src 'self' data: https://tiles.mission.example;")
    expect(boardCsp([])).toContain("script-src 'self';")
  })
})
