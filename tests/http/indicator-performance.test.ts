import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT_RESPONSE } from '../helpers/test-rules.js'
import { reviewCommand } from '../../src/cli/review-command.js'
import { spread } from '../../src/alerts/indicator-performance.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

const at = (hhmm: string) => `2026-03-10T${hhmm}:00Z`
async function step(hhmm: string, what: () => Promise<unknown>) {
  t!.clock.set(at(hhmm))
  return what()
}
async function send(method: 'POST', url: string, payload: unknown, status = 200) {
  const res = await t!.app.inject({ method, url, payload: payload as object })
  expect(res.statusCode, `${url}: ${res.body}`).toBe(status)
  return res.json()
}
const raise = async (id: string, mission: string, hhmm: string, channel?: string) =>
  (await step(hhmm, () => send('POST', '/reports', report({ id, mission, occurredAt: at(hhmm), ...(channel ? { source: { channel } } : {}) }), 201)) as { alerts: { alertId: number }[] }).alerts[0]!.alertId

/**
 * The known day. MINUSMA: A1 raised 08:00, acknowledged after 10 min, acted on after 20, useful;
 * A2 raised 09:00, overdue at 09:31, acknowledged after 40 min, acted on after 60, false alarm;
 * A3 raised 10:00, never acknowledged, overdue at 10:31, false alarm. MINUSCA: B1 raised 11:00,
 * acknowledged after 5 min, no action, resolved without a disposition.
 */
async function knownDay() {
  t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-113-incident.yaml': PER_INCIDENT_RESPONSE }), now: at('07:00') })
  const v = t.app.vigil
  const action = (startedAt: string) => ({ action: 'Froze movement on MSR-1', unit: 'Sector East JOC', startedAt: at(startedAt), outcome: 'done' })
  const a1 = await raise('P-1', 'MINUSMA', '08:00', 'unpol')
  await step('08:10', () => send('POST', `/alerts/${a1}/ack`, {}))
  await step('08:20', () => send('POST', `/alerts/${a1}/actions`, action('08:20'), 201))
  const a2 = await raise('P-2', 'MINUSMA', '09:00', 'community-alert-network')
  await step('09:31', () => v.markOverdue())
  await step('09:40', () => send('POST', `/alerts/${a2}/ack`, {}))
  const a3 = await raise('P-3', 'MINUSMA', '10:00', 'community-alert-network')
  await step('10:05', () => send('POST', `/alerts/${a2}/actions`, action('10:00'), 201))
  await step('10:31', () => v.markOverdue())
  const b1 = await raise('P-4', 'MINUSCA', '11:00')
  await step('11:05', () => send('POST', `/alerts/${b1}/ack`, {}))
  await step('11:10', async () => {
    await send('POST', `/alerts/${a1}/resolve`, { disposition: 'useful' })
    await send('POST', `/alerts/${a2}/resolve`, { disposition: 'false-alarm', note: 'a goat herd, not fighters' })
    await send('POST', `/alerts/${a3}/resolve`, { disposition: 'false-alarm' })
    await send('POST', `/alerts/${b1}/resolve`, {})
  })
}

const NONE = { useful: 0, 'too-late': 0, 'false-alarm': 0, duplicate: 0, 'not-actionable': 0, none: 0 }

describe('indicator performance', () => {
  it('median and p90 by nearest rank, in minutes', () => {
    expect(spread([])).toEqual({ n: 0, median: null, p90: null })
    expect(spread([40, 5, 10].map((m) => m * 60_000))).toEqual({ n: 3, median: 10, p90: 40 })
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => m * 60_000))).toEqual({ n: 10, median: 5.5, p90: 9 })
  })

  it('GET /indicators/:id/performance gives the known answers, per mission and period', async () => {
    await knownDay()
    const get = async (query: string) => (await t!.app.inject({ method: 'GET', url: `/indicators/HOS-113/performance?${query}` })).json()
    const day = await get(`from=${at('00:00')}&to=${at('23:59')}`)
    expect(day).toMatchObject({
      indicator: 'HOS-113', alerts: 4,
      timeToAcknowledge: { n: 3, median: 10, p90: 40 },
      timeToFirstAction: { n: 2, median: 40, p90: 60 },
      overdue: { count: 2, share: 0.5 },
      dispositions: { ...NONE, useful: 1, 'false-alarm': 2, none: 1 },
      falseAlarmShare: 0.67,
      flags: ['false alarms 67% of judged alerts (>= 50%)', 'overdue 50% of alerts (>= 30%)'],
    })
    expect(day.byMission).toEqual([
      {
        mission: 'MINUSCA', alerts: 1, timeToAcknowledge: { n: 1, median: 5, p90: 5 }, timeToFirstAction: { n: 0, median: null, p90: null },
        overdue: { count: 0, share: 0 }, dispositions: { ...NONE, none: 1 }, falseAlarmShare: null,
      },
      {
        mission: 'MINUSMA', alerts: 3, timeToAcknowledge: { n: 2, median: 25, p90: 40 }, timeToFirstAction: { n: 2, median: 40, p90: 60 },
        overdue: { count: 2, share: 0.67 }, dispositions: { ...NONE, useful: 1, 'false-alarm': 2 }, falseAlarmShare: 0.67,
      },
    ])
    // By the channel of the reports behind each alert (P-4 named none).
    expect(Object.keys(day.byChannel)).toEqual(['community-alert-network', 'unpol', 'unspecified'])
    expect(day.byChannel['community-alert-network']).toMatchObject({ alerts: 2, dispositions: { ...NONE, 'false-alarm': 2 }, falseAlarmShare: 1, overdue: { count: 2, share: 1 } })
    expect(day.byChannel.unpol).toMatchObject({ alerts: 1, dispositions: { ...NONE, useful: 1 }, timeToAcknowledge: { n: 1, median: 10 } })
    expect(day.byChannel.unspecified).toMatchObject({ alerts: 1, dispositions: { ...NONE, none: 1 } })
    // The period and the mission narrow it: alerts raised from 10:30 on, and MINUSCA's alone.
    expect(await get(`from=${at('10:30')}&to=${at('23:59')}`)).toMatchObject({ alerts: 1, byMission: [{ mission: 'MINUSCA' }], flags: [] })
    expect(await get(`mission=MINUSMA&from=${at('00:00')}&to=${at('23:59')}`)).toMatchObject({ mission: 'MINUSMA', alerts: 3 })
    // The default period is the 90 days before now.
    expect(await get('')).toMatchObject({ alerts: 4, to: '2026-03-10T11:10:00.000Z', from: '2025-12-10T11:10:00.000Z' })
    const unknown = await t!.app.inject({ method: 'GET', url: '/indicators/HOS-999/performance' })
    expect(unknown.statusCode).toBe(404)
  })

  it('vigil review prints the same figures for every indicator and flags the high false-alarm and overdue shares', async () => {
    await knownDay()
    let text = ''
    const out = { write: (s: string) => { text += s } }
    const code = reviewCommand(['--from', at('00:00'), '--to', at('23:59')], out, out, { VIGIL_DB: t!.dbFile })
    expect(code).toBe(0)
    const lines = text.split('\n')
    expect(lines[0]).toBe('Indicator review, 2026-03-10 to 2026-03-10, all missions: 4 alert(s)')
    expect(lines.find((l) => l.startsWith('HOS-113'))!.split(/\s{2,}/)).toEqual(['HOS-113', '4', '10 / 40', '40 / 60', '50%', '67%', '1', '0', '2', '0', '0', '1'])
    expect(text).toContain('Flagged for review (2):\n  HOS-113: false alarms 67% of judged alerts (>= 50%)\n  HOS-113: overdue 50% of alerts (>= 30%)\n')
    text = ''
    reviewCommand(['--from', at('00:00'), '--to', at('23:59'), '--mission', 'MINUSCA'], out, out, { VIGIL_DB: t!.dbFile })
    expect(text).toContain('MINUSCA: 1 alert(s)')
    expect(text).toContain('No indicator flagged.')
  })
})
