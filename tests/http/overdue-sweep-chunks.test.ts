import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT_RESPONSE } from '../helpers/test-rules.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

async function transactions(app: TestApp['app']): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  return Number(/^vigil_write_transactions_total (\d+)/m.exec(text)?.[1] ?? NaN)
}

describe('the overdue sweep', () => {
  it('flags 450 alerts falling due together in write jobs of 200, so other writes can run between them, and flags each once', async () => {
    t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-113-incident.yaml': PER_INCIDENT_RESPONSE }), now: '2026-03-10T08:00:00Z' })
    const items = Array.from({ length: 450 }, (_, i) => report({ id: `OD-${i}`, occurredAt: '2026-03-10T07:30:00Z' }))
    const batch = await t.app.inject({ method: 'POST', url: '/reports/batch', payload: items })
    expect(batch.statusCode, batch.body).toBe(200)
    expect((batch.json() as { accepted: number }).accepted).toBe(450)

    t.clock.set('2026-03-10T08:31:00Z')
    const before = await transactions(t.app)
    const flagged = await t.app.vigil.markOverdue()
    const used = (await transactions(t.app)) - before

    expect(flagged).toHaveLength(450)
    expect(new Set(flagged.map((c) => c.alertId)).size).toBe(450)
    expect(flagged.every((c) => c.kind === 'overdue')).toBe(true)
    // 200 + 200 + 50: three write jobs, each its own transaction (nothing else was waiting to join them).
    expect(used).toBe(3)
    // Nothing is flagged twice.
    t.clock.set('2026-03-10T08:32:00Z')
    expect(await t.app.vigil.markOverdue()).toEqual([])
  })
})
