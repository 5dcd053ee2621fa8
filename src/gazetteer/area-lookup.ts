import type { GazetteerSet } from './gazetteer-types.js'

/**
 * An area named by a person (a key's areas, a silence, a filter), resolved in some missions: the
 * P-code of the first gazetteer that knows it (however spelt); the name as given when one of the
 * missions has no areas to check it against (it may be that mission's); else, unknown, the
 * closest names.
 */
export function lookUpArea(set: GazetteerSet, missions: readonly string[], name: string, level?: 1 | 2):
  { key: string; name: string } | { closest: string[] } {
  const closest: string[] = []
  let unchecked = missions.length === 0
  for (const m of missions) {
    const g = set.get(m)
    if (!g || !g.areas.some((a) => level === undefined || a.level === level)) {
      unchecked = true
      continue
    }
    const area = g.findArea(name, level)
    if (area) return { key: area.pcode, name: area.name }
    closest.push(...g.closestNames('area', name))
  }
  return unchecked ? { key: name, name } : { closest: [...new Set(closest)].slice(0, 5) }
}
