import { describe, expect, it } from 'vitest'
import { warningsOf, type AlertStep } from '../../src/backtest/warnings.js'

const t = (day: number, hour = 0) => Date.UTC(2020, 0, day, hour)
const step = (alertId: number, at: number, level: AlertStep['level'], status: AlertStep['status'], grade: AlertStep['grade'] = 'high'): AlertStep =>
  ({ alertId, at, level, status, grade, indicatorId: `IND-${alertId}`, summary: `alert ${alertId}` })

describe('warnings from alert changes', () => {
  const steps = [
    step(1, t(1), 'tactical', 'open', 'medium'),
    step(2, t(2), 'operational', 'open'),
    step(1, t(3), 'operational', 'open'), // escalated
    step(1, t(4), 'operational', 'acknowledged'), // still active
    step(1, t(5), 'strategic', 'open', 'critical'), // escalated again
    step(2, t(6), 'operational', 'expired'),
    step(1, t(9), 'strategic', 'resolved', 'critical'),
    step(3, t(8), 'tactical', 'open'),
  ]
  const end = t(10)

  it('splits an escalated alert at each level it held, from reaching the level to leaving it', () => {
    expect(warningsOf(steps, ['tactical'], end).map((w) => [w.alertId, w.start, w.end, w.open])).toEqual([
      [1, t(1), t(3), false], [3, t(8), end, true],
    ])
    expect(warningsOf(steps, ['operational'], end).map((w) => [w.alertId, w.start, w.end])).toEqual([
      [2, t(2), t(6)], [1, t(3), t(5)],
    ])
  })

  it('keeps one warning across levels that are all of interest (operational or higher)', () => {
    expect(warningsOf(steps, ['operational', 'strategic'], end).map((w) => [w.alertId, w.level, w.grade, w.start, w.end])).toEqual([
      [2, 'operational', 'high', t(2), t(6)], [1, 'operational', 'high', t(3), t(9)],
    ])
  })

  it('cuts a still-active warning at the end of the period', () => {
    expect(warningsOf(steps, ['tactical', 'operational', 'strategic'], end).find((w) => w.alertId === 3)).toMatchObject({ start: t(8), end, open: true })
  })
})
