import { errors } from '../errors.js'
import { isActive, type AlertState } from '../alerts/alert.js'
import type { ActionOutcome, AlertAction } from '../alerts/alert-action.js'
import type { RuleSet } from '../rules/rule-set.js'
import type { AlertStore } from '../engine/engine-stores.js'
import type { AlertActionsRepo } from '../storage/alert-actions-repo.js'
import type { AlertWriter } from '../engine/alert-writer.js'

export interface FollowUpDeps {
  alerts: AlertStore
  actions: AlertActionsRepo
  writer: AlertWriter
  rules: () => RuleSet
}

export interface ActionInput {
  action: string
  unit: string
  startedAt: number
  endedAt: number | null
  outcome: ActionOutcome
  reason: string | null
}

/**
 * Who owns an alert and what was done about it. Each call runs in the caller's write
 * transaction and records a change of the alert, so the feed, the history and the audit see it.
 */
export function createFollowUpLifecycle(deps: FollowUpDeps) {
  const { alerts, writer } = deps

  function load(id: number): AlertState {
    const a = alerts.get(id)
    if (!a) throw errors.ALERT_NOT_FOUND(id)
    return a
  }

  return {
    /**
     * Flags alerts not acknowledged, or not acted on, within their response's deadlines. Run by
     * the live service's timer after the expiry sweep; replays have nobody to acknowledge, so
     * they never run it. At most `limit` alerts per call (one transaction), so that thousands
     * falling due together do not hold the writer for minutes; `more` says another call is due.
     */
    markOverdue(now: number, limit = Infinity) {
      const pass = writer.newPass(deps.rules(), now)
      const { more } = writer.markOverdue(pass, limit)
      writer.settle(pass)
      return { changes: pass.changes, more }
    },

    /** Assigns (or reassigns) an active alert to a person or unit; the same owner again changes nothing. */
    assign(id: number, to: string, note: string | null, actor: string, now: number) {
      const a = load(id)
      if (!isActive(a.status)) throw errors.ALERT_TRANSITION(id, a.status, 'assign')
      if (a.assignee?.to === to) return { alert: a, changed: false, changes: [] }
      const pass = writer.newPass(deps.rules(), now)
      const before = a.assignee?.to
      const saved = writer.save(pass, { ...a, assignee: { to, by: actor, at: now, note }, updatedAt: now }, 'assigned',
        `${before ? `reassigned from ${before} to` : 'assigned to'} ${to}${note ? `: ${note}` : ''}`, [], { actor })
      writer.settle(pass)
      return { alert: saved, changed: true, changes: pass.changes }
    },

    /**
     * Records an action. Any alert but a withdrawn one may have actions recorded (what was done
     * stays worth knowing after the alert ended); one recorded on an active alert meets its
     * actWithin and clears that overdue badge.
     */
    recordAction(id: number, input: ActionInput, actor: string, now: number): { alert: AlertState; action: AlertAction } {
      const a = load(id)
      if (a.status === 'withdrawn') throw errors.ALERT_TRANSITION(id, a.status, 'record an action')
      const pass = writer.newPass(deps.rules(), now)
      const overdue = { acknowledge: a.overdue?.acknowledge ?? false, act: false }
      const saved = writer.save(pass, { ...a, lastActionAt: now, overdue, updatedAt: now }, 'action-recorded',
        `${input.outcome}: ${input.action} (${input.unit})${input.reason ? `; ${input.reason}` : ''}`, [], { actor })
      writer.settle(pass)
      const action = deps.actions.insert({ ...input, alertId: id, recordedBy: actor, recordedAt: now, seq: saved.seq })
      return { alert: saved, action }
    },
  }
}

export type FollowUpLifecycle = ReturnType<typeof createFollowUpLifecycle>
