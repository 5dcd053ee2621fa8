import { describe, expect, it } from 'vitest'
import { buildGrid, type OutcomeEvent } from '../../src/backtest/area-grid.js'
import { scoreGrid } from '../../src/backtest/area-score.js'
import { areaSpells, type AreaSpell } from '../../src/backtest/area-spells.js'
import { choosePersistenceDays, persistenceSpells } from '../../src/backtest/persistence-baseline.js'
import { randomBaseline } from '../../src/backtest/random-baseline.js'
import { liftInterval } from '../../src/backtest/lift-bootstrap.js'
import type { AlertStep } from '../../src/backtest/warnings.js'

/**
 * Area-level scoring on hand-made grids whose answers are known by construction. Period: January
 * 2020 (31 days), three areas A, B, C: 93 area-days.
 *
 *   warning        raised            ended             covers the 00:00 of
 *   1 in A         Jan 2 10:00       Jan 18 10:00      Jan 3-18   (16 days)
 *   2 in B         Jan 10 12:00      Jan 30 00:00      Jan 11-29  (19 days)
 *   3 in C         Jan 25 00:00      still active      Jan 26-31  (6 days)
 *   => 41 area-days under warning of 93.
 *
 *   outcome   area  covered by   lead
 *   Jan 5     A     1 (Jan 2)    3
 *   Jan 10    B     -  (2 raised that day)
 *   Jan 20    B     2 (Jan 10)   10
 *   Jan 25    C     -  (3 raised that instant)
 *   => POD 2/4, lift (2/4) / (41/93) = 93/82; Peirce 2/4 - 39/89 (41 area-days under warning, 2
 *   of them with an outcome; 89 area-days without); warning 3 saw no outcome: FAR 1/3; cost 3
 *   warnings / (3 areas x 31/7 weeks).
 */
const at = (iso: string) => Date.parse(iso)
const day = (d: number) => at(`2020-01-${String(d).padStart(2, '0')}T00:00:00Z`)
const period = { from: day(1), to: at('2020-02-01T00:00:00Z') }
const spell = (alertId: number, area: string, start: string, end: string): AreaSpell => ({ alertId, indicatorId: 'X', area, start: at(start), end: at(end) })
const spells = [
  spell(1, 'A', '2020-01-02T10:00:00Z', '2020-01-18T10:00:00Z'),
  spell(2, 'B', '2020-01-10T12:00:00Z', '2020-01-30T00:00:00Z'),
  spell(3, 'C', '2020-01-25T00:00:00Z', '2020-02-01T00:00:00Z'),
]
const outcome = (d: number, area: string | null): OutcomeEvent => ({ id: `${area}-${d}`, day: day(d), area })
const outcomes = [outcome(5, 'A'), outcome(10, 'B'), outcome(20, 'B'), outcome(25, 'C')]
const AREAS = ['A', 'B', 'C']
const none = { bootstrap: 0, seed: 1 }

describe('area-level scoring on a hand-made month', () => {
  const grid = buildGrid(AREAS, period, spells, outcomes)

  it('detections, lead times, time under warning, lift, Peirce, false alarms and cost per area-day', () => {
    const s = scoreGrid(grid, 'day', none)
    expect(s).toMatchObject({
      scale: 'day', areas: 3, steps: 93, outcomes: 4, detected: 2, probabilityOfDetection: 0.5,
      leadTimeDays: { median: 6.5, q1: 4.75, q3: 8.25 }, underWarning: 41, warnings: 3, falseAlarms: 1, liftInterval: null,
    })
    expect(s.timeUnderWarning).toBeCloseTo(41 / 93, 12)
    expect(s.lift).toBeCloseTo(93 / 82, 12)
    expect(s.peirce).toBeCloseTo(0.5 - 39 / 89, 12)
    expect(s.falseAlarmRatio).toBeCloseTo(1 / 3, 12)
    expect(s.warningsPerAreaWeek).toBeCloseTo(3 / (93 / 7), 12)
  })

  it('per area-week: a week is under warning when any of its days is, a hit when an outcome day of it was', () => {
    // Weeks from Jan 1: 1-7, 8-14, 15-21, 22-28, 29-31. A is warned in weeks 1-3, B in weeks 2-5,
    // C in weeks 4-5: 3 + 4 + 2 = 9 of 15 area-weeks. Outcomes: A week 1 (hit), B week 2 (Jan 10,
    // not covered: miss), B week 3 (hit), C week 4 (miss).
    const s = scoreGrid(grid, 'week', none)
    expect(s).toMatchObject({ scale: 'week', steps: 15, outcomes: 4, detected: 2, underWarning: 9, leadTimeDays: null })
    expect(s.lift).toBeCloseTo(0.5 / (9 / 15), 12)
    // 9 area-weeks under warning, 4 of them with an outcome (B week 2 and C week 4 were warned on other days): 5 quiet of 11.
    expect(s.peirce).toBeCloseTo(0.5 - 5 / 11, 12)
  })

  it('an outcome outside the period can vindicate a warning but is not scored', () => {
    const s = scoreGrid(buildGrid(AREAS, period, spells, [...outcomes, { id: 'C-feb', day: at('2020-02-01T00:00:00Z'), area: 'C' }]), 'day', none)
    // Warning 3 is cut at the period's end, so February does not vindicate it here.
    expect(s).toMatchObject({ outcomes: 4, falseAlarms: 1 })
  })

  it('spells by area follow the alert into the areas its inputs reach, and an unplaced alert warns every area', () => {
    const step = (alertId: number, iso: string, areas: string[], status: AlertStep['status'] = 'open', level: AlertStep['level'] = 'operational'): AlertStep =>
      ({ alertId, at: at(iso), level, grade: 'high', status, indicatorId: 'X', summary: '', areas })
    const got = areaSpells([
      step(1, '2020-01-02T00:00:00Z', ['A'], 'open', 'tactical'),
      step(1, '2020-01-03T00:00:00Z', ['A']),
      step(1, '2020-01-06T00:00:00Z', ['A', 'B']),
      step(2, '2020-01-07T00:00:00Z', []),
      step(1, '2020-01-09T00:00:00Z', ['A', 'B'], 'expired'),
    ], ['operational', 'strategic'], period.to, AREAS)
    expect(got.map((s) => [s.alertId, s.area, new Date(s.start).getUTCDate(), s.end === period.to ? 'open' : new Date(s.end).getUTCDate()])).toEqual([
      [1, 'A', 3, 9], [1, 'B', 6, 9], [2, 'A', 7, 'open'], [2, 'B', 7, 'open'], [2, 'C', 7, 'open'],
    ])
  })
})

describe('persistence baseline', () => {
  it('warns N days after each outcome in its area; an outcome while warned extends the warning', () => {
    // Outcomes in A on Jan 2, 4 and 11; N = 2: Jan 2 warns Jan 3-4, Jan 4 (still warned) extends it to Jan 6, Jan 11 warns Jan 12-13.
    const events = [outcome(2, 'A'), outcome(4, 'A'), outcome(11, 'A')]
    const got = persistenceSpells(events, 2)
    expect(got.map((s) => [s.area, new Date(s.start).toISOString().slice(0, 10), new Date(s.end).toISOString().slice(0, 10)]))
      .toEqual([['A', '2020-01-02', '2020-01-07'], ['A', '2020-01-11', '2020-01-14']])
    const s = scoreGrid(buildGrid(['A'], period, got, events), 'day', none)
    expect(s).toMatchObject({ outcomes: 3, detected: 1, leadTimeDays: { median: 2 }, underWarning: 6, warnings: 2, falseAlarms: 1 })
  })

  it('chooses N on the training period by the best Peirce score, the shorter on a tie', () => {
    // An outcome in A every 5 days (Jan 1, 6, ..., 31), B quiet. N < 5 detects none (Peirce < 0);
    // N = 5 detects the 6 after the first with every quiet day of A warned: Peirce 6/7 - 24/55;
    // longer N cannot warn more of the period: a tie, and the shorter wins.
    const events = [1, 6, 11, 16, 21, 26, 31].map((d) => outcome(d, 'A'))
    expect(choosePersistenceDays(['A', 'B'], period, events)).toBe(5)
    const s = scoreGrid(buildGrid(['A', 'B'], period, persistenceSpells(events, 5), events), 'day', none)
    expect(s.peirce).toBeCloseTo(6 / 7 - 24 / 55, 12)
  })
})

describe('random baseline (Monte Carlo, seeded)', () => {
  const ten = { from: day(1), to: day(11) }

  it('a warning on the one outcome day is matched by chance about one draw in ten (one day of ten warned)', () => {
    const grid = buildGrid(['A'], ten, [spell(1, 'A', '2020-01-03T00:00:00Z', '2020-01-04T12:00:00Z')], [outcome(4, 'A')])
    const r = randomBaseline(grid, 2000, 7)
    expect(r.detected).toBe(1)
    expect(r.pValue).toBeGreaterThan(0.08)
    expect(r.pValue).toBeLessThan(0.12)
    expect(r.probabilityOfDetection).toBeCloseTo(r.meanDetected, 12)
    // Seeded: the same seed gives the same figures, another seed others.
    expect(randomBaseline(grid, 2000, 7)).toEqual(r)
    expect(randomBaseline(grid, 2000, 8).pValue).not.toBe(r.pValue)
  })

  it('keeps each area its own time under warning: warned all the time, every draw detects every outcome (p = 1)', () => {
    const grid = buildGrid(['A', 'B'], ten, [spell(1, 'A', '2019-12-31T00:00:00Z', '2020-01-11T00:00:00Z')], [outcome(4, 'A'), outcome(5, 'A'), outcome(6, 'B')])
    const r = randomBaseline(grid, 100, 1)
    expect(r).toMatchObject({ detected: 2, meanDetected: 2, pValue: 1 })
    expect(r.probabilityOfDetection).toBeCloseTo(2 / 3, 12)
  })
})

describe('lift interval (bootstrap over days, seeded)', () => {
  it('brackets the lift and is the same for the same seed', () => {
    const tallies = Array.from({ length: 60 }, (_, i) => ({ outcomes: i % 6 === 0 ? 1 : 0, hits: i % 12 === 0 ? 1 : 0, underWarning: i % 3 === 0 ? 1 : 0, quietUnderWarning: 0, areas: 1 }))
    // 10 outcomes, 5 hits, 20 days under warning of 60: lift 0.5 / (1/3) = 1.5.
    const ci = liftInterval(tallies, 500, 3)!
    expect(ci[0]).toBeLessThan(1.5)
    expect(ci[1]).toBeGreaterThan(1.5)
    expect(liftInterval(tallies, 500, 3)).toEqual(ci)
    expect(liftInterval(tallies.map((t) => ({ ...t, outcomes: 0, hits: 0 })), 100, 3)).toBeNull()
  })
})
