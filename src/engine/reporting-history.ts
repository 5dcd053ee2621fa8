import type { StreamHistory, StreamKind } from '../alerts/reporting-gaps.js'
import { placeOf, type Report } from '../reports/report.js'

/**
 * What the reporting-gap watch reads: each stream (admin1 area, source channel) of a mission
 * with a report in the look-back before `now`, and its history over the look-back that ends at
 * its last report. In the service, SQL over the reports (storage/reporting-history-repo.ts); in
 * a replay, the reports the replay has taken (below). Both count by occurredAt.
 */
export interface ReportingHistory {
  streams(mission: string, now: number, lookbackMs: number): StreamHistory[]
}

const DAY = 86_400_000

interface Arrival {
  at: number
  area: string | null
  channel: string | null
}

/** The index of the first arrival after `t` in a list sorted by time. */
function firstAfter(list: readonly Arrival[], t: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid]!.at > t) hi = mid
    else lo = mid + 1
  }
  return lo
}

const nameOf = (a: Arrival, kind: StreamKind) => (kind === 'area' ? a.area : a.channel)

/**
 * A replay's reporting history: the active reports it has taken, per mission, by occurredAt.
 * A replay takes them in occurredAt order, so each mission's list stays sorted by appending.
 */
export class MemoryReportingHistory implements ReportingHistory {
  private readonly byMission = new Map<string, Arrival[]>()
  private readonly byId = new Map<string, { mission: string; arrival: Arrival }>()

  /** A report taken, revised (the old version goes) or retracted (`after` null). */
  changed(reportId: string, after: Report | null) {
    const old = this.byId.get(reportId)
    if (old) {
      const list = this.byMission.get(old.mission)!
      list.splice(list.indexOf(old.arrival), 1)
      this.byId.delete(reportId)
    }
    if (!after) return
    const place = placeOf(after)
    const channel = (after.source as { channel?: unknown } | undefined)?.channel
    const arrival: Arrival = { at: Date.parse(after.occurredAt), area: place.admin1 ?? null, channel: typeof channel === 'string' ? channel : null }
    const list = this.byMission.get(after.mission) ?? []
    this.byMission.set(after.mission, list)
    let i = list.length
    while (i > 0 && list[i - 1]!.at > arrival.at) i--
    list.splice(i, 0, arrival)
    this.byId.set(reportId, { mission: after.mission, arrival })
  }

  streams(mission: string, now: number, lookbackMs: number): StreamHistory[] {
    const list = this.byMission.get(mission) ?? []
    const recent: Arrival[] = []
    for (let i = firstAfter(list, now - 2 * lookbackMs); i < list.length && list[i]!.at <= now; i++) recent.push(list[i]!)
    const out: StreamHistory[] = []
    for (const kind of ['area', 'channel'] as const) {
      const last = new Map<string, number>()
      for (const a of recent) {
        const name = nameOf(a, kind)
        if (name !== null && a.at > now - lookbackMs) last.set(name, Math.max(last.get(name) ?? -Infinity, a.at))
      }
      for (const name of [...last.keys()].sort()) {
        const lastAt = last.get(name)!
        const within = recent.filter((a) => nameOf(a, kind) === name && a.at > lastAt - lookbackMs && a.at <= lastAt)
        const days = new Set(within.map((a) => Math.floor(a.at / DAY)))
        out.push({ mission, kind, name, lastAt, firstAt: Math.min(...within.map((a) => a.at)), reports: within.length, reportingDays: days.size })
      }
    }
    return out
  }
}
