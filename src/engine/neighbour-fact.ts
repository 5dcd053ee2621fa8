import type { InputStore } from './engine-stores.js'
import type { AggregateQuery } from './window-types.js'

/** The admin1 areas bordering one (by P-code) in a mission's gazetteer; none without one. */
export type Neighbours = (mission: string, admin1Pcode: string) => readonly string[]

/**
 * `neighbourAreasWithEvents`: how many admin1 areas bordering the alert's own hold at least one
 * of the indicator's inputs within the window. The alert's own area is where its inputs lie;
 * the busy areas are read over the whole mission. Violence spreading across a border shows as
 * a prefecture with events whose neighbours have them too.
 */
export function neighbourAreasWithEvents(inputs: Pick<InputStore, 'areas'>, q: AggregateQuery, neighbours: Neighbours): number {
  const own = new Set(inputs.areas(q).map((a) => a.admin1Pcode).filter((p): p is string => p !== null))
  if (own.size === 0) return 0
  const bordering = new Set([...own].flatMap((p) => neighbours(q.scope.mission, p)).filter((p) => !own.has(p)))
  if (bordering.size === 0) return 0
  const busy = inputs.areas({ ...q, scope: { mission: q.scope.mission, eq: {} } })
  return new Set(busy.map((a) => a.admin1Pcode).filter((p): p is string => p !== null && bordering.has(p))).size
}
