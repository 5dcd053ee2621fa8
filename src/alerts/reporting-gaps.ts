import type { Grade, Level } from './levels.js'

/**
 * The reporting-gap watch (issue 18, section 4): silence is not calm. A mission's area, or one of
 * its source channels, that usually reports and then goes quiet for longer than its own history
 * says it should, is a warning in its own right (family DATA.GAP): the patrols may have stopped,
 * the radio may be down, the focal point may have left. Pure: given each stream's history up to
 * its last report, and now, it says which gaps are open and when the answer next changes.
 */

export const DATA_GAP_INDICATOR = 'DATA.GAP'
export const DATA_GAP_FAMILY = 'DATA'

/** What a stream is: an admin1 area of a mission, or a source channel of a mission. */
export type StreamKind = 'area' | 'channel'

/** One stream's history over the look-back that ends at its last report (not at now). */
export interface StreamHistory {
  mission: string
  kind: StreamKind
  /** The area's canonical admin1 name, or the channel's name. */
  name: string
  /** The last report's occurredAt (epoch ms), at or before now. */
  lastAt: number
  /** The first report's occurredAt within the look-back that ends at lastAt. */
  firstAt: number
  /** Reports within that look-back. */
  reports: number
  /** Distinct UTC days with at least one report within that look-back. */
  reportingDays: number
}

export interface GapPolicy {
  /** How far back the usual rate is learned, and how long a silent stream is still watched. */
  lookbackMs: number
  /** A stream "usually reports" when it reported on at least this many days of its look-back. */
  minReportingDays: number
  /** Silence longer than this many usual intervals is a gap. */
  factor: number
  /** Never a gap before this much silence, however often the stream reports. */
  minSilenceMs: number
}

const DAY = 86_400_000

/**
 * The defaults: learned over 90 days; a stream reporting on 8 days or more of them is watched; a
 * gap opens after three usual intervals of silence and never before two days (a daily reporter
 * is missed after three days; a weekly one after three weeks). Twice that is grade high.
 */
export const DEFAULT_GAP_POLICY: GapPolicy = Object.freeze({ lookbackMs: 90 * DAY, minReportingDays: 8, factor: 3, minSilenceMs: 2 * DAY })

export interface ReportingGap {
  mission: string
  kind: StreamKind
  name: string
  /** `DATA.GAP|MINUSCA|area=Ouaka`: one alert per stream and silence. */
  identity: string
  level: Level
  grade: Grade
  lastAt: number
  firstAt: number
  reports: number
  reportingDays: number
  /** The stream's usual time between reporting days. */
  usualIntervalMs: number
  /** The silence it may keep before a gap opens. */
  expectedWithinMs: number
  silentForMs: number
}

/** An area's gap is for the sector (tactical); a channel that stops across the mission is the mission's (operational). */
const LEVEL_OF: Record<StreamKind, Level> = { area: 'tactical', channel: 'operational' }

export function gapIdentity(mission: string, kind: StreamKind, name: string): string {
  return `${DATA_GAP_INDICATOR}|${mission}|${kind}=${name}`
}

/** The mean time between a stream's reporting days. */
export function usualIntervalMs(s: StreamHistory): number {
  return s.reportingDays > 1 ? (s.lastAt - s.firstAt) / (s.reportingDays - 1) : Infinity
}

/** The silence a stream may keep, or null when it does not usually report (not watched). */
export function expectedWithinMs(s: StreamHistory, policy: GapPolicy): number | null {
  if (s.reportingDays < policy.minReportingDays) return null
  return Math.max(policy.minSilenceMs, policy.factor * usualIntervalMs(s))
}

/**
 * The gaps open at `now`: streams that usually report, silent for longer than expected, and not
 * yet silent for the whole look-back (by then the stream is no longer expected to report).
 */
export function openGaps(streams: readonly StreamHistory[], now: number, policy: GapPolicy = DEFAULT_GAP_POLICY): ReportingGap[] {
  const out: ReportingGap[] = []
  for (const s of streams) {
    const expected = expectedWithinMs(s, policy)
    const silent = now - s.lastAt
    if (expected === null || silent <= expected || silent >= policy.lookbackMs) continue
    out.push({
      mission: s.mission, kind: s.kind, name: s.name, identity: gapIdentity(s.mission, s.kind, s.name),
      level: LEVEL_OF[s.kind], grade: silent > 2 * expected ? 'high' : 'medium',
      lastAt: s.lastAt, firstAt: s.firstAt, reports: s.reports, reportingDays: s.reportingDays,
      usualIntervalMs: usualIntervalMs(s), expectedWithinMs: expected, silentForMs: silent,
    })
  }
  return out.sort((a, b) => (a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0))
}

/**
 * The first moment after `now` at which the open gaps change if no report arrives: a gap opens,
 * turns high, or ends at the end of the look-back. Null when nothing is watched. A report that
 * arrives can only close a gap, or open one no sooner than minSilence after it.
 */
export function nextGapChange(streams: readonly StreamHistory[], now: number, policy: GapPolicy = DEFAULT_GAP_POLICY): number | null {
  let next: number | null = null
  for (const s of streams) {
    const expected = expectedWithinMs(s, policy)
    if (expected === null) continue
    // A gap opens once the silence is longer than expected: the first millisecond past it.
    for (const t of [s.lastAt + expected + 1, s.lastAt + 2 * expected + 1, s.lastAt + policy.lookbackMs]) {
      if (t > now && (next === null || t < next)) next = t
    }
  }
  return next
}

const days = (ms: number) => {
  const d = ms / DAY
  return d >= 10 ? String(Math.round(d)) : String(Math.round(d * 10) / 10)
}
const plural = (text: string, one: string, many: string) => `${text} ${text === '1' ? one : many}`

/** The sentence a duty officer reads; stable while the gap lasts, so a check writes nothing new. */
export function gapSentence(g: ReportingGap): string {
  const from = g.kind === 'area' ? `from ${g.name}` : `through the ${g.name} channel`
  const since = new Date(g.lastAt).toISOString().slice(0, 16).replace('T', ' ')
  return `No reports ${from} since ${since} UTC, longer than the ${plural(days(g.expectedWithinMs), 'day', 'days')} expected: `
    + `it usually reports every ${plural(days(g.usualIntervalMs), 'day', 'days')} `
    + `(${g.reports} reports on ${g.reportingDays} days in the ${days(historySpanMs(g))} days before)`
}

/** What the learned history spans: from its first report to its last (a day at least). */
function historySpanMs(g: ReportingGap): number {
  return Math.max(DAY, g.lastAt - g.firstAt)
}

/** The facts the alert carries (days, rounded to a tenth), for filters, exports and messages. */
export function gapFacts(g: ReportingGap): Record<string, number> {
  const tenth = (ms: number) => Math.round((ms / DAY) * 10) / 10
  return {
    count: g.reports, reportingDays: g.reportingDays, silentDays: tenth(g.silentForMs),
    expectedDays: tenth(g.expectedWithinMs), usualIntervalDays: tenth(g.usualIntervalMs),
  }
}
