import { ringCentroid, type Ring } from './geometry.js'

/**
 * Point-in-polygon over one area's rings (outer rings and holes of all its parts alike: a point
 * is inside when a ray from it crosses the rings an odd number of times). The edges are binned
 * in latitude bands, so a test reads the few edges of one band instead of every edge of a
 * boundary of thousands of positions.
 */
export class AreaShape {
  readonly minLat: number
  readonly maxLat: number
  readonly minLon: number
  readonly maxLon: number
  private readonly bandHeight: number
  /** Edges binned by band, flat [lon1, lat1, lon2, lat2, ...]; band b's edges start at starts[b]. */
  private readonly edges: Float64Array
  private readonly starts: Uint32Array

  constructor(readonly rings: readonly Ring[]) {
    let minLat = Infinity
    let maxLat = -Infinity
    let minLon = Infinity
    let maxLon = -Infinity
    let edgeCount = 0
    for (const ring of rings) {
      edgeCount += Math.max(0, ring.length - 1)
      for (const [lon, lat] of ring) {
        if (lat < minLat) minLat = lat
        if (lat > maxLat) maxLat = lat
        if (lon < minLon) minLon = lon
        if (lon > maxLon) maxLon = lon
      }
    }
    this.minLat = minLat
    this.maxLat = maxLat
    this.minLon = minLon
    this.maxLon = maxLon
    const count = Math.max(1, Math.min(4096, Math.ceil(edgeCount / 8)))
    this.bandHeight = (maxLat - minLat) / count || 1
    // Two passes: count each band's edges, then fill one array (no per-band allocations).
    const sizes = new Uint32Array(count + 1)
    this.forEachEdge((_x1, y1, _x2, y2) => {
      for (let b = this.band(Math.min(y1, y2), count); b <= this.band(Math.max(y1, y2), count); b++) sizes[b + 1]!++
    })
    for (let b = 0; b < count; b++) sizes[b + 1]! += sizes[b]!
    this.starts = sizes
    this.edges = new Float64Array(sizes[count]! * 4)
    const fill = Uint32Array.from(sizes)
    this.forEachEdge((x1, y1, x2, y2) => {
      for (let b = this.band(Math.min(y1, y2), count); b <= this.band(Math.max(y1, y2), count); b++) {
        const at = fill[b]!++ * 4
        this.edges[at] = x1
        this.edges[at + 1] = y1
        this.edges[at + 2] = x2
        this.edges[at + 3] = y2
      }
    })
  }

  /** Every edge that can decide a crossing (a horizontal edge never does). */
  private forEachEdge(f: (x1: number, y1: number, x2: number, y2: number) => void) {
    for (const ring of this.rings) {
      for (let i = 0; i < ring.length - 1; i++) {
        const [x1, y1] = ring[i]!
        const [x2, y2] = ring[i + 1]!
        // Each edge written south to north: two areas sharing it compute the same crossing, so a
        // point on a shared border falls in exactly one of them.
        if (y1 < y2) f(x1, y1, x2, y2)
        else if (y1 > y2) f(x2, y2, x1, y1)
      }
    }
  }

  private band(lat: number, count: number): number {
    return Math.max(0, Math.min(count - 1, Math.floor((lat - this.minLat) / this.bandHeight)))
  }

  contains(lat: number, lon: number): boolean {
    if (lat < this.minLat || lat > this.maxLat || lon < this.minLon || lon > this.maxLon) return false
    const b = this.band(lat, this.starts.length - 1)
    const edges = this.edges
    let inside = false
    for (let i = this.starts[b]! * 4, end = this.starts[b + 1]! * 4; i < end; i += 4) {
      const y1 = edges[i + 1]!
      const y2 = edges[i + 3]!
      if ((y1 > lat) === (y2 > lat)) continue
      const x1 = edges[i]!
      if (lon < x1 + ((lat - y1) * (edges[i + 2]! - x1)) / (y2 - y1)) inside = !inside
    }
    return inside
  }

  /**
   * A point inside the area for a map marker or a names-only report: the centroid of its largest
   * part when that lies inside, else the middle of the widest inside stretch of the horizontal
   * line through it (a crescent's centroid lies outside it).
   */
  interiorPoint(): { lat: number; lon: number } {
    let best = { area: 0, lon: (this.minLon + this.maxLon) / 2, lat: (this.minLat + this.maxLat) / 2 }
    for (const ring of this.rings) {
      const c = ringCentroid(ring)
      if (Math.abs(c.area) > Math.abs(best.area)) best = c
    }
    if (this.contains(best.lat, best.lon)) return { lat: best.lat, lon: best.lon }
    const lat = best.lat
    const xs: number[] = []
    for (const ring of this.rings) {
      for (let i = 0; i < ring.length - 1; i++) {
        const [x1, y1] = ring[i]!
        const [x2, y2] = ring[i + 1]!
        if ((y1 > lat) !== (y2 > lat)) xs.push(x1 + ((lat - y1) * (x2 - x1)) / (y2 - y1))
      }
    }
    xs.sort((a, b) => a - b)
    let mid = { lat, lon: best.lon }
    let widest = -1
    for (let i = 0; i + 1 < xs.length; i += 2) {
      if (xs[i + 1]! - xs[i]! > widest) {
        widest = xs[i + 1]! - xs[i]!
        mid = { lat, lon: (xs[i]! + xs[i + 1]!) / 2 }
      }
    }
    return mid
  }
}

const CELL_DEG = 1

/** Areas of one level, found by a 1-degree grid over their bounding boxes, then by their shapes. */
export class AreaIndex<T> {
  private readonly cells = new Map<number, number[]>()

  constructor(private readonly entries: readonly { item: T; shape: AreaShape }[]) {
    entries.forEach(({ shape }, i) => {
      for (let y = Math.floor(shape.minLat / CELL_DEG); y <= Math.floor(shape.maxLat / CELL_DEG); y++) {
        for (let x = Math.floor(shape.minLon / CELL_DEG); x <= Math.floor(shape.maxLon / CELL_DEG); x++) {
          const key = this.key(y, x)
          const list = this.cells.get(key)
          if (list) list.push(i)
          else this.cells.set(key, [i])
        }
      }
    })
  }

  private key(y: number, x: number): number {
    return (y + 90) * 1000 + (x + 180)
  }

  /** The first area (in file order) that holds the point. */
  at(lat: number, lon: number): T | null {
    const list = this.cells.get(this.key(Math.floor(lat / CELL_DEG), Math.floor(lon / CELL_DEG)))
    if (!list) return null
    for (const i of list) {
      const e = this.entries[i]!
      if (e.shape.contains(lat, lon)) return e.item
    }
    return null
  }
}
