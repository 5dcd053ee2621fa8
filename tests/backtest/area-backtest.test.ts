import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { taxonomy, writeRules } from '../helpers/test-app.js'
import { REGION_VIOLENCE, REGION_VIOLENCE_FILE } from '../helpers/test-rules.js'
import { ROOT } from '../../src/paths.js'
import { runBacktest, type BacktestOptions } from '../../src/backtest/backtest-run.js'
import { isOutcome, parseOutcomeSpec } from '../../src/backtest/outcome-spec.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import type { Report } from '../../src/reports/report.js'

/**
 * A backtest scored by area against outcomes picked from the reports themselves, on a hand-made
 * fixture with known answers (tests/fixtures/backtest/README.md). The rule: an operational alert
 * per admin1 at one ARM.CLASH or POC.KILL report in 30 days, expiring 10 days after the last.
 * Outcome class "POC.KILL civiliansKilled>=5". January 2020, areas Ouaka, Vakaga,
 * Bamingui-Bangoran (93 area-days):
 *
 *   Ouaka alert   raised Jan 2 10:00 (AO-R1), extended by AO-O1, AO-O2 to Jan 18 10:00: covers Jan 3-18
 *   Vakaga alert  raised Jan 10 12:00 by the outcome AO-O3 itself, extended by AO-O4 to Jan 30: Jan 11-29
 *   B-B alert     raised Jan 25 00:00 by the outcome AO-O5 itself, open at the end: Jan 26-31
 *
 *   outcomes: Jan 5 Ouaka detected (lead 3), Jan 10 Vakaga missed, Jan 20 Vakaga detected (lead
 *   10), Jan 25 B-B missed; AO-O2 (2 civilians) is no outcome. No outcome is predicted by its own
 *   report: AO-O3 and AO-O5 raise their alerts on their own day, which the alerts do not cover.
 */
const RULES = writeRules({
  [REGION_VIOLENCE_FILE]: REGION_VIOLENCE,
})
const REPORTS = path.join(ROOT, 'tests/fixtures/backtest/hand-made-area-outcomes-2-of-4-detected.ndjson')
const AREAS = ['Ouaka', 'Vakaga', 'Bamingui-Bangoran']
const CLASS = 'POC.KILL civiliansKilled>=5'

const options = (over: Partial<BacktestOptions> = {}): BacktestOptions => ({
  reports: { kind: 'file', file: REPORTS, format: 'ndjson' },
  rulesDir: RULES, taxonomy, missions: DEFAULT_MISSIONS, mission: 'MINUSCA', areas: AREAS,
  from: '2020-01-01', to: '2020-01-31', outcomeSpecs: [CLASS], draws: 200, bootstrap: 200, seed: 5,
  ...over,
})

describe('backtest by area against outcomes from the reports', () => {
  it('scores every admin1-day: 2 of 4 outcomes detected, 41 of 93 area-days under warning', async () => {
    const { summary } = await runBacktest(options())
    const [c] = summary.skill
    expect(c).toMatchObject({ label: `reports ${CLASS}`, events: 4, placed: 4 })
    const [day, week] = c!.periods[0]!.byArea!
    expect(c!.periods.map((p) => p.name)).toEqual(['whole'])
    expect(day!.rules).toMatchObject({ outcomes: 4, detected: 2, underWarning: 41, steps: 93, warnings: 3, falseAlarms: 1, leadTimeDays: { median: 6.5 } })
    expect(day!.rules.lift).toBeCloseTo(93 / 82, 12)
    expect(day!.rules.peirce).toBeCloseTo(0.5 - 39 / 89, 12)
    expect(day!.rules.liftInterval![0]).toBeLessThanOrEqual(day!.rules.lift!)
    expect(week!.rules).toMatchObject({ steps: 15, outcomes: 4, detected: 2 })
    // Persistence and chance beside it, and the skill relative to persistence.
    // Every N of the grid has a Peirce score below 0 here; N = 1 the least (4 quiet area-days warned,
    // nothing detected): persistence's lift is 0, so the skill relative to it is undefined.
    expect(c!.persistenceDays.byArea).toBe(1)
    expect(day!.persistence).toMatchObject({ days: 1, detected: 0, underWarning: 4, lift: 0 })
    expect(day!.skill).toBeNull()
    expect(day!.random).toMatchObject({ draws: 200, seed: 5, detected: 2 })
    // Mission-wide: one area, the 4 outcome days; a day is under warning when any alert covers it.
    const mission = c!.periods[0]!.missionWide[0]!
    // Jan 3-18 (Ouaka), Jan 11-29 (Vakaga), Jan 26-31 (B-B): Jan 3-31, 29 days of 31. Jan 10 and
    // Jan 25 count as detected too: another area's alert covered "the mission" (why by area is the honest scale).
    expect(mission.rules).toMatchObject({ steps: 31, outcomes: 4, detected: 4, underWarning: 29 })
  })

  it('no self-prediction: an outcome that raises an alert is not detected by it that day, the next outcome in its area is', async () => {
    const { summary } = await runBacktest(options({ from: '2020-01-09', to: '2020-01-31', areas: ['Vakaga'] }))
    const day = summary.skill[0]!.periods[0]!.byArea![0]!
    // Vakaga: Jan 10 (raised its own alert at 12:00) missed, Jan 20 detected with lead 10.
    expect(day.rules).toMatchObject({ outcomes: 2, detected: 1, leadTimeDays: { median: 10 } })
  })

  it('--split scores training and validation apart, persistence chosen on training', async () => {
    const { summary } = await runBacktest(options({ split: '2020-01-16' }))
    const c = summary.skill[0]!
    const [training, validation] = c.periods
    expect([training!.name, validation!.name]).toEqual(['training', 'validation'])
    // Training Jan 1-15 (45 area-days): outcomes Jan 5 (hit) and Jan 10; under warning Ouaka Jan 3-15, Vakaga Jan 11-15.
    expect(training!.byArea![0]!.rules).toMatchObject({ steps: 45, outcomes: 2, detected: 1, underWarning: 18, warnings: 2 })
    expect(training!.byArea![0]!.rules.lift).toBeCloseTo(0.5 / (18 / 45), 12)
    // Validation Jan 16-31 (48): Jan 20 (hit) and Jan 25; Ouaka Jan 16-18, Vakaga Jan 16-29, B-B Jan 26-31.
    expect(validation!.byArea![0]!.rules).toMatchObject({ steps: 48, outcomes: 2, detected: 1, underWarning: 23, warnings: 1, falseAlarms: 1 })
    expect(validation!.byArea![0]!.persistence.days).toBe(training!.byArea![0]!.persistence.days)
    expect(summary.split).toBe('2020-01-16')
    await expect(runBacktest(options({ split: '2020-03-01' }))).rejects.toThrow('--split 2020-03-01 must fall inside the scored period 2020-01-01 to 2020-01-31')
  })

  it('starts scoring at the mission\'s deployment (and ends it at its end); the days before are warm-up', async () => {
    const minusca = await runBacktest(options({ from: '2014-01-01', to: '2014-12-31' }))
    expect(minusca.summary.period).toEqual({ from: '2014-09-15', to: '2014-12-31', days: 108 })
    expect(minusca.summary.deployment).toMatchObject({ mission: 'MINUSCA', start: '2014-09-15', end: null })
    const minusma = await runBacktest(options({ mission: 'MINUSMA', from: '2012-01-01', to: '2024-06-30' }))
    expect(minusma.summary.period).toMatchObject({ from: '2013-07-01', to: '2023-12-31' })
    await expect(runBacktest(options({ mission: 'MINUSMA', from: '2024-01-01', to: '2024-06-30' }))).rejects.toThrow('MINUSMA was deployed from 2013-07-01 to 2023-12-31')
  })
})

describe('outcome classes', () => {
  const report = (category: string, civilian: number, other = 0) => ({ category, categories: [], casualties: { killed: { un: { military: 1, police: 0, civilian: 0 }, civilian, other }, injured: { un: { military: 0, police: 0, civilian: 0 }, civilian: 0, other: 0 }, abducted: { un: { military: 0, police: 0, civilian: 0 }, civilian: 0, other: 0 } } }) as unknown as Report

  it('a taxonomy prefix (or any) and casualty conditions, all of which must hold', () => {
    const poc = parseOutcomeSpec('POC.KILL  civiliansKilled>=5', taxonomy)
    expect(poc.text).toBe('POC.KILL civiliansKilled>=5')
    expect(isOutcome(poc, report('POC.KILL', 5))).toBe(true)
    expect(isOutcome(poc, report('POC.KILL', 4))).toBe(false)
    expect(isOutcome(poc, report('ARM.CLASH', 9))).toBe(false)
    const any = parseOutcomeSpec('* killed>=5', taxonomy)
    expect(isOutcome(any, report('ARM.CLASH', 1, 3))).toBe(true) // 1 UN + 1 civilian + 3 others
    expect(isOutcome(parseOutcomeSpec('POC|HOS unKilled>0', taxonomy), report('POC.KILL', 0))).toBe(true)
  })

  it('says what is wrong with a class', () => {
    expect(() => parseOutcomeSpec('POC.KIL', taxonomy)).toThrow("'POC.KIL' is no taxonomy code")
    expect(() => parseOutcomeSpec('POC deaths>=5', taxonomy)).toThrow("unknown field 'deaths'")
    expect(() => parseOutcomeSpec('POC killed=>5', taxonomy)).toThrow("'killed=>5' is no condition")
  })
})
