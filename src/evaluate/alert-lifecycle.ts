import { errors } from '../errors.js'
import { isActive, type AlertState, type Disposition } from '../alerts/alert.js'
import type { Silence, SilenceMatchers } from '../alerts/silence.js'
import type { RuleSet } from '../rules/rule-set.js'
import type { AlertStore } from '../engine/engine-stores.js'
import type { IndicatorInputsRepo } from '../storage/indicator-inputs-repo.js'
import type { SilencesRepo } from '../storage/silences-repo.js'
import type { AlertWriter } from '../engine/alert-writer.js'

export interface LifecycleDeps {
  alerts: AlertStore
  inputs: IndicatorInputsRepo
  silences: SilencesRepo
  writer: AlertWriter
  rules: () => RuleSet
}

/** The longest a silence may run: a silence always ends, and soon enough to be reviewed. */
export const MAX_SILENCE_MS = 90 * 86_400_000

/**
 * What JOC staff do to alerts and silences. Each call runs in the caller's write transaction;
 * repeating an acknowledgement or resolution is harmless, an illegal transition is a 409.
 */
export function createAlertLifecycle(deps: LifecycleDeps) {
  const { alerts, writer } = deps

  function load(id: number): AlertState {
    const a = alerts.get(id)
    if (!a) throw errors.ALERT_NOT_FOUND(id)
    return a
  }

  function finish<T>(pass: ReturnType<AlertWriter['newPass']>, value: T) {
    writer.settle(pass)
    return { ...value, changes: pass.changes }
  }

  return {
    acknowledge(id: number, actor: string, note: string | null, now: number) {
      const a = load(id)
      if (a.status === 'acknowledged') return { alert: a, changed: false, changes: [] }
      if (a.status !== 'open') throw errors.ALERT_TRANSITION(id, a.status, 'acknowledge')
      const pass = writer.newPass(deps.rules(), now)
      // An acknowledgement clears the acknowledgement's overdue badge (not the action's).
      const overdue = { act: a.overdue?.act ?? false, acknowledge: false }
      const saved = writer.save(pass, { ...a, status: 'acknowledged', acknowledgedBy: actor, acknowledgedAt: now, updatedAt: now, statusReason: note, overdue },
        'acknowledged', note ?? `acknowledged by ${actor}`, [], { actor })
      return finish(pass, { alert: saved, changed: true })
    },

    resolve(id: number, actor: string, note: string | null, now: number, disposition: Disposition | null = null) {
      const a = load(id)
      if (a.status === 'resolved') return { alert: a, changed: false, changes: [] }
      if (!isActive(a.status)) throw errors.ALERT_TRANSITION(id, a.status, 'resolve')
      const pass = writer.newPass(deps.rules(), now)
      // No disposition is allowed (a body-less resolve): the review counts it as not given.
      const saved = writer.save(pass, { ...a, status: 'resolved', resolvedBy: actor, resolvedAt: now, updatedAt: now, statusReason: note,
        disposition: disposition ? { value: disposition, note } : null },
        'resolved', `${disposition ? `${disposition}: ` : ''}${note ?? `resolved by ${actor}`}`, [], { actor })
      // A resolved alert no longer counts toward escalation indicators.
      deps.inputs.deactivate(`alert:${id}`)
      return finish(pass, { alert: saved, changed: true })
    },

    createSilence(input: { matchers: SilenceMatchers; endsAt: number; startsAt?: number; reason: string; author: string }, now: number) {
      const startsAt = input.startsAt ?? now
      if (input.endsAt <= Math.max(now, startsAt)) throw errors.VALIDATION([{ path: 'endsAt', message: 'must lie in the future, after startsAt' }])
      if (input.endsAt - startsAt > MAX_SILENCE_MS) throw errors.VALIDATION([{ path: 'endsAt', message: 'a silence runs at most 90 days' }])
      const silence = deps.silences.create({ ...input, startsAt, now })
      const pass = writer.newPass(deps.rules(), now)
      writer.applySilences(pass, `silence ${silence.id}: ${input.reason}`, input.author)
      return finish(pass, { silence })
    },

    endSilence(id: number, actor: string, now: number): { silence: Silence; changes: unknown[] } {
      const s = deps.silences.get(id)
      if (!s) throw errors.SILENCE_NOT_FOUND(id)
      if (!deps.silences.end(id, actor, now)) return { silence: s, changes: [] }
      const pass = writer.newPass(deps.rules(), now)
      writer.applySilences(pass, `silence ${id} ended by ${actor}`, actor)
      return finish(pass, { silence: deps.silences.get(id)! })
    },
  }
}

export type AlertLifecycle = ReturnType<typeof createAlertLifecycle>
