import { afterEach, describe, expect, it } from 'vitest'
import { taxonomy, testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { rule } from '../helpers/test-rules.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import { buildRuleSet } from '../../src/rules/rule-set.js'
import { replay } from '../../src/evaluate/replay.js'
import { classifyReport, type Report } from '../../src/reports/report.js'
import { reportInputSchema } from '../../src/reports/report-schema.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'

/** An indicator that never fires: the only alerts here are the reporting-gap watch's. */
const QUIET = rule('HOS-120', `taxonomy: [HOS]
window: 1d
expires: 1d
alerts:
  - level: tactical
    grade: low
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1000 } ] }`)
const RULES = { 'hostile-acts/HOS-120-quiet.yaml': QUIET }

/**
 * Gao reports every morning from 1 to 10 March (so it is expected within 3 days), through UNPOL,
 * then falls silent until 16 March.
 */
const UNPOL = { reliability: 'B', credibility: 2, channel: 'unpol' }
const DAILY = Array.from({ length: 10 }, (_, i) => ({ id: `GAO-${i + 1}`, occurredAt: `2026-03-${String(i + 1).padStart(2, '0')}T08:00:00Z`, source: UNPOL }))
const RESUMED = { id: 'GAO-11', occurredAt: '2026-03-16T08:30:00Z', source: UNPOL }

type Change = { kind: string; cause: string; alert: { indicatorId: string; identity: string; level: string; grade: string; status: string; statusReason: string | null; summary: string; topCategory: string; scope: { admin1?: string } } }
const gist = (c: Change) => [c.kind, c.alert.level, c.alert.grade, c.alert.status, c.alert.statusReason]

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

describe('the reporting-gap watch (DATA.GAP)', () => {
  it('in a live service: an area (and a source channel) that reports daily and falls silent raises a tactical (operational) alert on the timer, high when the silence doubles, ended when reports resume', async () => {
    t = await testApp({ rulesDir: writeRules(RULES), now: '2026-03-10T09:00:00Z', config: { expiryIntervalMs: 100 } })
    for (const r of DAILY) expect((await t.app.inject({ method: 'POST', url: '/reports', payload: report(r) })).statusCode).toBe(201)
    // A gap alert asks for a response like any other, so it may also go overdue: that is the follow-up's, not the watch's.
    const feed = async () => ((await t!.app.inject({ method: 'GET', url: '/alerts?after=0&indicator=DATA.GAP' })).json() as { changes: Change[] }).changes
      .filter((c) => c.kind !== 'overdue')
    const until = async (n: number) => {
      for (let i = 0; i < 50; i++) {
        const changes = await feed()
        if (changes.length >= n) return changes
        await new Promise((r) => setTimeout(r, 100))
      }
      return feed()
    }

    // Three days of silence is what its history allows: at 3 days, nothing.
    t.clock.set('2026-03-13T08:00:00Z')
    await new Promise((r) => setTimeout(r, 400))
    expect(await feed()).toEqual([])
    t.clock.set('2026-03-13T09:00:00Z')
    const both = await until(2)
    const raised = both.filter((c) => c.alert.identity === 'DATA.GAP|MINUSMA|area=Gao')
    expect(raised.map(gist)).toEqual([['raised', 'tactical', 'medium', 'open', null]])
    expect(both.filter((c) => c.alert.identity === 'DATA.GAP|MINUSMA|channel=unpol').map(gist)).toEqual([['raised', 'operational', 'medium', 'open', null]])
    expect(raised[0]!.alert).toMatchObject({ topCategory: 'DATA', scope: { admin1: 'Gao' } })
    expect(raised[0]!.alert.summary).toBe('No reports from Gao since 2026-03-10 08:00 UTC, longer than the 3 days expected: it usually reports every 1 day (10 reports on 10 days in the 9 days before)')
    // The poll's area filter finds it, like any alert of Gao.
    expect(((await t.app.inject({ method: 'GET', url: '/alerts?after=0&admin1=Gao' })).json() as { changes: Change[] }).changes[0]!.alert.identity).toBe('DATA.GAP|MINUSMA|area=Gao')

    const area = async () => (await feed()).filter((c) => c.alert.identity === 'DATA.GAP|MINUSMA|area=Gao').map(gist)
    t.clock.set('2026-03-16T09:00:00Z')
    await until(4)
    expect((await area())[1]).toEqual(['escalated', 'tactical', 'high', 'open', null])

    expect((await t.app.inject({ method: 'POST', url: '/reports', payload: report(RESUMED) })).statusCode).toBe(201)
    await until(6)
    expect((await area())[2]).toEqual(['expired', 'tactical', 'high', 'expired', 'reports resumed: the last at 2026-03-16T08:30:00.000Z'])
    await new Promise((r) => setTimeout(r, 300))
    expect(await feed()).toHaveLength(6)
  })

  it('in a replay: the same alerts at the moments the gap opened, doubled and closed; a source channel that stops is an operational gap', async () => {
    const checked = checkRuleDir(writeRules(RULES), taxonomy)
    const set = buildRuleSet(checked.rules, checked.version, 0)
    const classified = (over: Record<string, unknown>): Report => {
      const out = classifyReport(reportInputSchema.parse(report(over)), { taxonomy, missions: DEFAULT_MISSIONS, now: Date.parse('2030-01-01T00:00:00Z') })
      if ('problems' in out) throw new Error(JSON.stringify(out.problems))
      return out.report
    }
    const reports = [...DAILY, RESUMED].map(classified)
    const base = { reports, set, taxonomy, missions: DEFAULT_MISSIONS, until: Date.parse('2026-03-17T00:00:00Z') }
    const out = await replay({ ...base, reportingGaps: true, snapshots: true })
    const changes = out.changes as unknown as (Change & { at: number })[]
    const area = changes.filter((c) => c.alert.identity === 'DATA.GAP|MINUSMA|area=Gao')
    expect(area.map(gist)).toEqual([
      ['raised', 'tactical', 'medium', 'open', null],
      ['escalated', 'tactical', 'high', 'open', null],
      ['expired', 'tactical', 'high', 'expired', 'reports resumed: the last at 2026-03-16T08:30:00.000Z'],
    ])
    // At their own moments: three days, then six, past the last report; closed as the next arrived.
    expect(area.map((c) => new Date(c.at).toISOString())).toEqual(['2026-03-13T08:00:00.001Z', '2026-03-16T08:00:00.001Z', '2026-03-16T08:30:00.000Z'])
    const channel = changes.filter((c) => c.alert.identity === 'DATA.GAP|MINUSMA|channel=unpol')
    expect(channel.map(gist)).toEqual([
      ['raised', 'operational', 'medium', 'open', null],
      ['escalated', 'operational', 'high', 'open', null],
      ['expired', 'operational', 'high', 'expired', 'reports resumed: the last at 2026-03-16T08:30:00.000Z'],
    ])
    // Rule tests and previews replay without the watch.
    expect((await replay(base)).alerts.filter((a) => a.indicatorId === 'DATA.GAP')).toEqual([])
  })
})
