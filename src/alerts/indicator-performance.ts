import { DISPOSITIONS, type Disposition } from './alert.js'

/**
 * How an indicator's alerts were handled, for HQ's periodic review: how many were raised, how
 * fast they were acknowledged and acted on, how many went overdue and how they turned out.
 * Pure: the rows come from storage, the figures are computed here.
 */

/** One alert as the review sees it (times in epoch ms). */
export interface AlertFollowUpRow {
  alertId: number
  indicatorId: string
  mission: string
  raisedAt: number
  /** The first acknowledgement (a re-acknowledgement after an escalation does not count). */
  acknowledgedAt: number | null
  /** When the first recorded action started. */
  firstActionAt: number | null
  /** Whether it was ever overdue (acknowledgement or action). */
  overdue: boolean
  disposition: Disposition | null
  /** The channels of the reports behind it (`unspecified` for those naming none). */
  channels?: readonly string[]
}

export interface Spread {
  /** How many alerts the figure covers. */
  n: number
  /** Minutes; null when no alert has the figure. */
  median: number | null
  p90: number | null
}

export interface PerformanceFigures {
  alerts: number
  timeToAcknowledge: Spread
  timeToFirstAction: Spread
  overdue: { count: number; share: number | null }
  dispositions: Record<Disposition | 'none', number>
  /** Of the alerts resolved with a disposition, the share judged false alarms. */
  falseAlarmShare: number | null
}

/** When the review flags an indicator. Shares below `minAlerts` alerts say too little to flag. */
export const REVIEW_THRESHOLDS = { falseAlarmShare: 0.5, overdueShare: 0.3, minAlerts: 3 }

/**
 * The median (the mean of the two middle values for an even count) and the 90th percentile by
 * nearest rank (the smallest value with at least 90% of the values at or below it), in minutes.
 */
export function spread(valuesMs: readonly number[]): Spread {
  const v = [...valuesMs].sort((a, b) => a - b).map((ms) => ms / 60_000)
  const n = v.length
  if (n === 0) return { n, median: null, p90: null }
  const median = n % 2 === 1 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2
  return { n, median: round(median), p90: round(v[Math.ceil(0.9 * n) - 1]!) }
}

const round = (x: number) => Math.round(x * 100) / 100
const share = (k: number, n: number) => (n === 0 ? null : round(k / n))

/** The figures over a set of alerts. An action started before the alert counts as immediate. */
export function performanceOf(rows: readonly AlertFollowUpRow[]): PerformanceFigures {
  const dispositions = Object.fromEntries([...DISPOSITIONS, 'none'].map((d) => [d, 0])) as PerformanceFigures['dispositions']
  for (const r of rows) dispositions[r.disposition ?? 'none']++
  const judged = rows.length - dispositions.none
  const overdue = rows.filter((r) => r.overdue).length
  return {
    alerts: rows.length,
    timeToAcknowledge: spread(rows.flatMap((r) => (r.acknowledgedAt === null ? [] : [Math.max(0, r.acknowledgedAt - r.raisedAt)]))),
    timeToFirstAction: spread(rows.flatMap((r) => (r.firstActionAt === null ? [] : [Math.max(0, r.firstActionAt - r.raisedAt)]))),
    overdue: { count: overdue, share: share(overdue, rows.length) },
    dispositions,
    falseAlarmShare: share(dispositions['false-alarm'], judged),
  }
}

/** Why an indicator deserves a look at the review, if it does. */
export function reviewFlags(f: PerformanceFigures, t = REVIEW_THRESHOLDS): string[] {
  if (f.alerts < t.minAlerts) return []
  const flags: string[] = []
  if (f.falseAlarmShare !== null && f.falseAlarmShare >= t.falseAlarmShare) flags.push(`false alarms ${pct(f.falseAlarmShare)} of judged alerts (>= ${pct(t.falseAlarmShare)})`)
  if (f.overdue.share !== null && f.overdue.share >= t.overdueShare) flags.push(`overdue ${pct(f.overdue.share)} of alerts (>= ${pct(t.overdueShare)})`)
  return flags
}

const pct = (x: number) => `${Math.round(x * 100)}%`

/** The figures for an indicator: all missions together, and each mission alone. */
export function indicatorPerformance(rows: readonly AlertFollowUpRow[], t = REVIEW_THRESHOLDS) {
  const missions = [...new Set(rows.map((r) => r.mission))].sort()
  const total = performanceOf(rows)
  return {
    ...total,
    flags: reviewFlags(total, t),
    byMission: missions.map((m) => ({ mission: m, ...performanceOf(rows.filter((r) => r.mission === m)) })),
  }
}
