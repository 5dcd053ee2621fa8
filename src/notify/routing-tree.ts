import type { AlertState, ChangeKind } from '../alerts/alert.js'
import { isUnder } from '../taxonomy/taxonomy.js'
import type { BriefSchedule, Matchers, Receiver } from './routing-schema.js'

/** A route with everything inherited from its parents filled in. */
export interface CompiledRoute {
  /** Where it sits in the tree: `root`, `root.0`, `root.0.1`... */
  path: string
  receiver: string
  /** Where an `overdue` change also goes: the next level up the chain (inherited like the receiver). */
  escalateTo: string | null
  matchers: Matchers
  continue: boolean
  groupBy: readonly string[]
  groupWaitMs: number
  groupIntervalMs: number
  repeatIntervalMs: number
  routes: CompiledRoute[]
}

/** A receiver with its secrets read (from the file or a secret file). */
export type LiveReceiver = Receiver & { secretValue?: string; password?: string }

/** A checked routing file, ready to route with. */
export interface Routing {
  version: string
  receivers: ReadonlyMap<string, LiveReceiver>
  root: CompiledRoute | null
  briefs: readonly BriefSchedule[]
}

/** Where one alert change goes: a receiver, through a route, into a group. */
export interface RouteHit {
  receiver: string
  route: string
  groupKey: string
  groupWaitMs: number
  groupIntervalMs: number
  repeatIntervalMs: number
}

export const EMPTY_ROUTING: Routing = Object.freeze({ version: 'none', receivers: new Map(), root: null, briefs: [] })

/** True when a receiver has no channel: it swallows what is routed to it. */
export function isNullReceiver(r: Receiver): boolean {
  return !r.webhook && !r.email && !r.teams && !r.slack
}

const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v])

function areasOf(a: AlertState): string[] {
  return [a.scope.admin1, a.scope.admin2, a.scope.route, a.scope.site].filter((x): x is string => typeof x === 'string')
}

/** True when every matcher holds for the alert as it stands after a change of this kind. */
export function routeMatches(m: Matchers, a: AlertState, kind: ChangeKind): boolean {
  const one = <T>(values: T | T[] | undefined, test: (v: T) => boolean) => {
    const vs = list(values)
    return vs === undefined || vs.some(test)
  }
  return one(m.mission, (v) => v === a.mission)
    && one(m.level, (v) => v === a.level)
    && one(m.grade, (v) => v === a.grade)
    && one(m.indicator, (v) => v === a.indicatorId)
    && one(m.kind, (v) => v === kind)
    && one(m.area, (v) => areasOf(a).includes(v))
    && one(m.category, (v) => isUnder(a.topCategory, v) || a.taxonomy.some((c) => isUnder(c, v) || isUnder(v, c)))
}

/** The value an alert has for a grouping label. */
function labelValue(a: AlertState, label: string): string {
  switch (label) {
    case 'indicator': return a.indicatorId
    case 'level': return a.level
    case 'grade': return a.grade
    case 'category': return a.topCategory
    case 'area': return areasOf(a)[0] ?? ''
    case 'alert': return String(a.id)
    default: return ''
  }
}

/** The group an alert falls in on a route: always per mission, then the route's labels. */
export function groupKeyOf(route: CompiledRoute, a: AlertState, tag?: string): string {
  const labels = route.groupBy.map((l) => `${l}=${labelValue(a, l)}`)
  return [route.path, route.receiver, ...(tag ? [tag] : []), `mission=${a.mission}`, ...labels].join('|')
}

/**
 * Alertmanager's routing tree: the root takes every alert; a child that matches takes it and
 * stops the search among its siblings unless it says `continue`; a route none of whose children
 * took the alert handles it itself.
 */
function walk(route: CompiledRoute, a: AlertState, kind: ChangeKind): CompiledRoute[] {
  const found: CompiledRoute[] = []
  for (const child of route.routes) {
    if (!routeMatches(child.matchers, a, kind)) continue
    found.push(...walk(child, a, kind))
    if (!child.continue) break
  }
  return found.length > 0 ? found : [route]
}

/**
 * Every receiver (with a channel) an alert change goes to, each with its group and timing. An
 * `overdue` change also goes up the chain: to the `escalateTo` receiver of each route that took
 * it, in a group of its own so the escalation is its own message.
 */
export function routeChange(routing: Routing, a: AlertState, kind: ChangeKind): RouteHit[] {
  if (!routing.root) return []
  const routes = walk(routing.root, a, kind)
  const hits = routes.map((r) => ({ route: r, receiver: r.receiver, groupKey: groupKeyOf(r, a) }))
  if (kind === 'overdue') {
    for (const r of routes) {
      if (r.escalateTo === null || hits.some((h) => h.receiver === r.escalateTo)) continue
      hits.push({ route: r, receiver: r.escalateTo, groupKey: groupKeyOf({ ...r, receiver: r.escalateTo }, a, 'escalated') })
    }
  }
  return hits
    .filter((h) => {
      const receiver = routing.receivers.get(h.receiver)
      return receiver !== undefined && !isNullReceiver(receiver)
    })
    .map((h) => ({
      receiver: h.receiver,
      route: h.route.path,
      groupKey: h.groupKey,
      groupWaitMs: h.route.groupWaitMs,
      groupIntervalMs: h.route.groupIntervalMs,
      repeatIntervalMs: h.route.repeatIntervalMs,
    }))
}
