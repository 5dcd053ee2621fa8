import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../src/paths.js'
import { loadGazetteers } from '../../src/gazetteer/gazetteer-loader.js'
import { placeReport, type PlaceInput, type Placement } from '../../src/gazetteer/placement.js'
import { LOCATION_PRECISIONS } from '../../src/gazetteer/location-precision.js'
import type { Gazetteer } from '../../src/gazetteer/gazetteer-types.js'

function gazetteer(dir: string, mission: string): Gazetteer {
  const r = loadGazetteers(path.join(ROOT, dir))
  if (!r.set) throw new Error(JSON.stringify(r.problems))
  return r.set.get(mission)!
}

const minusca = gazetteer('schemas/gazetteer', 'MINUSCA')
const g = gazetteer('tests/fixtures/gazetteer/minutest-5-areas-3-sites-1-route', 'MINUTEST')
const KM_PER_DEG_LAT = 110.574

function placed(p: Placement) {
  if ('problems' in p) throw new Error(`expected a place, got problems: ${JSON.stringify(p.problems)}`)
  return p
}

describe('placement by coordinates', () => {
  it('gives admin1 and admin2 (names and P-codes), the site within its radius and the route within its corridor', () => {
    // 3.3 km east of Kilo (radius 5) and 5.5 km south of MSR-1 (corridor 2): at the site, not on the route.
    const { place, notes } = placed(placeReport(g, { lat: 0.75, lon: 11.53, precision: 'exact' }))
    expect(place).toEqual({
      lat: 0.75, lon: 11.53, precision: 'exact', gazetteerVersion: g.version,
      admin1: 'Bêta', admin1Pcode: 'TT02', admin2: 'Beta North', admin2Pcode: 'TT0201',
      site: 'Kilo', siteId: 'kilo', siteKind: 'base', distanceToSiteKm: 3.336,
    })
    expect(notes).toEqual([])
    const onRoute = placed(placeReport(g, { lat: 0.8 + 1 / KM_PER_DEG_LAT, lon: 11.5, precision: 'near' })).place
    expect(onRoute).toMatchObject({ route: 'MSR-1', routeName: 'Alpha-Beta road', distanceToRouteKm: 1, admin2Pcode: 'TT0201' })
    expect(onRoute.site).toBe(undefined)
  })

  it('places a UCDP point in Bambari in Ouaka (CF43), at the Bambari base', () => {
    const { place } = placed(placeReport(minusca, { lat: 5.7639, lon: 20.6707, precision: 'exact' }))
    expect(place).toMatchObject({ admin1: 'Ouaka', admin1Pcode: 'CF43', site: 'Bambari', siteId: 'bambari', siteKind: 'base' })
    expect(place.admin2).toBe(undefined)
  })

  it('leaves out the site and route when the coordinates are too coarse to say (precision admin2)', () => {
    const { place } = placed(placeReport(g, { lat: 0.75, lon: 11.5, precision: 'admin2' }))
    expect(place).toMatchObject({ precision: 'admin2', admin1Pcode: 'TT02', admin2Pcode: 'TT0201' })
    expect(place.site).toBe(undefined)
    const country = placed(placeReport(g, { lat: 0.75, lon: 11.5, precision: 'country' })).place
    expect(country).toEqual({ lat: 0.75, lon: 11.5, precision: 'country', gazetteerVersion: g.version })
  })

  it('gives no area outside every area, and no note when no name was given', () => {
    expect(placed(placeReport(minusca, { lat: 3.848, lon: 11.502, precision: 'exact' }))).toEqual({
      place: { lat: 3.848, lon: 11.502, precision: 'exact', gazetteerVersion: minusca.version }, notes: [],
    })
  })
})

describe('placement by names only', () => {
  it('places a site at its point, precision site, with the areas it lies in', () => {
    expect(placed(placeReport(g, { precision: 'exact', site: 'COB Kilo' }))).toEqual({
      place: {
        lat: 0.75, lon: 11.5, precision: 'site', gazetteerVersion: g.version, site: 'Kilo', siteId: 'kilo', siteKind: 'base',
        admin1: 'Bêta', admin1Pcode: 'TT02', admin2: 'Beta North', admin2Pcode: 'TT0201',
      },
      notes: [],
    })
  })

  it('places a route at its middle, precision route, keeping the areas given', () => {
    expect(placed(placeReport(g, { precision: 'exact', route: 'Main Supply Route 1', admin1: 'alpha prefecture' }))).toEqual({
      place: { lat: 0.8, lon: 11, precision: 'route', gazetteerVersion: g.version, route: 'MSR-1', routeName: 'Alpha-Beta road', admin1: 'Alpha', admin1Pcode: 'TT01' },
      notes: [],
    })
  })

  it('places an admin2 area at a point inside it, precision admin2, with its admin1', () => {
    expect(placed(placeReport(g, { precision: 'exact', admin2: 'Bêta-Sud' })).place).toEqual({
      lat: 0.25, lon: 11.5, precision: 'admin2', gazetteerVersion: g.version, admin2: 'Beta South', admin2Pcode: 'TT0202', admin1: 'Bêta', admin1Pcode: 'TT02',
    })
  })

  it('places an admin1 area at a point inside it (not in its hole), precision admin1', () => {
    expect(placed(placeReport(g, { precision: 'exact', admin1: 'ALPHA' })).place).toEqual({
      lat: 0.5, lon: 10.2, precision: 'admin1', gazetteerVersion: g.version, admin1: 'Alpha', admin1Pcode: 'TT01',
    })
  })

  it('places a UCDP province name on the real prefecture', () => {
    const { place, notes } = placed(placeReport(minusca, { precision: 'admin1', admin1: 'Ouham-Pendé province' }))
    expect(place).toMatchObject({ precision: 'admin1', admin1: 'Ouham Pendé', admin1Pcode: 'CF31' })
    expect(minusca.areaAt(place.lat!, place.lon!, 1)?.pcode).toBe('CF31')
    expect(notes).toEqual([])
  })

  it('uses the finest name given, and a name that spells the same feature differently gets no note', () => {
    const { place, notes } = placed(placeReport(g, { precision: 'exact', site: 'Kilo', admin2: 'beta north', admin1: 'Beta Region' }))
    expect(place).toMatchObject({ precision: 'site', siteId: 'kilo', admin2Pcode: 'TT0201', admin1Pcode: 'TT02' })
    expect(notes).toEqual([])
  })

  it('passes a route through as given when the gazetteer has no routes (MINUSCA)', () => {
    const { place, notes } = placed(placeReport(minusca, { precision: 'exact', route: 'MSR-1', site: 'Bambari' }))
    expect(place).toMatchObject({ precision: 'site', site: 'Bambari', route: 'MSR-1', admin1Pcode: 'CF43' })
    expect(place.routeName).toBe(undefined)
    expect(notes).toEqual([])
    expect(placed(placeReport(minusca, { precision: 'exact', route: 'MSR-1' })).place)
      .toEqual({ lat: null, lon: null, precision: 'route', route: 'MSR-1', gazetteerVersion: minusca.version })
  })
})

describe('disagreements', () => {
  it('lets coordinates win over an admin1 name, with a note', () => {
    const { place, notes } = placed(placeReport(g, { lat: 0.2, lon: 11.2, precision: 'exact', admin1: 'Alpha' }))
    expect(place).toMatchObject({ admin1: 'Bêta', admin1Pcode: 'TT02' })
    expect(notes).toEqual([{
      field: 'location.admin1', given: 'Alpha', resolved: 'Bêta (TT02)',
      message: "'Alpha' is Alpha (TT01), but the coordinates lie in Bêta (TT02); the coordinates win",
    }])
  })

  it('lets coordinates win over a site name when they lie outside its radius, with a note', () => {
    const { place, notes } = placed(placeReport(g, { lat: 0.75, lon: 11.6, precision: 'near', site: 'Kilo' }))
    expect(place.site).toBe(undefined)
    expect(notes).toEqual([{
      field: 'location.site', given: 'Kilo', resolved: null,
      message: "'Kilo' is Kilo (kilo), but the coordinates lie outside the 5 km radius of Kilo (kilo); the coordinates win",
    }])
  })

  it('lets a site name win over coarser coordinates (precision admin1) that lie elsewhere, with a note', () => {
    const { place, notes } = placed(placeReport(g, { lat: 0.2, lon: 10.2, precision: 'admin1', site: 'Kilo' }))
    expect(place).toMatchObject({ lat: 0.75, lon: 11.5, precision: 'site', siteId: 'kilo', admin1Pcode: 'TT02' })
    expect(notes).toEqual([{
      field: 'location.precision', given: '0.2, 10.2 (admin1)', resolved: '0.75, 11.5 (site)',
      message: 'the coordinates lie outside the 5 km radius of Kilo (kilo), but their precision admin1 is coarser than the site Kilo (kilo); placed at the site',
    }])
  })

  it('lets coordinates of the name\'s own precision win (UCDP province points), and coarser ones lose', () => {
    // UCDP event 229738: "Nana-Mambéré province", where_prec 4, coded at 6.0 N 16.0 E, in Ouham Pendé on the COD-AB.
    expect(minusca.areaAt(6, 16, 1)?.pcode).toBe('CF31')
    const same = placed(placeReport(minusca, { lat: 6, lon: 16, precision: 'admin1', admin1: 'Nana-Mambéré province' }))
    expect(same.place).toMatchObject({ lat: 6, lon: 16, precision: 'admin1', admin1: 'Ouham Pendé', admin1Pcode: 'CF31' })
    expect(same.notes).toEqual([{
      field: 'location.admin1', given: 'Nana-Mambéré province', resolved: 'Ouham Pendé (CF31)',
      message: "'Nana-Mambéré province' is Nana-Mambéré (CF22), but the coordinates lie in Ouham Pendé (CF31); the coordinates win",
    }])
    const coarser = placed(placeReport(minusca, { lat: 6, lon: 16, precision: 'country', admin1: 'Nana-Mambéré province' }))
    expect(coarser.place).toMatchObject({ precision: 'admin1', admin1: 'Nana-Mambéré', admin1Pcode: 'CF22' })
    expect(minusca.areaAt(coarser.place.lat!, coarser.place.lon!, 1)?.pcode).toBe('CF22')
    expect(coarser.notes.map((n) => n.message)).toEqual([
      'the coordinates lie in Ouham Pendé (CF31), but their precision country is coarser than the admin1 area Nana-Mambéré (CF22); placed at the admin1 area',
    ])
  })

  it('says when a coarser name disagrees with where the finer named feature lies', () => {
    const { place, notes } = placed(placeReport(g, { precision: 'exact', site: 'Kilo', admin1: 'Alpha' }))
    expect(place.admin1Pcode).toBe('TT02')
    expect(notes).toEqual([{
      field: 'location.admin1', given: 'Alpha', resolved: 'Bêta (TT02)',
      message: "'Alpha' is Alpha (TT01), but the site Kilo (kilo) lies in Bêta (TT02); the finer name wins",
    }])
  })
})

describe('unknown names', () => {
  it('without coordinates: a problem at location.<field> naming the closest names, every field at once', () => {
    expect(placeReport(g, { precision: 'exact', site: 'Kilp', admin1: 'Alpah' })).toEqual({
      problems: [
        { path: 'location.site', message: "unknown site 'Kilp' in the MINUTEST gazetteer; closest: Kilo, Enclave City HQ, Lima PoC site", detail: { closest: ['Kilo', 'Enclave City HQ', 'Lima PoC site'] } },
        { path: 'location.admin1', message: "unknown admin1 area 'Alpah' in the MINUTEST gazetteer; closest: Alpha, Bêta, Enclave City", detail: { closest: ['Alpha', 'Bêta', 'Enclave City'] } },
      ],
    })
    const p = placeReport(minusca, { precision: 'exact', admin1: 'Ouka' })
    expect('problems' in p && p.problems[0]!.detail!.closest[0]).toBe('Ouaka')
  })

  it('with coordinates: a note, and the coordinates place the report', () => {
    const { place, notes } = placed(placeReport(g, { lat: 0.75, lon: 11.53, precision: 'exact', site: 'Camp Mike' }))
    expect(place.siteId).toBe('kilo')
    expect(notes).toEqual([{
      field: 'location.site', given: 'Camp Mike', resolved: 'Kilo (kilo)',
      message: "'Camp Mike' is not a site of the MINUTEST gazetteer; placed in Kilo (kilo) by the coordinates",
    }])
  })
})

describe('without a gazetteer for the mission', () => {
  it('keeps names and coordinates as given, with no notes', () => {
    expect(placeReport(undefined, { lat: 16.27, lon: -0.04, precision: 'exact', admin1: 'Gao', route: 'MSR-1' })).toEqual({
      place: { lat: 16.27, lon: -0.04, precision: 'exact', admin1: 'Gao', route: 'MSR-1' }, notes: [],
    })
  })

  it('gives null coordinates and the finest name as precision when there are no coordinates', () => {
    expect(placeReport(undefined, { precision: 'exact', admin1: 'Gao', site: 'Camp Gao' })).toEqual({
      place: { lat: null, lon: null, precision: 'site', admin1: 'Gao', site: 'Camp Gao' }, notes: [],
    })
  })
})

describe('determinism', () => {
  it('gives the same place and notes for the same input, every precision', () => {
    for (const precision of LOCATION_PRECISIONS) {
      const input: PlaceInput = { lat: 0.2, lon: 10.2, precision, admin1: 'Beta', site: 'Kilo', route: 'MSR-1' }
      expect(placeReport(g, input)).toEqual(placeReport(g, { ...input }))
    }
  })

  it('lists the precisions finest first', () => {
    expect(LOCATION_PRECISIONS).toEqual(['exact', 'near', 'site', 'route', 'admin2', 'admin1', 'country'])
  })
})
