import type { FastifyRequest } from 'fastify'
import { errors } from '../errors.js'
import { lookUpArea } from '../gazetteer/area-lookup.js'
import type { GazetteerSet } from '../gazetteer/gazetteer-types.js'

/**
 * An area named in a query or a silence (`admin1=Ouham-Pendé prefecture`), as the key alerts and
 * reports are stored under: its P-code when a gazetteer of the missions in question knows it
 * however spelt, the name as given when one of them has no areas; an unknown name is a 400 that
 * names the closest ones.
 */
export function resolveAreaName(req: FastifyRequest, set: GazetteerSet, q: { mission?: string | undefined; missions: readonly string[] },
  name: string, level: 1 | 2, path: string): string {
  const missions = q.mission ? [q.mission] : (req.principal.missions ?? q.missions)
  const found = lookUpArea(set, missions, name, level)
  if ('key' in found) return found.key
  throw errors.UNKNOWN_AREA(path, missions.join(', '), name, found.closest)
}
