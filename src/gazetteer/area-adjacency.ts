import type { Ring } from './geometry.js'

/**
 * Which areas of one level border each other, from their polygons alone: two areas are
 * neighbours when their boundaries share a stretch, at least `minShared` vertices of one lying
 * within `toleranceDeg` of vertices of the other. Boundaries of one data set (OCHA COD-AB) share
 * their vertices; the tolerance absorbs rounding, and asking for two shared vertices (an edge)
 * keeps areas that only touch at a corner apart. Pure: computed once per gazetteer, when it is
 * loaded (gazetteer-build.ts), so no report's evaluation pays for it.
 */

export interface AreaOutline {
  pcode: string
  level: 1 | 2
  rings: readonly Ring[]
}

/** About 500 m at the equator: well under any real border's vertex spacing, above rounding to 5 decimals. */
export const DEFAULT_TOLERANCE_DEG = 0.005

/** One number per grid cell (|cell| < 2^26 on either axis for any lon/lat and tolerance above 1e-5 degrees). */
const cellKey = (cx: number, cy: number) => cx * 134_217_728 + cy

export function areaAdjacency(areas: readonly AreaOutline[], toleranceDeg = DEFAULT_TOLERANCE_DEG, minShared = 2): Map<string, string[]> {
  const out = new Map<string, string[]>(areas.map((a) => [a.pcode, []]))
  for (const level of [1, 2] as const) {
    const same = areas.filter((a) => a.level === level)
    const shared = sharedVertexCounts(same, toleranceDeg)
    const n = same.length
    same.forEach((a, i) => {
      const list = out.get(a.pcode)!
      same.forEach((b, j) => {
        if (i !== j && shared[i * n + j]! >= minShared && shared[j * n + i]! >= minShared) list.push(b.pcode)
      })
      list.sort()
    })
  }
  return out
}

/**
 * shared[i * n + j]: how many vertices of area i lie within the tolerance of some vertex of area
 * j. Vertices are binned in cells of the tolerance, so a close vertex is in the same or a next
 * cell; flat typed arrays and numeric cell keys keep it to a few milliseconds per thousand areas.
 */
function sharedVertexCounts(same: readonly AreaOutline[], tol: number): Int32Array {
  const n = same.length
  let total = 0
  for (const a of same) for (const ring of a.rings) total += ring.length
  const lons = new Float64Array(total)
  const lats = new Float64Array(total)
  const owner = new Int32Array(total)
  const cells = new Map<number, number[]>()
  let v = 0
  same.forEach((a, i) => {
    for (const ring of a.rings) {
      for (const [lon, lat] of ring) {
        lons[v] = lon
        lats[v] = lat
        owner[v] = i
        const key = cellKey(Math.floor(lon / tol), Math.floor(lat / tol))
        const list = cells.get(key)
        if (list) list.push(v)
        else cells.set(key, [v])
        v++
      }
    }
  })
  const shared = new Int32Array(n * n)
  // seen[j] === v + 1: area j was already counted for vertex v.
  const seen = new Int32Array(n)
  for (let p = 0; p < total; p++) {
    const i = owner[p]!
    const lon = lons[p]!
    const lat = lats[p]!
    const cx = Math.floor(lon / tol)
    const cy = Math.floor(lat / tol)
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const list = cells.get(cellKey(cx + dx, cy + dy))
        if (!list) continue
        for (const q of list) {
          const j = owner[q]!
          if (j === i || seen[j] === p + 1) continue
          if (Math.abs(lons[q]! - lon) <= tol && Math.abs(lats[q]! - lat) <= tol) {
            seen[j] = p + 1
            shared[i * n + j]!++
          }
        }
      }
    }
  }
  return shared
}
