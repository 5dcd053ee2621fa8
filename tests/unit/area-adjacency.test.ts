import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { areaAdjacency, type AreaOutline } from '../../src/gazetteer/area-adjacency.js'
import { loadGazetteers } from '../../src/gazetteer/gazetteer-loader.js'
import { GazetteerRegistry } from '../../src/gazetteer/gazetteer-registry.js'
import { GAZETTEER_DIR } from '../../src/paths.js'

/** A closed square ring, lower-left corner (lon, lat), side `s` degrees, a vertex every `s / n`. */
function square(lon: number, lat: number, s: number, n = 4): [number, number][] {
  const pts: [number, number][] = []
  for (let i = 0; i < n; i++) pts.push([lon + (s * i) / n, lat])
  for (let i = 0; i < n; i++) pts.push([lon + s, lat + (s * i) / n])
  for (let i = 0; i < n; i++) pts.push([lon + s - (s * i) / n, lat + s])
  for (let i = 0; i < n; i++) pts.push([lon, lat + s - (s * i) / n])
  pts.push([lon, lat])
  return pts
}

const area = (pcode: string, ring: [number, number][], level: 1 | 2 = 1): AreaOutline => ({ pcode, level, rings: [ring] })

describe('bordering areas from polygons', () => {
  // A B
  // C D   (E far away; F touches D only at a corner)
  const grid = [
    area('A', square(0, 1, 1)), area('B', square(1, 1, 1)),
    area('C', square(0, 0, 1)), area('D', square(1, 0, 1)),
    area('E', square(5, 5, 1)), area('F', square(2, -1, 1)),
  ]

  it('areas sharing an edge are neighbours both ways; a corner or a gap is not a border', () => {
    const adj = areaAdjacency(grid)
    expect(adj.get('A')).toEqual(['B', 'C'])
    expect(adj.get('D')).toEqual(['B', 'C'])
    expect(adj.get('E')).toEqual([])
    expect(adj.get('F')).toEqual([])
  })

  it('vertices off by less than the tolerance (rounding) still share the border; further apart they do not', () => {
    const nudged = square(1.002, 1, 1).map(([x, y]) => [x, y] as [number, number])
    expect(areaAdjacency([area('A', square(0, 1, 1)), area('B', nudged)]).get('A')).toEqual(['B'])
    const apart = square(1.05, 1, 1)
    expect(areaAdjacency([area('A', square(0, 1, 1)), area('B', apart)]).get('A')).toEqual([])
  })

  it('areas of different levels are never neighbours of each other', () => {
    const adj = areaAdjacency([area('A', square(0, 1, 1), 1), area('B2', square(1, 1, 1), 2)])
    expect(adj.get('A')).toEqual([])
    expect(adj.get('B2')).toEqual([])
  })

  it('the shipped MINUSCA prefectures (OCHA COD-AB): Bangui borders only Ombella-M\'Poko, Ouaka its five neighbours, symmetric', () => {
    const g = loadGazetteers(GAZETTEER_DIR).set!.get('MINUSCA')!
    expect(g.neighbours('CF71')).toEqual(['CF11'])
    expect(g.neighbours('CF43')).toEqual(['CF41', 'CF42', 'CF51', 'CF52', 'CF61'])
    for (const a of g.areas.filter((x) => x.level === 1)) {
      expect(g.neighbours(a.pcode).length, a.name).toBeGreaterThan(0)
      for (const n of g.neighbours(a.pcode)) expect(g.neighbours(n), `${n} borders ${a.pcode}`).toContain(a.pcode)
    }
  })

  it('is computed when a gazetteer set is loaded, so the first report asking for a neighbour fact (inside its write) pays nothing', () => {
    const registry = new GazetteerRegistry(GAZETTEER_DIR, () => Date.parse('2026-01-01T00:00:00Z'))
    expect(registry.reload('startup').ok).toBe(true)
    const g = registry.current().get('MINUSCA')!
    // Every area already has its entry; neighbours() hands out those very arrays, computing nothing.
    expect(g.adjacency.size).toBe(g.areas.length)
    for (const a of g.areas) expect(g.neighbours(a.pcode)).toBe(g.adjacency.get(a.pcode))
    expect(g.adjacency.get('CF71')).toEqual(['CF11'])
  })

  it('finds exactly the pairs a plain all-vertices comparison finds (property, random outlines and tolerances)', () => {
    /** The definition, vertex against vertex, with no binning. */
    const reference = (areas: AreaOutline[], tol: number, minShared: number) => {
      const shared = (a: AreaOutline, b: AreaOutline) => a.rings.flat().filter(([x, y]) => b.rings.flat().some(([u, v]) => Math.abs(u - x) <= tol && Math.abs(v - y) <= tol)).length
      return new Map(areas.map((a) => [a.pcode, areas.filter((b) => b !== a && b.level === a.level && shared(a, b) >= minShared && shared(b, a) >= minShared).map((b) => b.pcode).sort()]))
    }
    const coord = fc.integer({ min: -200, max: 200 }).map((i) => i / 1000)
    const outline = fc.record({
      level: fc.constantFrom(1 as const, 2 as const),
      rings: fc.array(fc.array(fc.tuple(coord, coord), { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 2 }),
    })
    fc.assert(fc.property(
      fc.array(outline, { minLength: 1, maxLength: 8 }), fc.constantFrom(0.005, 0.01, 0.03), fc.integer({ min: 1, max: 3 }),
      (raw, tol, minShared) => {
        const areas = raw.map((a, i) => ({ ...a, pcode: `P${i}` }))
        expect(areaAdjacency(areas, tol, minShared)).toEqual(reference(areas, tol, minShared))
      },
    ), { numRuns: 300 })
  })
})
