import type { Ring } from './geometry.js'

/**
 * Which areas of one level border each other, from their polygons alone: two areas are
 * neighbours when their boundaries share a stretch, at least `minShared` vertices of one lying
 * within `toleranceDeg` of vertices of the other. Boundaries of one data set (OCHA COD-AB) share
 * their vertices; the tolerance absorbs rounding, and asking for two shared vertices (an edge)
 * keeps areas that only touch at a corner apart. Pure: computed once per gazetteer.
 */

export interface AreaOutline {
  pcode: string
  level: 1 | 2
  rings: readonly Ring[]
}

/** About 500 m at the equator: well under any real border's vertex spacing, above rounding to 5 decimals. */
export const DEFAULT_TOLERANCE_DEG = 0.005

export function areaAdjacency(areas: readonly AreaOutline[], toleranceDeg = DEFAULT_TOLERANCE_DEG, minShared = 2): Map<string, string[]> {
  const out = new Map<string, string[]>(areas.map((a) => [a.pcode, []]))
  for (const level of [1, 2] as const) {
    const same = areas.filter((a) => a.level === level)
    // Vertices binned in cells of the tolerance: a close vertex is in the same or a next cell.
    const cells = new Map<string, { area: number; lon: number; lat: number }[]>()
    const cellOf = (lon: number, lat: number) => [Math.floor(lon / toleranceDeg), Math.floor(lat / toleranceDeg)] as const
    same.forEach((a, i) => {
      for (const ring of a.rings) {
        for (const [lon, lat] of ring) {
          const [cx, cy] = cellOf(lon, lat)
          const key = `${cx}:${cy}`
          const list = cells.get(key)
          if (list) list.push({ area: i, lon, lat })
          else cells.set(key, [{ area: i, lon, lat }])
        }
      }
    })
    // shared[i][j]: how many vertices of i lie within the tolerance of a vertex of j.
    const shared = new Map<string, number>()
    same.forEach((a, i) => {
      for (const ring of a.rings) {
        for (const [lon, lat] of ring) {
          const [cx, cy] = cellOf(lon, lat)
          const near = new Set<number>()
          for (let dx = -1; dx <= 1; dx++) {
            for (let dy = -1; dy <= 1; dy++) {
              for (const v of cells.get(`${cx + dx}:${cy + dy}`) ?? []) {
                if (v.area !== i && Math.abs(v.lon - lon) <= toleranceDeg && Math.abs(v.lat - lat) <= toleranceDeg) near.add(v.area)
              }
            }
          }
          for (const j of near) shared.set(`${i}:${j}`, (shared.get(`${i}:${j}`) ?? 0) + 1)
        }
      }
    })
    same.forEach((a, i) => {
      const list = out.get(a.pcode)!
      same.forEach((b, j) => {
        if (i !== j && (shared.get(`${i}:${j}`) ?? 0) >= minShared && (shared.get(`${j}:${i}`) ?? 0) >= minShared) list.push(b.pcode)
      })
      list.sort()
    })
  }
  return out
}
