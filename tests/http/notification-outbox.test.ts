import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT } from '../helpers/test-rules.js'

/** Every change of a MINUSMA alert goes to one webhook (never reached: the timer is off here). */
const ROUTING = `receivers:
  - name: nowhere
  - name: joc
    webhook: { url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef-test-secret" }
route:
  receiver: nowhere
  routes:
    - matchers: { mission: MINUSMA }
      receiver: joc
`

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const start = () => testApp({
  rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }), now: '2026-03-18T12:00:00Z', routing: ROUTING,
  config: { notifyIntervalMs: 3_600_000 },
})

function outbox(file: string) {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('SELECT change_seq, alert_id, kind, receiver, route, group_key FROM notification_outbox ORDER BY id').all() as
      { change_seq: number; alert_id: number; kind: string; receiver: string; route: string; group_key: string }[]
  } finally {
    db.close()
  }
}

describe('notification outbox', () => {
  it('holds each routed alert change, committed with the change itself', async () => {
    t = await start()
    const res = await t.app.inject({ method: 'POST', url: '/reports', payload: report({ id: 'R-1', mission: 'MINUSMA', occurredAt: '2026-03-18T08:00:00Z' }) })
    expect(res.statusCode).toBe(201)
    const alertId = res.json().alerts[0].alertId as number
    const history = (await t.app.inject({ method: 'GET', url: `/alerts/${alertId}/history` })).json()
    const raised = history.changes.find((c: { kind: string }) => c.kind === 'raised')
    expect(outbox(t.dbFile)).toEqual([{ change_seq: raised.seq, alert_id: alertId, kind: 'raised', receiver: 'joc', route: 'root.0', group_key: 'root.0|joc|mission=MINUSMA' }])
    // An acknowledgement is a change like any other: routed too.
    expect((await t.app.inject({ method: 'POST', url: `/alerts/${alertId}/ack`, payload: {} })).statusCode).toBe(200)
    expect(outbox(t.dbFile).map((e) => e.kind)).toEqual(['raised', 'acknowledged'])
  })

  it('routes a change of another mission nowhere: the null receiver writes nothing', async () => {
    t = await start()
    expect((await t.app.inject({ method: 'POST', url: '/reports', payload: report({ id: 'R-2', mission: 'MINUSCA', occurredAt: '2026-03-18T08:00:00Z' }) })).statusCode).toBe(201)
    expect(outbox(t.dbFile)).toEqual([])
  })

  it('sends nothing for a silenced alert: silences apply before routing', async () => {
    t = await start()
    const silence = await t.app.inject({ method: 'POST', url: '/silences', payload: { matchers: { mission: 'MINUSMA' }, endsAt: '2026-03-19T00:00:00Z', reason: 'exercise' } })
    expect(silence.statusCode).toBe(201)
    const res = await t.app.inject({ method: 'POST', url: '/reports', payload: report({ id: 'R-3', mission: 'MINUSMA', occurredAt: '2026-03-18T08:00:00Z' }) })
    expect(res.json().alerts[0]).toBeDefined()
    expect(outbox(t.dbFile)).toEqual([])
  })
})
