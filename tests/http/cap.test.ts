import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER } from '../helpers/test-rules.js'
import { CAP_XSD, xmllint } from '../helpers/xmllint.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => t!.app.inject({ method, url, ...(payload ? { payload } : {}) })

async function post(id: string, route: string, at: string, over: Record<string, unknown> = {}) {
  const res = await inject('POST', '/reports', report({ id, occurredAt: at, location: { route }, ...over }))
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { alerts: { alertId: number; kind: string }[] }
}

/** A life of alerts that goes through every kind of change vigil records. */
async function everyKindOfChange(): Promise<number[]> {
  t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }), now: '2026-03-10T12:00:00Z' })
  await post('A-1', 'MSR-1', '2026-03-10T06:00:00Z')
  const a = (await post('A-2', 'MSR-1', '2026-03-10T07:00:00Z')).alerts[0]!.alertId // raised
  await post('A-3', 'MSR-1', '2026-03-10T08:00:00Z') // escalated
  await post('A-4', 'MSR-1', '2026-03-10T09:00:00Z') // updated
  expect((await inject('POST', `/alerts/${a}/ack`, {})).statusCode).toBe(200)
  const silence = await inject('POST', '/silences', { matchers: { mission: 'MINUSMA' }, endsAt: '2026-03-11T00:00:00Z', reason: 'drill' })
  expect((await inject('DELETE', `/silences/${silence.json().silence.id}`)).statusCode).toBe(200)
  expect((await inject('DELETE', '/reports/A-4')).statusCode).toBe(200)
  expect((await inject('DELETE', '/reports/A-3')).statusCode).toBe(200) // downgraded
  expect((await inject('DELETE', '/reports/A-2')).statusCode).toBe(200) // withdrawn

  await post('B-1', 'MSR-2', '2026-03-10T06:00:00Z')
  const b = (await post('B-2', 'MSR-2', '2026-03-10T07:00:00Z')).alerts[0]!.alertId
  expect((await inject('POST', `/alerts/${b}/resolve`, { note: 'route cleared' })).statusCode).toBe(200)

  await post('C-1', 'MSR-3', '2026-03-10T06:00:00Z')
  const c = (await post('C-2', 'MSR-3', '2026-03-10T07:00:00Z')).alerts[0]!.alertId
  t.clock.set('2026-03-25T12:00:00Z')
  await t.app.vigil.sweep() // expired
  return [a, b, c]
}

interface Change { seq: number; kind: string }

describe('CAP 1.2', () => {
  it('every kind of alert change is a CAP message valid against the OASIS XSD', async () => {
    const ids = await everyKindOfChange()
    const kinds = new Set<string>()
    for (const id of ids) {
      const changes = (await inject('GET', `/alerts/${id}/history`)).json().changes as Change[]
      for (const c of changes) {
        kinds.add(c.kind)
        const res = await inject('GET', `/cap/alerts/${id}.xml?change=${c.seq}`)
        expect(res.statusCode).toBe(200)
        expect(res.headers['content-type']).toBe('application/cap+xml; charset=utf-8')
        expect(xmllint(res.body, CAP_XSD), `${c.kind} (alert ${id}, change ${c.seq}):\n${res.body}`).toBe('')
      }
    }
    expect([...kinds].sort()).toEqual(['acknowledged', 'downgraded', 'escalated', 'expired', 'raised', 'resolved', 'silenced', 'unsilenced', 'updated', 'withdrawn'])
  })

  it('maps raised to Alert, later changes to Update referring to earlier messages, endings to Cancel', async () => {
    const [a, b, c] = await everyKindOfChange()
    const changes = (await inject('GET', `/alerts/${a}/history`)).json().changes as Change[]
    const cap = async (id: number, seq?: number) => (await inject('GET', `/cap/alerts/${id}.xml${seq ? `?change=${seq}` : ''}`)).body
    const raised = changes.find((x) => x.kind === 'raised')!
    const escalated = changes.find((x) => x.kind === 'escalated')!
    const first = await cap(a!, raised.seq)
    expect(first).toContain('<msgType>Alert</msgType>')
    expect(first).not.toContain('<references>')
    expect(first).toContain('<scope>Restricted</scope>')
    expect(first).toContain(`<identifier>urn:vigil:alert:${a}:${raised.seq}</identifier>`)
    expect(first).toContain('<sent>2026-03-10T12:00:00+00:00</sent>')
    // tactical medium: Moderate, Expected; two B/2 reports: high confidence, Likely; IEDs are Security.
    expect(first).toMatch(/<category>Security<\/category>[\s\S]*<urgency>Expected<\/urgency>\s*<severity>Moderate<\/severity>\s*<certainty>Likely<\/certainty>/)
    expect(first).toMatch(/<circle>16\.2667,-0\.0447 0<\/circle>/)
    expect(first).toContain('<value>MSR-1</value>')

    const update = await cap(a!, escalated.seq)
    expect(update).toContain('<msgType>Update</msgType>')
    expect(update).toContain(`<references>urn:vigil:MINUSMA,urn:vigil:alert:${a}:${raised.seq},2026-03-10T12:00:00+00:00</references>`)
    expect(update).toMatch(/<urgency>Expected<\/urgency>\s*<severity>Severe<\/severity>/)

    for (const [id, reason] of [[a, 'withdrawn'], [b, 'resolved'], [c, 'expired']] as const) {
      const last = await cap(id!)
      expect(last, reason).toContain('<msgType>Cancel</msgType>')
      expect(last, reason).toContain(`<note>${reason}`)
      expect(last, reason).toContain('<responseType>AllClear</responseType>')
      expect(last, reason).toContain('<urgency>Past</urgency>')
    }
  })

  it('the Atom feed lists the current alerts, each a valid CAP message', async () => {
    t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }), now: '2026-03-10T12:00:00Z' })
    for (const [id, route] of [['F-1', 'MSR-1'], ['F-2', 'MSR-1'], ['F-3', 'MSR-2'], ['F-4', 'MSR-2'], ['F-5', 'MSR-2']]) await post(id!, route!, '2026-03-10T08:00:00Z')
    await post('G-1', 'RN-9', '2026-03-10T08:00:00Z', { mission: 'MINUSCA' })
    await post('G-2', 'RN-9', '2026-03-10T08:00:00Z', { mission: 'MINUSCA' })
    const res = await inject('GET', '/cap/alerts.atom')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8')
    expect(xmllint(res.body)).toBe('')
    const embedded = [...res.body.matchAll(/<alert xmlns="urn:oasis:names:tc:emergency:cap:1\.2">[\s\S]*?<\/alert>/g)].map((m) => m[0])
    expect(embedded).toHaveLength(3)
    for (const alert of embedded) expect(xmllint(`<?xml version="1.0" encoding="UTF-8"?>\n${alert}`, CAP_XSD)).toBe('')
    // Worst first: the operational alert on MSR-2.
    expect(embedded[0]).toContain('<value>MSR-2</value>')
    expect(res.body).toMatch(/<link rel="alternate" type="application\/cap\+xml" href="http:\/\/localhost(:\d+)?\/cap\/alerts\/\d+\.xml"\/>/)
  })

  it('carries a polygon when the alert has an area, and response actions as instruction', async () => {
    const { capAlert } = await import('../../src/cap/cap-message.js')
    const { renderXml, XML_DECLARATION } = await import('../../src/cap/xml.js')
    const { taxonomy } = await import('../helpers/test-app.js')
    const alert = {
      id: 9, identity: 'x', indicatorId: 'HLT-001', indicatorVersion: 1, ruleSetVersion: 'v', mission: 'MINUSCA', taxonomy: ['HLT'], topCategory: 'HLT',
      level: 'strategic', grade: 'critical', rank: 11, status: 'open', statusReason: null, confidence: 'low', trend: null,
      scope: { mission: 'MINUSCA', groupBy: { admin1: 'Ouaka' }, admin1: 'Ouaka' }, windowMs: 0, count: 4, facts: { count: 4 }, explanation: {},
      summary: 'Cholera <cases> & deaths in Ouaka', firstSeen: 0, lastSeen: 0, anchorAt: 0, raisedAt: 0, updatedAt: 0, expiresAt: 86_400_000, seq: 3,
      silenced: false, inhibited: false, acknowledgedBy: null, acknowledgedAt: null, resolvedBy: null, resolvedAt: null,
      areaPolygon: { type: 'Polygon', coordinates: [[[20.1, 5.9], [21.3, 5.9], [21.3, 7.1], [20.1, 7.1], [20.1, 5.9]]] },
      response: [{ action: 'Restrict movement to essential convoys' }, { action: 'Notify the force medical officer' }],
    } as const
    const xml = `${XML_DECLARATION}\n${renderXml(capAlert({ seq: 3, kind: 'raised', at: 0, alert: alert as never }, { taxonomy, earlier: [] }))}`
    expect(xmllint(xml, CAP_XSD)).toBe('')
    expect(xml).toContain('<polygon>5.9,20.1 5.9,21.3 7.1,21.3 7.1,20.1 5.9,20.1</polygon>')
    expect(xml).toContain('<instruction>Restrict movement to essential convoys\nNotify the force medical officer</instruction>')
    expect(xml).toContain('<category>Health</category>')
    expect(xml).toContain('Cholera &lt;cases&gt; &amp; deaths')
    expect(xml).toMatch(/<urgency>Future<\/urgency>\s*<severity>Extreme<\/severity>\s*<certainty>Unlikely<\/certainty>/)
  })
})
