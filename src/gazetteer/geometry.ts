/**
 * Plane geometry on lon/lat positions for the gazetteer: ring checks, crossings, distances to
 * lines. Distances to a line use a local flat projection around the point, accurate to well
 * under 1% at the tens of km that corridors and radii span.
 */

/** [lon, lat], as GeoJSON writes it. */
export type Position = readonly [number, number]
export type Ring = readonly Position[]

const KM_PER_DEG_LAT = 110.574
const KM_PER_DEG_LON_EQUATOR = 111.32

/** Why a JSON value is not a usable position, or null when it is. */
export function positionProblem(v: unknown): string | null {
  if (!Array.isArray(v) || v.length < 2 || v.length > 3) return 'a position is [longitude, latitude]'
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) return 'a position holds numbers only'
  const [lon, lat] = v as number[]
  if (lon! < -180 || lon! > 180) return `longitude ${lon} is outside -180..180 (GeoJSON writes [longitude, latitude])`
  if (lat! < -90 || lat! > 90) return `latitude ${lat} is outside -90..90 (GeoJSON writes [longitude, latitude])`
  return null
}

const orient = (a: Position, b: Position, c: Position) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

/** True when segments ab and cd cross at a point inside both (touching ends do not count). */
function properlyCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient(a, b, c)
  const o2 = orient(a, b, d)
  const o3 = orient(c, d, a)
  const o4 = orient(c, d, b)
  return o1 * o2 < 0 && o3 * o4 < 0
}

/**
 * The first pair of edges of a ring that cross, as indices of their first positions; null when
 * none do. A sweep over edges sorted by their west end keeps it near n log n on real boundaries.
 */
export function selfCrossing(ring: Ring): [number, number] | null {
  const n = ring.length - 1
  if (n < 3) return null
  const minX = new Float64Array(n)
  const maxX = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    minX[i] = Math.min(ring[i]![0], ring[i + 1]![0])
    maxX[i] = Math.max(ring[i]![0], ring[i + 1]![0])
  }
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => minX[a]! - minX[b]!)
  for (let p = 0; p < n; p++) {
    const a = order[p]!
    const aMax = maxX[a]!
    for (let q = p + 1; q < n; q++) {
      const b = order[q]!
      if (minX[b]! > aMax) break
      const gap = Math.abs(a - b)
      if (gap === 1 || gap === n - 1) continue
      if (properlyCross(ring[a]!, ring[a + 1]!, ring[b]!, ring[b + 1]!)) return a < b ? [a, b] : [b, a]
    }
  }
  return null
}

/** Why a ring is not a valid linear ring (RFC 7946 3.1.6), or null. */
export function ringProblem(ring: Ring): string | null {
  if (ring.length < 4) return `a ring needs at least 4 positions (the last repeating the first); this one has ${ring.length}`
  const first = ring[0]!
  const last = ring[ring.length - 1]!
  if (first[0] !== last[0] || first[1] !== last[1]) return 'the ring is not closed: its last position must repeat its first'
  const crossing = selfCrossing(ring)
  if (crossing) return `the ring crosses itself: edge ${crossing[0]} crosses edge ${crossing[1]}`
  return null
}

/** Signed area (in square degrees) and centroid of a ring. */
export function ringCentroid(ring: Ring): { area: number; lon: number; lat: number } {
  let a = 0
  let cx = 0
  let cy = 0
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = ring[i]!
    const [x2, y2] = ring[i + 1]!
    const f = x1 * y2 - x2 * y1
    a += f
    cx += (x1 + x2) * f
    cy += (y1 + y2) * f
  }
  if (a === 0) return { area: 0, lon: ring[0]![0], lat: ring[0]![1] }
  return { area: a / 2, lon: cx / (3 * a), lat: cy / (3 * a) }
}

/** Distance in km from a point to the segment ab, in a flat projection around the point. */
export function distanceToSegmentKm(lat: number, lon: number, a: Position, b: Position): number {
  const kx = KM_PER_DEG_LON_EQUATOR * Math.cos((lat * Math.PI) / 180)
  const ax = (a[0] - lon) * kx
  const ay = (a[1] - lat) * KM_PER_DEG_LAT
  const bx = (b[0] - lon) * kx
  const by = (b[1] - lat) * KM_PER_DEG_LAT
  const dx = bx - ax
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2))
  return Math.hypot(ax + t * dx, ay + t * dy)
}

/** The point halfway along a line's length (in degrees, good enough for a map marker). */
export function midpointOfLine(lines: readonly (readonly Position[])[]): { lat: number; lon: number } | null {
  const segs: { a: Position; b: Position; len: number }[] = []
  for (const line of lines) {
    for (let i = 0; i < line.length - 1; i++) segs.push({ a: line[i]!, b: line[i + 1]!, len: Math.hypot(line[i + 1]![0] - line[i]![0], line[i + 1]![1] - line[i]![1]) })
  }
  if (segs.length === 0) return lines[0]?.[0] ? { lon: lines[0][0][0], lat: lines[0][0][1] } : null
  let rest = segs.reduce((s, x) => s + x.len, 0) / 2
  for (const s of segs) {
    if (rest <= s.len) {
      const t = s.len === 0 ? 0 : rest / s.len
      return { lon: s.a[0] + t * (s.b[0] - s.a[0]), lat: s.a[1] + t * (s.b[1] - s.a[1]) }
    }
    rest -= s.len
  }
  const last = segs[segs.length - 1]!.b
  return { lon: last[0], lat: last[1] }
}
