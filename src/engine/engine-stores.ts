import type { AlertState, ChangeKind } from '../alerts/alert.js'
import type { InhibitionView } from '../alerts/inhibition.js'
import type { Silence } from '../alerts/silence.js'
import type { AlertChange } from './alert-change.js'
import type { InputArea } from './series-aggregate.js'
import type { ScopeQuery } from './window-state.js'
import type { AggregateQuery, AggregateResult, IndicatorInputRow } from './window-types.js'

/**
 * What the engine reads and writes of window state. In memory for replays (WindowState); in the
 * service, a write-through log over SQLite (storage/indicator-inputs-repo.ts).
 */
export interface InputStore {
  upsert(row: IndicatorInputRow): void
  remove(inputId: string): void
  deactivate(inputId: string): void
  aggregate(q: AggregateQuery & { keepMs?: number }): AggregateResult
  counts(q: ScopeQuery, inputId: string): boolean
  areas(q: ScopeQuery): InputArea[]
  inputIds(q: ScopeQuery): string[]
}

/**
 * What the engine reads and writes of alerts: the active ones by identity and by place, their
 * links to inputs, what falls due, and the change log. In memory for replays (alert-index.ts);
 * in the service, SQLite (storage/alerts-repo.ts).
 */
export interface AlertStore {
  get(id: number): AlertState | null
  active(): AlertState[]
  activeByIdentity(identity: string): AlertState | null
  /** The active alert of an indicator, among identities starting with `prefix`, nearest within `km`. */
  activeNear(indicatorId: string, mission: string, prefix: string, lat: number, lon: number, km: number): AlertState | null
  /** Active alerts of a family at or above a rank: the only ones that can inhibit below it. */
  activeAbove(mission: string, topCategory: string, minRank: number): InhibitionView[]
  /** Every active alert of a family, by rank then id, as inhibition sees it. */
  activeFamily(mission: string, topCategory: string): (InhibitionView & { rank: number; inhibited: boolean })[]
  insert(alert: Omit<AlertState, 'id'>): number
  update(alert: AlertState): void
  link(alertId: number, inputIds: readonly string[]): void
  /** Forgets an input's links; returns the active alerts it supported (by id), before forgetting. */
  unlink(inputId: string): AlertState[]
  inputIds(alertId: number): string[]
  /** Active alerts expiring at or before `now`, by expiry then id. */
  dueForExpiry(now: number): AlertState[]
  dueForOverdue(now: number): AlertState[]
  /** Appends a change and stamps its sequence number on the alert. */
  recordChange(alert: AlertState, kind: ChangeKind, at: number, actor: string | null, cause: string, inputIds: readonly string[]): AlertChange
}

/** The silences the engine flags alerts with. A replay has none. */
export interface SilenceSource {
  active(now: number): Silence[]
  due(now: number): Silence[]
  end(id: number, by: string, now: number): boolean
}
