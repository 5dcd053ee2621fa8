import { describe, expect, it } from 'vitest'
import { DEFAULT_GAP_POLICY, gapSentence, nextGapChange, openGaps, type StreamHistory } from '../../src/alerts/reporting-gaps.js'

const DAY = 86_400_000
const T0 = Date.parse('2026-03-01T00:00:00Z')

/** An area that reported on 31 days, one a day, the last on 31 March. */
const daily: StreamHistory = { mission: 'MINUSCA', kind: 'area', name: 'Ouaka', firstAt: T0, lastAt: T0 + 30 * DAY, reports: 40, reportingDays: 31 }
/** A channel that reported weekly for ten weeks. */
const weekly: StreamHistory = { mission: 'MINUSCA', kind: 'channel', name: 'unpol', firstAt: T0, lastAt: T0 + 63 * DAY, reports: 10, reportingDays: 10 }
/** An area that reported on five days only: not one that usually reports. */
const rare: StreamHistory = { mission: 'MINUSCA', kind: 'area', name: 'Vakaga', firstAt: T0, lastAt: T0 + 10 * DAY, reports: 12, reportingDays: 5 }

describe('the reporting-gap watch (pure)', () => {
  it('a daily reporter silent for more than three days (the floor is two) opens a tactical medium gap; twice that is high', () => {
    const at = (d: number) => openGaps([daily], daily.lastAt + d * DAY)
    expect(at(3)).toEqual([])
    expect(at(3.1)).toEqual([expect.objectContaining({ identity: 'DATA.GAP|MINUSCA|area=Ouaka', level: 'tactical', grade: 'medium', expectedWithinMs: 3 * DAY, usualIntervalMs: DAY })])
    expect(at(6.1)[0]!.grade).toBe('high')
    // Silent for the whole look-back: no longer expected to report, so no gap any more.
    expect(at(90)).toEqual([])
  })

  it('a weekly channel is missed after three weeks, at the operational level; a stream reporting on fewer than 8 days is not watched', () => {
    expect(openGaps([weekly, rare], weekly.lastAt + 20 * DAY)).toEqual([])
    expect(openGaps([weekly, rare], weekly.lastAt + 22 * DAY)).toEqual([expect.objectContaining({ kind: 'channel', name: 'unpol', level: 'operational', grade: 'medium' })])
    expect(openGaps([rare], rare.lastAt + 80 * DAY)).toEqual([])
    expect(DEFAULT_GAP_POLICY.minReportingDays).toBe(8)
  })

  it('says when its answer next changes with no new report: the opening, the doubling, the end of the look-back', () => {
    const opening = daily.lastAt + 3 * DAY + 1
    expect(nextGapChange([daily, rare], daily.lastAt)).toBe(opening)
    expect(openGaps([daily], opening)).toHaveLength(1)
    expect(openGaps([daily], opening - 1)).toHaveLength(0)
    expect(nextGapChange([daily], opening)).toBe(daily.lastAt + 6 * DAY + 1)
    expect(nextGapChange([daily], daily.lastAt + 7 * DAY)).toBe(daily.lastAt + 90 * DAY)
    expect(nextGapChange([rare], rare.lastAt)).toBeNull()
  })

  it('reads in words, the same sentence for as long as the silence lasts', () => {
    const [g] = openGaps([daily], daily.lastAt + 4 * DAY)
    expect(gapSentence(g!)).toBe('No reports from Ouaka since 2026-03-31 00:00 UTC, longer than the 3 days expected: it usually reports every 1 day (40 reports on 31 days in the 30 days before)')
    expect(gapSentence(openGaps([daily], daily.lastAt + 5 * DAY)[0]!)).toBe(gapSentence(g!))
    expect(gapSentence(openGaps([weekly], weekly.lastAt + 22 * DAY)[0]!)).toMatch(/^No reports through the unpol channel since /)
  })
})
