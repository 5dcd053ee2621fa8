import { isActive, type AlertState, type ChangeKind } from '../alerts/alert.js'
import { isInhibited } from '../alerts/inhibition.js'
import { GRADES, LEVELS } from '../alerts/levels.js'
import { isSilenceActive, silenceMatches, type Silence } from '../alerts/silence.js'
import type { RuleSet } from '../rules/rule-set.js'
import { followUpOnSave, overdueNow } from '../evaluate/alert-follow-up.js'
import type { AlertChange } from './alert-change.js'
import type { AlertStore, InputStore, SilenceSource } from './engine-stores.js'

/** One pass of alert writes: its rule set, its time, the silences in force and what it changed. */
export interface Pass {
  set: RuleSet
  now: number
  changes: AlertChange[]
  /** Alerts a new input updated in this pass: a reassessment would only repeat the work. */
  touched: Set<number>
  /** Alerts the revised or retracted report counted: its new version may lower them. */
  revised: Set<number>
  depth: number
  silences: Silence[]
  /** Inhibition families (mission|top category) whose alerts changed. */
  families: Set<string>
}

export interface AlertWriterDeps {
  alerts: AlertStore
  inputs: InputStore
  silences: SilenceSource
  /** Routes each change into the notification outbox, in the change's own transaction. */
  outbox?: { record(change: AlertChange): void }
}

const familyKey = (a: AlertState) => `${a.mission}|${a.topCategory}`
const TOP_LEVEL = LEVELS[LEVELS.length - 1]

/**
 * The one place alerts are written: every insert and update goes with a recorded change, so
 * the change log (the poll feed and the history) can never miss one. Silence and inhibition
 * flags are computed here for the alert as it stands; an inactive alert keeps the flags it had,
 * so the end of a hidden alert stays hidden too.
 */
export function createAlertWriter(deps: AlertWriterDeps) {
  const { alerts, inputs, silences } = deps

  /** The first rank of the level above an alert's: only alerts from there up can inhibit it. */
  const nextLevelRank = (a: AlertState) => (LEVELS.indexOf(a.level) + 1) * GRADES.length

  function flags(pass: Pass, a: AlertState): { silenced: boolean; inhibited: boolean } {
    if (!isActive(a.status)) return { silenced: a.silenced, inhibited: a.inhibited }
    return {
      silenced: pass.silences.some((s) => silenceMatches(s.matchers, a)),
      // Nothing ranks above the top level, and a critical alert is never inhibited: no query for either.
      inhibited: a.level !== TOP_LEVEL && a.grade !== 'critical' && isInhibited(a, alerts.activeAbove(a.mission, a.topCategory, nextLevelRank(a))),
    }
  }

  /**
   * Whether a change can alter who is inhibited below the alert: a higher-level alert appearing,
   * changing level, or ending. Tactical alerts inhibit nobody; plain updates move no boundary.
   */
  function movesInhibition(a: AlertState, kind: ChangeKind): boolean {
    return a.level !== 'tactical' && ['raised', 'escalated', 'downgraded', 'expired', 'withdrawn', 'resolved'].includes(kind)
  }

  /** Writes an alert (id 0: a new one) and records the change; returns the alert as recorded. */
  function save(pass: Pass, alert: AlertState, kind: ChangeKind, cause: string, inputIds: readonly string[],
    opts: { actor?: string; linked?: readonly string[] } = {}): AlertState {
    const flagged = { ...alert, ...flags(pass, alert), ...followUpOnSave(pass.set, alert, kind, pass.now) }
    const id = alert.id === 0 ? alerts.insert(flagged) : (alerts.update(flagged), alert.id)
    if (opts.linked) alerts.link(id, opts.linked)
    // `flagged` is this save's own copy: the change record may take it (an update's already has its id).
    const change = alerts.recordChange(alert.id === 0 ? { ...flagged, id } : flagged, kind, pass.now, opts.actor ?? null, cause, inputIds)
    pass.changes.push(change)
    deps.outbox?.record(change)
    pass.touched.add(id)
    if (movesInhibition(flagged, kind)) pass.families.add(familyKey(flagged))
    return change.alert
  }

  /** After a pass: re-flag the families it touched, recording who is now inhibited or released. */
  function settle(pass: Pass) {
    const done = new Set<string>()
    let key: string | undefined
    // A release can touch a family again (through save), so loop until every family is settled.
    while ((key = [...pass.families].find((k) => !done.has(k))) !== undefined) {
      done.add(key)
      const [mission, top] = key.split('|') as [string, string]
      // Only operational and strategic alerts inhibit. The family is read as inhibition sees it;
      // a whole alert is read only when its flag changes.
      const family = alerts.activeFamily(mission, top)
      const higher = family.filter((a) => a.rank >= GRADES.length)
      for (const a of family) {
        const inhibited = isInhibited(a, higher)
        if (inhibited !== a.inhibited) save(pass, alerts.get(a.id)!, inhibited ? 'inhibited' : 'released', 'inhibition', [])
      }
    }
  }

  /** Re-flags every active alert after the silences in force changed. */
  function applySilences(pass: Pass, cause: string, actor?: string) {
    for (const a of alerts.active()) {
      const silenced = pass.silences.some((s) => silenceMatches(s.matchers, a))
      if (silenced !== a.silenced) save(pass, a, silenced ? 'silenced' : 'unsilenced', cause, [], actor ? { actor } : {})
    }
  }

  /** Expires due alerts (their escalation inputs stop counting) and ends silences past their end. */
  function expireDue(pass: Pass) {
    for (const a of alerts.dueForExpiry(pass.now)) {
      save(pass, { ...a, status: 'expired', statusReason: 'no new input before expiry', updatedAt: pass.now }, 'expired', 'expiry', [])
      inputs.deactivate(`alert:${a.id}`)
    }
    const ended = silences.due(pass.now)
    for (const s of ended) silences.end(s.id, 'expiry', pass.now)
    if (ended.length > 0) applySilences(pass, `silence ${ended.map((s) => s.id).join(', ')} ended`)
  }

  /**
   * Flags the active alerts past a deadline of their response (the live service's timer only), at
   * most `limit` of them; answers whether more are due, so a caller can go on in another transaction.
   */
  function markOverdue(pass: Pass, limit = Infinity): { more: boolean } {
    const due = alerts.dueForOverdue(pass.now)
    for (const a of due.slice(0, limit)) {
      const o = overdueNow(a, pass.now)
      if (o) save(pass, { ...a, overdue: o.overdue, updatedAt: pass.now }, 'overdue', o.cause, [])
    }
    return { more: due.length > limit }
  }

  function newPass(set: RuleSet, now: number): Pass {
    return {
      set, now, changes: [], touched: new Set(), revised: new Set(), depth: 0, families: new Set(),
      silences: silences.active(now).filter((s) => isSilenceActive(s, now)),
    }
  }

  return { save, settle, applySilences, expireDue, markOverdue, newPass }
}

export type AlertWriter = ReturnType<typeof createAlertWriter>
