import type { AlertScope, AlertState } from '../alerts/alert.js'
import { rank } from '../alerts/levels.js'
import {
  DATA_GAP_FAMILY, DATA_GAP_INDICATOR, DEFAULT_GAP_POLICY, gapFacts, gapSentence, nextGapChange, openGaps,
  type GapPolicy, type ReportingGap, type StreamHistory,
} from '../alerts/reporting-gaps.js'
import type { RuleSet } from '../rules/rule-set.js'
import type { AlertChange } from './alert-change.js'
import type { AlertWriter, Pass } from './alert-writer.js'
import type { AlertStore } from './engine-stores.js'
import type { ReportingHistory } from './reporting-history.js'

export interface GapWatchDeps {
  history: ReportingHistory
  alerts: AlertStore
  writer: AlertWriter
  rules: () => RuleSet
  missions: readonly string[]
  policy?: GapPolicy
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Where a gap applies: an area gap is in its admin1 (so area filters, keys and silences see it); a channel gap is mission-wide. */
function scopeOf(g: ReportingGap): AlertScope {
  if (g.kind === 'channel') return { mission: g.mission, groupBy: { channel: g.name } }
  return { mission: g.mission, groupBy: { admin1: g.name }, admin1: g.name, areas: [{ level: 1, name: g.name }] }
}

/**
 * Runs the reporting-gap watch (src/alerts/reporting-gaps.ts) against the stored reports and
 * keeps its DATA.GAP alerts in step: raised when a stream that usually reports falls silent for
 * longer than expected, escalated to high when the silence doubles, expired with the reason when
 * reports resume or the stream has been silent for the whole look-back. Every call runs in the
 * caller's write transaction (the write queue): the live service calls `check` on the expiry
 * timer; a replay calls `dueBy` and `check` as its clock moves, so it sees the same alerts.
 */
export function createGapWatch(deps: GapWatchDeps) {
  const { history, alerts, writer } = deps
  const policy = deps.policy ?? DEFAULT_GAP_POLICY
  /** After the last check: when its answer changes with no new report, and whether any gap was open. */
  let next: number | null = null
  let anyOpen = false
  /** Replays: the earliest moment a report may have arrived since the last check. */
  let reportsFrom: number | null = null

  function streams(now: number): StreamHistory[] {
    return deps.missions.flatMap((m) => history.streams(m, now, policy.lookbackMs))
  }

  function alertOf(pass: Pass, g: ReportingGap): AlertState {
    const at = pass.now
    return {
      id: 0, identity: g.identity, indicatorId: DATA_GAP_INDICATOR, indicatorVersion: 1, ruleSetVersion: pass.set.version,
      mission: g.mission, taxonomy: [DATA_GAP_INDICATOR], topCategory: DATA_GAP_FAMILY,
      level: g.level, grade: g.grade, rank: rank(g.level, g.grade), status: 'open', statusReason: null,
      // Measured on the mission's own reports, not inferred from a source's word.
      confidence: 'high', trend: null, scope: scopeOf(g), windowMs: policy.lookbackMs,
      count: g.reports, facts: gapFacts(g),
      explanation: { all: [{ fact: 'silentDays', operator: 'greaterThan', value: gapFacts(g).expectedDays, factResult: gapFacts(g).silentDays, result: true }] },
      summary: gapSentence(g), firstSeen: g.firstAt, lastSeen: g.lastAt, anchorAt: at, raisedAt: at, updatedAt: at,
      // The watch ends it at the end of the look-back; the expiry sweep only if the watch stopped running.
      expiresAt: g.lastAt + policy.lookbackMs + 86_400_000,
      seq: 0, silenced: false, inhibited: false, acknowledgedBy: null, acknowledgedAt: null, resolvedBy: null, resolvedAt: null,
    }
  }

  function open(pass: Pass, g: ReportingGap) {
    const existing = alerts.activeByIdentity(g.identity)
    const fresh = alertOf(pass, g)
    if (!existing) {
      writer.save(pass, fresh, 'raised', `no reports ${g.kind === 'area' ? 'from' : 'through'} ${g.name} since ${iso(g.lastAt)}`, [])
      return
    }
    if (existing.grade === g.grade && existing.lastSeen === g.lastAt) return
    const kind = fresh.rank > existing.rank ? 'escalated' : fresh.rank < existing.rank ? 'downgraded' : 'updated'
    const { id, raisedAt, status, statusReason, seq, silenced, inhibited, acknowledgedBy, acknowledgedAt, resolvedBy, resolvedAt } = existing
    writer.save(pass, {
      ...existing, ...fresh, id, raisedAt, seq, silenced, inhibited, acknowledgedBy, acknowledgedAt, resolvedBy, resolvedAt,
      // A worse gap re-opens an acknowledged alert, as an escalation of any alert does.
      ...(kind === 'escalated' && status === 'acknowledged' ? { status: 'open' as const, statusReason: 'escalated after acknowledgement' } : { status, statusReason }),
    }, kind, `silent for ${gapFacts(g).silentDays} days (${gapFacts(g).expectedDays} expected)`, [])
  }

  function close(pass: Pass, a: AlertState, now: StreamHistory | undefined) {
    const reason = now && now.lastAt > a.lastSeen
      ? `reports resumed: the last at ${iso(now.lastAt)}`
      : `silent for the whole look-back (${Math.round(policy.lookbackMs / 86_400_000)} days): no longer expected to report`
    writer.save(pass, { ...a, status: 'expired', statusReason: reason, updatedAt: pass.now }, 'expired', reason, [])
  }

  return {
    /** Brings the DATA.GAP alerts in step with the reports at `now`; returns the changes. */
    check(now: number): AlertChange[] {
      const all = streams(now)
      const gaps = openGaps(all, now, policy)
      const byIdentity = new Map(gaps.map((g) => [g.identity, g]))
      const streamOf = new Map(all.map((s) => [`${DATA_GAP_INDICATOR}|${s.mission}|${s.kind}=${s.name}`, s]))
      let pass: Pass | null = null
      const inPass = () => (pass ??= writer.newPass(deps.rules(), now))
      for (const mission of deps.missions) {
        for (const view of alerts.activeFamily(mission, DATA_GAP_FAMILY)) {
          const a = alerts.get(view.id)!
          if (a.indicatorId === DATA_GAP_INDICATOR && !byIdentity.has(a.identity)) close(inPass(), a, streamOf.get(a.identity))
        }
      }
      for (const g of gaps) open(inPass(), g)
      const done = pass as Pass | null
      if (done) writer.settle(done)
      next = nextGapChange(all, now, policy)
      anyOpen = gaps.length > 0
      reportsFrom = null
      return done?.changes ?? []
    },

    /**
     * For a replay moving its clock to `t`: the first moment up to `t` at which a check is due,
     * or undefined. Due: when the last check's answer changes by itself; when reports arrived
     * since, at once if a gap is open (they may close it), else no sooner than the shortest
     * silence after them (only then may they open one).
     */
    dueBy(t: number): number | undefined {
      const due = [next, reportsFrom === null ? null : anyOpen ? reportsFrom : reportsFrom + policy.minSilenceMs + 1]
        .filter((c): c is number => c !== null && c <= t)
      return due.length > 0 ? Math.min(...due) : undefined
    },

    /** For a replay: reports occurring at `t` are about to be written. */
    reportsAt(t: number) {
      reportsFrom ??= t
    },
  }
}

export type GapWatch = ReturnType<typeof createGapWatch>
