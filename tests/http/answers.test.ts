import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT } from '../helpers/test-rules.js'
import { ANSWERS, isOtherAnswer } from '../../src/http/answer-schemas.js'

let t: TestApp
beforeAll(async () => {
  t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }), now: '2026-03-10T12:00:00Z' })
})
afterAll(async () => { await t.close() })

/** Calls a route and checks its answer against the schema the OpenAPI document gives it. */
async function answered(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, route: string, payload?: object) {
  const res = await t.app.inject({ method, url, ...(payload ? { payload } : {}) })
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300)
  const answer = ANSWERS[`${method} ${route}`]
  expect(answer, `${method} ${route} documents its answer`).toBeDefined()
  if (isOtherAnswer(answer!)) throw new Error(`${method} ${route} is not JSON`)
  const parsed = (answer as z.ZodType).safeParse(res.json())
  expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), `${method} ${url}`).toEqual([])
  return res.json() as Record<string, unknown>
}

describe('real answers match their documented schemas', () => {
  it('reports, alerts and their follow-up, silences, keys, rules, taxonomy, gazetteer and operations', async () => {
    const posted = await answered('POST', '/reports', '/reports', report({ id: 'ANS-1', occurredAt: '2026-03-10T08:00:00Z' }))
    const alertId = (posted.alerts as { alertId: number }[])[0]!.alertId
    await answered('PUT', '/reports/ANS-1', '/reports/:id', report({ id: 'ANS-1', occurredAt: '2026-03-10T08:00:00Z', narrative: 'Revised: IED strike on a convoy.' }))
    await answered('POST', '/reports/batch', '/reports/batch', [report({ id: 'ANS-2', occurredAt: '2026-03-10T09:00:00Z' }), { id: 'bad' }] as unknown as object)
    await answered('GET', '/reports/ANS-1', '/reports/:id')
    await answered('GET', '/reports', '/reports')

    await answered('GET', '/alerts?after=0', '/alerts')
    await answered('GET', `/alerts/${alertId}`, '/alerts/:id')
    await answered('GET', '/alerts/summary', '/alerts/summary')
    await answered('POST', `/alerts/${alertId}/assign`, '/alerts/:id/assign', { to: 'Sector East JOC' })
    await answered('POST', `/alerts/${alertId}/actions`, '/alerts/:id/actions', { action: 'Froze movement on MSR-1', unit: 'Sector East JOC', startedAt: '2026-03-10T11:00:00Z', outcome: 'done' })
    await answered('GET', `/alerts/${alertId}/actions`, '/alerts/:id/actions')
    await answered('POST', `/alerts/${alertId}/ack`, '/alerts/:id/ack', { note: 'seen' })
    await answered('POST', `/alerts/${alertId}/resolve`, '/alerts/:id/resolve', { disposition: 'useful' })
    await answered('GET', `/alerts/${alertId}/history`, '/alerts/:id/history')
    await answered('GET', '/indicators/HOS-103/performance', '/indicators/:id/performance')
    await answered('DELETE', '/reports/ANS-2', '/reports/:id', { reason: 'duplicate' })

    const silence = await answered('POST', '/silences', '/silences', { matchers: { mission: 'MINUSMA' }, endsAt: '2026-03-11T00:00:00Z', reason: 'exercise' })
    await answered('GET', '/silences', '/silences')
    await answered('DELETE', `/silences/${(silence.silence as { id: number }).id}`, '/silences/:id')

    const key = await answered('POST', '/keys', '/keys', { name: 'JMAC Gao', role: 'analyst', missions: ['MINUSMA'] })
    await answered('GET', '/keys', '/keys')
    await answered('DELETE', `/keys/${(key.key as { id: string }).id}`, '/keys/:id')
    await answered('GET', '/audit', '/audit')

    await answered('GET', '/rules', '/rules')
    await answered('GET', '/rules/HOS-103', '/rules/:id')
    await answered('GET', '/rules/status', '/rules/status')
    await answered('GET', '/taxonomy', '/taxonomy')
    await answered('GET', '/taxonomy/HOS.IED', '/taxonomy/:code')
    await answered('GET', '/taxonomy/HOS', '/taxonomy/:code')
    await answered('GET', '/gazetteer', '/gazetteer')
    await answered('GET', '/gazetteer/status', '/gazetteer/status')
    await answered('GET', '/gazetteer/MINUSCA', '/gazetteer/:mission')
    await answered('GET', '/missions', '/missions')
    await answered('GET', '/notifications', '/notifications')
    await answered('GET', '/routing/status', '/routing/status')
    await answered('GET', '/healthz', '/healthz')
    await answered('GET', '/readyz', '/readyz')
  })
})
