import { describe, expect, it } from 'vitest'
import { areaAdjacency, type AreaOutline } from '../../src/gazetteer/area-adjacency.js'
import { loadGazetteers } from '../../src/gazetteer/gazetteer-loader.js'
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
})
