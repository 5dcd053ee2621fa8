import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT } from '../helpers/test-rules.js'

/** The small answers a newcomer meets first: bodies, headers, messages and the audit of refusals. */

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const start = async (auth = false) => {
  t = await testApp({ auth, now: '2026-03-18T12:00:00Z', rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }) })
  return t
}

describe('small answers', () => {
  it('acknowledges and resolves with no body at all, or an empty JSON body', async () => {
    await start()
    const posted = await t!.app.inject({ method: 'POST', url: '/reports', payload: report({ occurredAt: '2026-03-18T08:00:00Z' }) })
    const id = posted.json().alerts[0].alertId as number
    const ack = await t!.app.inject({ method: 'POST', url: `/alerts/${id}/ack` })
    expect(ack.statusCode, ack.body).toBe(200)
    expect(ack.json().alert.status).toBe('acknowledged')
    const resolve = await t!.app.inject({ method: 'POST', url: `/alerts/${id}/resolve`, headers: { 'content-type': 'application/json' }, payload: '' })
    expect(resolve.statusCode, resolve.body).toBe(200)
    expect(resolve.json().alert.status).toBe('resolved')
  })

  it('answers every 201 with a Location header naming what was created', async () => {
    await start()
    const created = await t!.app.inject({ method: 'POST', url: '/reports', payload: report({ id: 'LOC:1', occurredAt: '2026-03-18T08:00:00Z' }) })
    expect(created.statusCode).toBe(201)
    expect(created.headers.location).toBe('/reports/LOC%3A1')
    expect((await t!.app.inject({ method: 'GET', url: created.headers.location as string })).statusCode).toBe(200)
    const replayed = await t!.app.inject({ method: 'POST', url: '/reports', payload: report({ id: 'LOC:1', occurredAt: '2026-03-18T08:00:00Z' }) })
    expect(replayed.headers.location).toBe('/reports/LOC%3A1')
    const silence = await t!.app.inject({ method: 'POST', url: '/silences', payload: { matchers: { mission: 'MINUSMA' }, endsAt: '2026-03-19T00:00:00Z', reason: 'drill' } })
    expect(silence.statusCode).toBe(201)
    expect(silence.headers.location).toBe(`/silences/${silence.json().silence.id}`)
    const key = await t!.app.inject({ method: 'POST', url: '/keys', payload: { name: 'desk', role: 'hq' } })
    expect(key.statusCode).toBe(201)
    expect(key.headers.location).toBe(`/keys/${key.json().key.id}`)
  })

  it('names the content type sent in a 415', async () => {
    await start()
    const res = await t!.app.inject({ method: 'POST', url: '/reports', headers: { 'content-type': 'text/csv' }, payload: 'a,b' })
    expect(res.statusCode).toBe(415)
    expect(res.json()).toMatchObject({ code: 'VIGIL_UNSUPPORTED_MEDIA_TYPE' })
    expect(res.json().message).toContain("'text/csv'")
    expect(res.json().message).toContain('application/json')
  })

  it("audits a refused write with vigil's error code and the report id when the body names one", async () => {
    const app = await start(true)
    const v = app.app.vigil
    const analyst = await v.queue.run(() => v.keyAdmin.create({ name: 'JMAC Gao', role: 'analyst', missions: ['MINUSMA'] }, { keyId: null, name: 'test' }, app.clock()))
    const auth = { authorization: `Bearer ${analyst.token}` }
    await app.app.inject({ method: 'POST', url: '/reports', headers: auth, payload: report({ id: 'BAD-1', category: 'NOPE' }) })
    await app.app.inject({ method: 'POST', url: '/reports', headers: { ...auth, 'content-type': 'text/csv' }, payload: 'a,b' })
    await app.app.inject({ method: 'POST', url: '/reports', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"id": "BAD-2", ' })
    // A refusal is audited as its answer goes out, just after inject() has it.
    await new Promise((resolve) => setTimeout(resolve, 50))
    await v.queue.idle()
    const records = v.auditReader.list({}, 0, 100).filter((r) => r.action === 'report.create')
    expect(records.map((r) => [r.target, r.mission, r.outcome]), JSON.stringify(records)).toEqual([
      ['BAD-1', 'MINUSMA', 'VIGIL_VALIDATION'],
      [null, null, 'VIGIL_UNSUPPORTED_MEDIA_TYPE'],
      [null, null, 'VIGIL_BAD_JSON'],
    ])
  })

  it('creates the database and its -wal and -shm files readable by their owner only (0600)', async () => {
    await start()
    expect((await t!.app.inject({ method: 'POST', url: '/reports', payload: report({ occurredAt: '2026-03-18T08:00:00Z' }) })).statusCode).toBe(201)
    for (const file of [t!.dbFile, `${t!.dbFile}-wal`, `${t!.dbFile}-shm`]) {
      expect((fs.statSync(file).mode & 0o777).toString(8), file).toBe('600')
    }
  })
})
