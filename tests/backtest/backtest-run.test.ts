import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { taxonomy, tempDir, writeRules } from '../helpers/test-app.js'
import { rule } from '../helpers/test-rules.js'
import { ROOT } from '../../src/paths.js'
import { manualClock } from '../../src/clock.js'
import { createServices } from '../../src/services.js'
import { openStore } from '../../src/storage/store.js'
import { buildRuleSet } from '../../src/rules/rule-set.js'
import { runBacktest, type BacktestOptions } from '../../src/backtest/backtest-run.js'
import { writeBacktestOutputs } from '../../src/backtest/backtest-report.js'
import { readNdjsonRows } from '../../src/backtest/backtest-reports.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'

/**
 * Known answers by construction (tests/fixtures/backtest/README.md). The rule: a tactical alert at
 * one POC.KILL in a region (admin1) within 30 days, operational at two; expiry 20 days after the
 * last report. Period 2020-01-01 to 2020-03-31 (91 days). Alerts:
 *
 *   Ouaka  2019-12-01 10:00 raised tactical, expires 2019-12-21 10:00   (warm-up, before the period)
 *   Ouaka  2020-01-05 10:00 raised tactical
 *          2020-01-10 10:00 escalated operational, expires 2020-01-30 10:00
 *   Vakaga 2020-03-01 10:00 raised tactical, expires 2020-03-21 10:00
 *
 * Fatal incidents: 2020-01-08 (2 deaths), 2020-01-10, 2020-01-20.
 *
 *   tactical     covers Jan 6-10 and Mar 2-21 = 25 days. Jan 8 detected (lead 3), Jan 10 detected
 *                (lead 5: still tactical at its 00:00), Jan 20 missed. Vakaga saw no incident while
 *                active or within 30 days after: 1 false alarm of 2.
 *   operational  covers Jan 11-30 = 20 days. Jan 20 detected (lead 10); Jan 8 and Jan 10 missed
 *                (escalated on Jan 10 itself). It saw Jan 10 and Jan 20: no false alarm.
 *
 * Expiry at the alert's own time matters: were expiries found only when the next report
 * arrived, the operational alert would cover Jan 11 to Mar 1 (51 days) and the Vakaga one run to
 * the end of the period (30 days).
 */
const RULES = writeRules({
  'protection-of-civilians/POC-901-killings-in-a-region.yaml': rule('POC-901', `taxonomy: [POC.KILL]
scope: { groupBy: [admin1] }
window: 30d
expires: 20d
alerts:
  - level: operational
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] }
  - level: tactical
    grade: medium
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`),
})
const REPORTS = path.join(ROOT, 'tests/fixtures/backtest/hand-made-4-reports-2-alerts-expiring-on-time.ndjson')
const OUTCOMES = path.join(ROOT, 'tests/fixtures/fatalities/hand-made-minusca-3-incidents-jan-2020.csv')

const options = (over: Partial<BacktestOptions> = {}): BacktestOptions => ({
  reports: { kind: 'file', file: REPORTS, format: 'ndjson' },
  rulesDir: RULES, taxonomy, missions: DEFAULT_MISSIONS, mission: 'MINUSCA',
  from: '2020-01-01', to: '2020-03-31', outcomes: OUTCOMES,
  ...over,
})

const pick = (l: { key: string; warnings: number; detected: number; incidents: number; leadTimeDays: unknown; daysUnderWarning: number; falseAlarms: number | null }) =>
  ({ key: l.key, warnings: l.warnings, detected: `${l.detected}/${l.incidents}`, lead: l.leadTimeDays, days: l.daysUnderWarning, falseAlarms: l.falseAlarms })

const EXPECTED_LEVELS = [
  { key: 'tactical', warnings: 2, detected: '2/3', lead: { median: 4, q1: 3.5, q3: 4.5 }, days: 25, falseAlarms: 1 },
  { key: 'operational', warnings: 1, detected: '1/3', lead: { median: 10, q1: 10, q3: 10 }, days: 20, falseAlarms: 0 },
  { key: 'strategic', warnings: 0, detected: '0/3', lead: null, days: 0, falseAlarms: 0 },
  { key: 'operational+', warnings: 1, detected: '1/3', lead: { median: 10, q1: 10, q3: 10 }, days: 20, falseAlarms: 0 },
]

describe('backtest on a hand-made fixture with known answers', () => {
  it('replays with the simulated clock: every alert change at the time it would have happened live', async () => {
    const r = await runBacktest(options())
    expect(r.changes.map((c) => `${new Date(c.at).toISOString()} ${c.kind} ${c.scope.admin1} ${c.level}`)).toEqual([
      '2019-12-01T10:00:00.000Z raised Ouaka tactical',
      '2019-12-21T10:00:00.000Z expired Ouaka tactical',
      '2020-01-05T10:00:00.000Z raised Ouaka tactical',
      '2020-01-10T10:00:00.000Z escalated Ouaka operational',
      '2020-01-30T10:00:00.000Z expired Ouaka operational',
      '2020-03-01T10:00:00.000Z raised Vakaga tactical',
      '2020-03-21T10:00:00.000Z expired Vakaga tactical',
    ])
    expect(r.summary).toMatchObject({
      period: { from: '2020-01-01', to: '2020-03-31', days: 91 },
      // The rule looks back 30 days, and four windows more for its trend baseline; an alert lives 20 days more.
      warmupFrom: '2019-07-15',
      reports: { read: 4, replayed: 4, rejected: 0 },
      alerts: { raised: 2, changes: 7 },
      outcomes: { incidents: 3, fatalities: 4 },
    })
  })

  it('scores detections, lead times, time under warning and false alarms per level', async () => {
    const { summary } = await runBacktest(options())
    expect(summary.levels.map(pick)).toEqual(EXPECTED_LEVELS)
    const [tactical, operational] = summary.levels
    expect(tactical!.timeUnderWarning).toBeCloseTo(25 / 91, 12)
    expect(tactical!.lift).toBeCloseTo((2 / 3) / (25 / 91), 12)
    expect(tactical!.falseAlarmRatio).toBe(0.5)
    expect(operational!.lift).toBeCloseTo((1 / 3) / (20 / 91), 12)
    expect(tactical!.perIncident.map((i) => i.leadDays)).toEqual([3, 5, null])
    expect(operational!.perIncident.map((i) => i.leadDays)).toEqual([null, null, 10])
    expect(summary.indicators.map((i) => [i.indicatorId, i.warnings, i.detected])).toEqual([['POC-901', 2, 3]])
  })

  it('gives the same answers streaming the reports from a vigil database', async () => {
    const file = path.join(tempDir(), 'vigil.db')
    const store = openStore(file)
    const services = createServices({ store, taxonomy, missions: DEFAULT_MISSIONS, rules: { current: () => buildRuleSet([], 'none', 0) }, clock: manualClock('2030-01-01T00:00:00Z') })
    await services.ingest.batch([...readNdjsonRows(REPORTS)].map((r) => r.values))
    await services.queue.close()
    store.close()
    const fromDb = await runBacktest(options({ reports: { kind: 'db', file } }))
    expect(fromDb.summary.levels.map(pick)).toEqual(EXPECTED_LEVELS)
    expect(fromDb.summary.reports).toMatchObject({ kind: 'database', replayed: 4 })
  })

  it('writes summary.json, report.md with the tables, a self-contained timeline and every change', async () => {
    const result = await runBacktest(options())
    const dir = path.join(tempDir(), 'out')
    const files = writeBacktestOutputs(dir, result)
    expect(files.map((f) => path.basename(f))).toEqual(['summary.json', 'report.md', 'timeline.html', 'changes.ndjson'])
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(result.summary)))
    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8')
    expect(md).toContain('| tactical | 2 | 2 / 3 | 66.7% | 4 (3.5-4.5) | 27.5% | 2.43 | 1 | 50.0% |')
    expect(md).toContain('| operational or higher | 1 | 1 / 3 | 33.3% | 10 (10-10) | 22.0% | 1.52 | 0 | 0.0% |')
    expect(md).toContain('| 2020-01-10 | 1 | 5 d | - | - | - |')
    const html = fs.readFileSync(path.join(dir, 'timeline.html'), 'utf8')
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    expect(html.match(/<g class="incident">/g)).toHaveLength(3)
    // Operational or higher caught only Jan 20: one filled marker, two hollow.
    expect(html.match(/class="hit"/g)).toHaveLength(1)
    expect(html.match(/class="miss"/g)).toHaveLength(2)
    expect(html).toContain('POC-901 operational high')
    expect(fs.readFileSync(path.join(dir, 'changes.ndjson'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).kind))
      .toEqual(['raised', 'expired', 'raised', 'escalated', 'expired', 'raised', 'expired'])
  })

  it('without outcomes, measures warnings and time under warning only', async () => {
    const { summary } = await runBacktest(options({ outcomes: undefined }))
    expect(summary.outcomes).toBeNull()
    expect(summary.levels[0]).toMatchObject({ warnings: 2, daysUnderWarning: 25, probabilityOfDetection: null, falseAlarms: null })
  })

  it('refuses outcomes without a mission, and a period that ends before it starts', async () => {
    await expect(runBacktest(options({ mission: undefined }))).rejects.toThrow('--outcomes needs --mission')
    await expect(runBacktest(options({ from: '2020-03-01', to: '2020-02-01' }))).rejects.toThrow('--to must not be before --from')
    await expect(runBacktest(options({ from: '2020-02-30' }))).rejects.toThrow("--from must be a date YYYY-MM-DD, not '2020-02-30'")
  })
})
