import { describe, expect, it } from 'vitest'
import { coveredDays, quantile, score } from '../../src/backtest/scoring.js'
import type { Warning } from '../../src/backtest/warnings.js'
import type { FatalIncident } from '../../src/backtest/outcomes.js'

/**
 * A hand-made month whose right answers are known by construction. Period: January 2020, 31 days.
 *
 *   warning  raised            ended             covers the 00:00 of
 *   D        2019-12-25 00:00  2020-01-02 12:00  Jan 1, 2 (raised before the period: not counted as raised)
 *   A        2020-01-03 12:00  2020-01-08 06:00  Jan 4-8
 *   B        2020-01-06 00:00  2020-01-10 00:00  Jan 7-9 (not Jan 6: raised that day; not Jan 10: ended at its 00:00)
 *   F        2020-01-12 00:00  2020-01-15 00:00  Jan 13, 14
 *   C        2020-01-20 09:00  2020-01-20 18:00  none (raised and ended within a day)
 *   E        2020-01-28 00:00  still active      Jan 29-31
 *   => 13 days under warning: Jan 1, 2, 4-9, 13, 14, 29-31.
 *
 *   incident  covered by (earliest)  lead
 *   Jan 2     D (Dec 25)             8
 *   Jan 3     -  (A raised that day)
 *   Jan 7     A (Jan 3), B           4
 *   Jan 9     B (Jan 6)              3
 *   Jan 20    -  (C raised that day)
 *   Jan 31    E (Jan 28)             3
 *   Feb 15    outside the period: not scored, but it can vindicate a warning
 *   => 4 of 6 detected; leads 3, 3, 4, 8: median 3.5, quartiles 3 and 5 (linear interpolation).
 *
 * False alarms among A, B, C, E, F (raised in the period): with 30 days after, none (F is
 * vindicated by Jan 20); with 5 days after, F (its window ends at Jan 20 00:00, the incident's
 * day begins just then: outside). C saw the Jan 20 incident while active, so it is no false
 * alarm although it detected nothing.
 */

const at = (iso: string) => Date.parse(iso)
const w = (id: string, start: string, end: string, open = false): Warning =>
  ({ alertId: id.charCodeAt(0), indicatorId: id, level: 'operational', grade: 'high', summary: id, start: at(start), end: at(end), open })
const warnings = [
  w('D', '2019-12-25T00:00:00Z', '2020-01-02T12:00:00Z'),
  w('A', '2020-01-03T12:00:00Z', '2020-01-08T06:00:00Z'),
  w('B', '2020-01-06T00:00:00Z', '2020-01-10T00:00:00Z'),
  w('F', '2020-01-12T00:00:00Z', '2020-01-15T00:00:00Z'),
  w('C', '2020-01-20T09:00:00Z', '2020-01-20T18:00:00Z'),
  w('E', '2020-01-28T00:00:00Z', '2020-02-01T00:00:00Z', true),
]
const incident = (date: string, fatalities = 1): FatalIncident => ({ date, day: at(`${date}T00:00:00Z`), fatalities })
const incidents = [incident('2020-01-02'), incident('2020-01-03', 2), incident('2020-01-07'), incident('2020-01-09'), incident('2020-01-20'), incident('2020-01-31'), incident('2020-02-15')]
const period = { from: at('2020-01-01T00:00:00Z'), to: at('2020-02-01T00:00:00Z') }

describe('backtest scoring on a hand-made month', () => {
  const s = score(warnings, incidents, period, { falseAlarmDays: 30 })

  it('detections and lead times', () => {
    expect(s.perIncident).toEqual([
      { date: '2020-01-02', fatalities: 1, leadDays: 8 },
      { date: '2020-01-03', fatalities: 2, leadDays: null },
      { date: '2020-01-07', fatalities: 1, leadDays: 4 },
      { date: '2020-01-09', fatalities: 1, leadDays: 3 },
      { date: '2020-01-20', fatalities: 1, leadDays: null },
      { date: '2020-01-31', fatalities: 1, leadDays: 3 },
    ])
    expect(s).toMatchObject({ incidents: 6, detected: 4, probabilityOfDetection: 4 / 6, leadTimeDays: { median: 3.5, q1: 3, q3: 5 } })
  })

  it('time under warning and lift', () => {
    expect(s).toMatchObject({ days: 31, daysUnderWarning: 13, timeUnderWarning: 13 / 31 })
    expect(s.lift).toBeCloseTo((4 / 6) / (13 / 31), 12)
  })

  it('false alarms: none within 30 days; with 5 days, the one warning no incident followed closely', () => {
    expect(s).toMatchObject({ warnings: 5, falseAlarms: 0, falseAlarmRatio: 0 })
    expect(score(warnings, incidents, period, { falseAlarmDays: 5 })).toMatchObject({ warnings: 5, falseAlarms: 1, falseAlarmRatio: 0.2 })
  })

  it('without an outcome list, only warnings and time under warning', () => {
    expect(score(warnings, null, period, { falseAlarmDays: 30 })).toMatchObject({
      warnings: 5, incidents: 0, detected: 0, probabilityOfDetection: null, leadTimeDays: null,
      daysUnderWarning: 13, lift: null, falseAlarms: null, falseAlarmRatio: null,
    })
  })

  it('no warnings at all: nothing detected, no time under warning, no lift', () => {
    expect(score([], incidents, period, { falseAlarmDays: 30 })).toMatchObject({
      warnings: 0, detected: 0, probabilityOfDetection: 0, timeUnderWarning: 0, lift: null, falseAlarmRatio: null,
    })
  })

  it('covered days: the 00:00s after the raise day up to the last one before the end', () => {
    const day = (iso: string) => Math.floor(at(iso) / 86_400_000)
    expect(coveredDays(warnings[2]!)).toEqual({ first: day('2020-01-07T00:00:00Z'), last: day('2020-01-09T00:00:00Z') })
    expect(coveredDays(warnings[4]!)).toEqual({ first: day('2020-01-21T00:00:00Z'), last: day('2020-01-20T00:00:00Z') })
  })

  it('quantiles interpolate linearly', () => {
    expect([0, 0.25, 0.5, 0.75, 1].map((p) => quantile([3, 3, 4, 8], p))).toEqual([3, 3, 3.5, 5, 8])
    expect(quantile([7], 0.5)).toBe(7)
  })
})
