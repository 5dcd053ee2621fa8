import type { Warning } from './warnings.js'
import type { FatalIncident } from './outcomes.js'

/**
 * Scores warnings against fatal incidents. Pure functions; days are UTC calendar days.
 *
 * - A day is **under warning** when a warning that began on an earlier day is still active at
 *   its 00:00 UTC: the warning was raised at least one day before anything that happened that
 *   day. (An alert raised and ended within one day covers no day.)
 * - An incident is **detected** when its day is under warning. Its **lead time** is its date
 *   minus the raise date of the earliest such warning, in whole days (1 or more).
 * - **Time under warning**: the share of the period's days that are under warning: the chance
 *   that an incident on a random day counts as detected. **Lift** = detection / time under
 *   warning, so 1.0 is no better than chance.
 * - A warning raised in the period is a **false alarm** when no fatal incident falls on a day
 *   it was active, or within `falseAlarmDays` after it ended (still-active warnings end with
 *   the period). Every incident of the outcome list counts here, also those after the period.
 */

export const DAY_MS = 86_400_000

/** [from, to): day-aligned epoch ms. */
export interface Period {
  from: number
  to: number
}

export interface Spread {
  median: number
  q1: number
  q3: number
}

export interface Score {
  /** Warnings raised in the period. */
  warnings: number
  incidents: number
  detected: number
  probabilityOfDetection: number | null
  /** Lead times of the detected incidents, in days. */
  leadTimeDays: Spread | null
  days: number
  daysUnderWarning: number
  timeUnderWarning: number | null
  lift: number | null
  /** Null without an outcome list: nothing to judge a warning by. */
  falseAlarms: number | null
  falseAlarmRatio: number | null
  /** Per incident in the period: its lead time in days, or null when missed. */
  perIncident: { date: string; fatalities: number; leadDays: number | null }[]
}

export interface ScoreOptions {
  falseAlarmDays: number
}

const dayNumber = (t: number) => Math.floor(t / DAY_MS)

/** The quantile `p` of sorted values, interpolated linearly between neighbours (numpy's default). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('quantile of nothing')
  const pos = (sorted.length - 1) * p
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  return { median: quantile(s, 0.5), q1: quantile(s, 0.25), q3: quantile(s, 0.75) }
}

/**
 * The first and last day (day numbers, inclusive) whose 00:00 a warning covers: days after the
 * one it began on, up to the last 00:00 before it ended.
 */
export function coveredDays(w: Pick<Warning, 'start' | 'end'>): { first: number; last: number } {
  return { first: dayNumber(w.start) + 1, last: Math.ceil(w.end / DAY_MS) - 1 }
}

/**
 * For every day of the period, the earliest raise time among the warnings covering it (or
 * null): which days are under warning, and the lead time an incident that day would get.
 */
export function earliestCover(warnings: readonly Warning[], period: Period): (number | null)[] {
  const base = dayNumber(period.from)
  const cover: (number | null)[] = new Array(dayNumber(period.to) - base).fill(null)
  for (const w of warnings) {
    const { first, last } = coveredDays(w)
    for (let d = Math.max(first, base); d <= Math.min(last, base + cover.length - 1); d++) {
      const c = cover[d - base]
      if (c === null || c === undefined || w.start < c) cover[d - base] = w.start
    }
  }
  return cover
}

function isFalseAlarm(w: Warning, incidentDays: readonly number[], afterMs: number): boolean {
  // An incident day [d, d + 1 day) overlapping [start, end + after) saw the warning come true.
  return !incidentDays.some((d) => d + DAY_MS > w.start && d < w.end + afterMs)
}

/**
 * Scores one level's warnings against the incidents over the period. Without an outcome list
 * (`incidents` null) only the warnings and the time under warning are measured.
 */
export function score(warnings: readonly Warning[], incidents: readonly FatalIncident[] | null, period: Period, opts: ScoreOptions): Score {
  const cover = earliestCover(warnings, period)
  const base = dayNumber(period.from)
  const inPeriod = (incidents ?? []).filter((i) => i.day >= period.from && i.day < period.to)
  const perIncident = inPeriod.map((i) => {
    const raised = cover[dayNumber(i.day) - base] ?? null
    return { date: i.date, fatalities: i.fatalities, leadDays: raised === null ? null : dayNumber(i.day) - dayNumber(raised) }
  })
  const leads = perIncident.map((i) => i.leadDays).filter((d): d is number => d !== null)
  const raised = warnings.filter((w) => w.start >= period.from && w.start < period.to)
  const incidentDays = (incidents ?? []).map((i) => i.day)
  const falseAlarms = incidents ? raised.filter((w) => isFalseAlarm(w, incidentDays, opts.falseAlarmDays * DAY_MS)).length : null
  const daysUnderWarning = cover.filter((c) => c !== null).length
  const pod = inPeriod.length > 0 ? leads.length / inPeriod.length : null
  const tuw = cover.length > 0 ? daysUnderWarning / cover.length : null
  return {
    warnings: raised.length,
    incidents: inPeriod.length,
    detected: leads.length,
    probabilityOfDetection: pod,
    leadTimeDays: spread(leads),
    days: cover.length,
    daysUnderWarning,
    timeUnderWarning: tuw,
    lift: pod !== null && tuw ? pod / tuw : null,
    falseAlarms,
    falseAlarmRatio: falseAlarms !== null && raised.length > 0 ? falseAlarms / raised.length : null,
    perIncident,
  }
}
