import { isActive, type AlertState, type ChangeKind } from '../alerts/alert.js'
import type { InhibitionView } from '../alerts/inhibition.js'
import { distanceKm } from '../geo.js'
import { changeRecord, type AlertChange, type ChangeRecord } from './alert-change.js'
import type { AlertStore } from './engine-stores.js'

/** A min-heap of (expiresAt, id): the due-for-expiry order. Entries go stale as alerts change; readers skip those. */
class ExpiryHeap {
  private readonly at: number[] = []
  private readonly ids: number[] = []

  get size() { return this.at.length }

  push(at: number, id: number) {
    let i = this.at.length
    this.at.push(at)
    this.ids.push(id)
    while (i > 0) {
      const up = (i - 1) >> 1
      if (!this.less(i, up)) break
      this.swap(i, up)
      i = up
    }
  }

  peekAt(): number | undefined { return this.at[0] }
  peekId(): number | undefined { return this.ids[0] }

  pop() {
    const last = this.at.length - 1
    this.swap(0, last)
    this.at.pop()
    this.ids.pop()
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < this.at.length && this.less(l, m)) m = l
      if (r < this.at.length && this.less(r, m)) m = r
      if (m === i) break
      this.swap(i, m)
      i = m
    }
  }

  private less(a: number, b: number) {
    return this.at[a]! < this.at[b]! || (this.at[a] === this.at[b] && this.ids[a]! < this.ids[b]!)
  }

  private swap(a: number, b: number) {
    [this.at[a], this.at[b]] = [this.at[b]!, this.at[a]!];
    [this.ids[a], this.ids[b]] = [this.ids[b]!, this.ids[a]!]
  }
}

/**
 * An alert as storage gives it back: every follow-up field present (null when unset), nothing
 * else beside the columns, so memory and SQLite hand the engine the same shape.
 */
function asStored(a: AlertState): AlertState {
  return {
    id: a.id, identity: a.identity, indicatorId: a.indicatorId, indicatorVersion: a.indicatorVersion, ruleSetVersion: a.ruleSetVersion,
    mission: a.mission, taxonomy: a.taxonomy, topCategory: a.topCategory, level: a.level, grade: a.grade, rank: a.rank,
    status: a.status, statusReason: a.statusReason, confidence: a.confidence, trend: a.trend, scope: a.scope, windowMs: a.windowMs,
    count: a.count, facts: a.facts, explanation: a.explanation, summary: a.summary, firstSeen: a.firstSeen, lastSeen: a.lastSeen,
    anchorAt: a.anchorAt, raisedAt: a.raisedAt, updatedAt: a.updatedAt, expiresAt: a.expiresAt, seq: a.seq,
    silenced: a.silenced, inhibited: a.inhibited, acknowledgedBy: a.acknowledgedBy, acknowledgedAt: a.acknowledgedAt,
    resolvedBy: a.resolvedBy, resolvedAt: a.resolvedAt,
    response: a.response ?? null,
    overdue: { acknowledge: a.overdue?.acknowledge ?? false, act: a.overdue?.act ?? false },
    assignee: a.assignee ?? null,
    lastActionAt: a.lastActionAt ?? null,
    disposition: a.disposition ?? null,
  }
}

const familyKey = (mission: string, top: string) => `${mission}|${top}`
const nearKey = (indicatorId: string, mission: string) => `${indicatorId}|${mission}`
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id

/**
 * Alerts in memory, indexed the way the engine asks for them: active ones by identity, radius
 * alerts by (indicator, mission) for the nearest-centre look-up, active ones by inhibition
 * family, links between alerts and their inputs both ways, and a heap in due-for-expiry order.
 * Every change is appended to a log with its sequence number. A replay's index holds every alert
 * and change (they are its result; `compactLog`: each change as a ChangeRecord, not with a whole
 * alert); the service's holds the active alerts only, beside SQLite (`keepInactive: false`,
 * `keepLog: false`). Answers come in the order SQLite's indexes give them.
 */
export class AlertIndex implements AlertStore {
  constructor(private readonly opts: { keepInactive?: boolean; keepLog?: boolean; compactLog?: boolean } = {}) {}

  private readonly alerts = new Map<number, AlertState>()
  private readonly byIdentity = new Map<string, number>()
  private readonly near = new Map<string, Set<number>>()
  private readonly families = new Map<string, Set<number>>()
  /** input id -> the alerts it is linked to. */
  private readonly linksOf = new Map<string, Set<number>>()
  /** alert id -> its input ids. */
  private readonly inputsOf = new Map<number, Set<string>>()
  /** alert id -> those of its input ids that are alerts (`alert:<id>`): what a lineage follows. */
  private readonly alertInputsOf = new Map<number, Set<string>>()
  private readonly expiry = new ExpiryHeap()
  readonly log: AlertChange[] = []
  /** The log as compact records (`compactLog`). */
  readonly records: ChangeRecord[] = []
  private nextId = 1
  private seq = 0

  get(id: number): AlertState | null {
    return this.alerts.get(id) ?? null
  }

  /** Every alert, in id order. */
  all(): AlertState[] {
    return [...this.alerts.values()]
  }

  active(): AlertState[] {
    return [...this.byIdentity.values()].sort((a, b) => a - b).map((id) => this.alerts.get(id)!)
  }

  activeByIdentity(identity: string): AlertState | null {
    const id = this.byIdentity.get(identity)
    return id === undefined ? null : this.alerts.get(id)!
  }

  activeNear(indicatorId: string, mission: string, prefix: string, lat: number, lon: number, km: number): AlertState | null {
    let best: { d: number; a: AlertState } | null = null
    for (const id of this.near.get(nearKey(indicatorId, mission)) ?? []) {
      const a = this.alerts.get(id)!
      const c = a.scope.center
      if (!c || !a.identity.startsWith(prefix)) continue
      const d = distanceKm(lat, lon, c.lat, c.lon)
      // Ties go to the first identity, as SQLite reads them in identity order.
      if (d <= km && (!best || d < best.d || (d === best.d && a.identity < best.a.identity))) best = { d, a }
    }
    return best?.a ?? null
  }

  activeAbove(mission: string, topCategory: string, minRank: number): InhibitionView[] {
    // Asked on every save of a lower alert: read the family's ids directly, no copy of the whole family.
    const out: AlertState[] = []
    for (const id of this.families.get(familyKey(mission, topCategory)) ?? []) {
      const a = this.alerts.get(id)!
      if (a.rank >= minRank) out.push(a)
    }
    return out
  }

  activeFamily(mission: string, topCategory: string): (InhibitionView & { rank: number; inhibited: boolean })[] {
    // The family index's order: rank, then id.
    return this.family(mission, topCategory).sort((a, b) => a.rank - b.rank || a.id - b.id)
  }

  insert(alert: Omit<AlertState, 'id'>): number {
    const id = this.nextId++
    this.put(asStored({ ...alert, id } as AlertState))
    return id
  }

  /** Takes an alert whose id storage gave it (the service's index, loading or inserting). */
  restore(alert: AlertState) {
    this.nextId = Math.max(this.nextId, alert.id + 1)
    this.put(asStored(alert))
  }

  /** Stamps the sequence number of the alert's latest change (recorded elsewhere). */
  stamp(alertId: number, seq: number) {
    const stored = this.alerts.get(alertId)
    if (stored) stored.seq = seq
  }

  /** How much it holds: alerts and links. */
  size(): { alerts: number; links: number } {
    let links = 0
    for (const s of this.inputsOf.values()) links += s.size
    return { alerts: this.alerts.size, links }
  }

  update(alert: AlertState) {
    this.put(asStored(alert))
  }

  link(alertId: number, inputIds: readonly string[]) {
    let mine = this.inputsOf.get(alertId)
    if (!mine) this.inputsOf.set(alertId, mine = new Set())
    for (const input of inputIds) {
      mine.add(input)
      if (input.startsWith('alert:')) {
        let alertsIn = this.alertInputsOf.get(alertId)
        if (!alertsIn) this.alertInputsOf.set(alertId, alertsIn = new Set())
        alertsIn.add(input)
      }
      let theirs = this.linksOf.get(input)
      if (!theirs) this.linksOf.set(input, theirs = new Set())
      theirs.add(alertId)
    }
  }

  unlink(inputId: string): AlertState[] {
    const ids = this.linksOf.get(inputId)
    if (!ids) return []
    this.linksOf.delete(inputId)
    const supported: AlertState[] = []
    for (const id of ids) {
      this.inputsOf.get(id)?.delete(inputId)
      this.alertInputsOf.get(id)?.delete(inputId)
      const a = this.alerts.get(id)
      if (a && isActive(a.status)) supported.push(a)
    }
    return supported.sort(byId)
  }

  /** The alerts an alert counted, as `alert:<id>` inputs, in no particular order (a lineage reads them, not every input). */
  alertInputIds(alertId: number): Iterable<string> {
    return this.alertInputsOf.get(alertId) ?? []
  }

  inputIds(alertId: number): string[] {
    // SQLite's TEXT order (bytewise): ids are ASCII, where UTF-16 order is the same.
    return [...(this.inputsOf.get(alertId) ?? [])].sort()
  }

  dueForExpiry(now: number): AlertState[] {
    const due: AlertState[] = []
    const seen = new Set<number>()
    while (this.expiry.size > 0 && this.expiry.peekAt()! <= now) {
      const at = this.expiry.peekAt()!
      const id = this.expiry.peekId()!
      this.expiry.pop()
      const a = this.alerts.get(id)
      // Stale entries (the alert moved its expiry or ended) are dropped for good.
      if (!a || !isActive(a.status) || a.expiresAt !== at || seen.has(id)) continue
      seen.add(id)
      due.push(a)
    }
    // Asking does not expire them: they stay due until a change ends or moves them.
    for (const a of due) this.expiry.push(a.expiresAt, a.id)
    return due
  }

  /** The earliest expiry of an active alert, if any: where a replay's clock stops next. */
  nextExpiry(): number | undefined {
    while (this.expiry.size > 0) {
      const a = this.alerts.get(this.expiry.peekId()!)
      if (a && isActive(a.status) && a.expiresAt === this.expiry.peekAt()) return a.expiresAt
      this.expiry.pop()
    }
    return undefined
  }

  dueForOverdue(now: number): AlertState[] {
    return this.active().filter((a) => {
      const r = a.response
      if (!r) return false
      const ack = a.status === 'open' && !a.overdue?.acknowledge && r.acknowledgeBy <= now
      const act = !a.overdue?.act && r.actBy <= now && (a.lastActionAt === null || a.lastActionAt === undefined || a.lastActionAt < r.since)
      return ack || act
    })
  }

  /** Records a change; the alert given is the writer's own copy, which becomes the change's snapshot (no second copy). */
  recordChange(alert: AlertState, kind: ChangeKind, at: number, actor: string | null, cause: string, inputIds: readonly string[]): AlertChange {
    const seq = ++this.seq
    const stamped = alert
    stamped.seq = seq
    this.stamp(alert.id, seq)
    const change = { seq, alertId: alert.id, kind, at, actor, cause, inputIds: [...inputIds], alert: stamped }
    if (this.opts.keepLog !== false) {
      if (this.opts.compactLog) this.records.push(changeRecord(change))
      else this.log.push(change)
    }
    return change
  }

  /** Every change of the alerts, in order (none kept with `compactLog`: see changeRecords). */
  changes(): readonly AlertChange[] {
    return this.log
  }

  /** Every change of the alerts, in order, as compact records (whichever way they were kept). */
  changeRecords(): ChangeRecord[] {
    return this.opts.compactLog ? this.records : this.log.map(changeRecord)
  }

  private family(mission: string, topCategory: string) {
    return [...(this.families.get(familyKey(mission, topCategory)) ?? [])].map((id) => this.alerts.get(id)!)
  }

  /** Stores the alert's new state and moves it in every index. */
  private put(a: AlertState) {
    const before = this.alerts.get(a.id)
    if (before && isActive(before.status)) this.unindex(before)
    if (!isActive(a.status) && this.opts.keepInactive === false) {
      // Only active alerts are asked for by what they watch; storage answers for the rest.
      this.alerts.delete(a.id)
      for (const input of this.inputsOf.get(a.id) ?? []) this.linksOf.get(input)?.delete(a.id)
      this.inputsOf.delete(a.id)
      this.alertInputsOf.delete(a.id)
      return
    }
    this.alerts.set(a.id, a)
    if (!isActive(a.status)) return
    this.byIdentity.set(a.identity, a.id)
    if (a.scope.center) add(this.near, nearKey(a.indicatorId, a.mission), a.id)
    add(this.families, familyKey(a.mission, a.topCategory), a.id)
    if (!before || before.expiresAt !== a.expiresAt || !isActive(before.status)) this.expiry.push(a.expiresAt, a.id)
  }

  private unindex(a: AlertState) {
    if (this.byIdentity.get(a.identity) === a.id) this.byIdentity.delete(a.identity)
    this.near.get(nearKey(a.indicatorId, a.mission))?.delete(a.id)
    this.families.get(familyKey(a.mission, a.topCategory))?.delete(a.id)
  }
}

function add<K>(map: Map<K, Set<number>>, key: K, id: number) {
  let s = map.get(key)
  if (!s) map.set(key, s = new Set())
  s.add(id)
}
