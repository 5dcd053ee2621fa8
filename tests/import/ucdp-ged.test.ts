import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { taxonomy } from '../helpers/test-app.js'
import { ROOT } from '../../src/paths.js'
import { readSourceRows } from '../../src/import/source-rows.js'
import { CrosswalkError, loadUcdpCrosswalk, parseUcdpCrosswalk } from '../../src/import/ucdp-crosswalk.js'
import { ucdpToReport } from '../../src/import/ucdp-ged.js'
import { HISTORIC_NOW, validateInput } from '../../src/import/validate-input.js'
import type { SourceRow } from '../../src/import/source-row.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'

const FIXTURES = path.join(ROOT, 'tests/fixtures/ucdp')
const cw = loadUcdpCrosswalk(taxonomy)
const geojson = [...readSourceRows(path.join(FIXTURES, 'ucdp-ged-23.1-car-19-events.geojson'))]
const csv = [...readSourceRows(path.join(FIXTURES, 'ucdp-ged-23.1-car-19-events.csv'))]

type Input = Record<string, any>

function convert(row: SourceRow): Input {
  const out = ucdpToReport(row, cw, 'MINUSCA')
  if (!out.ok) throw new Error(JSON.stringify(out.problems))
  return out.input
}

const event = (id: number, rows = geojson) => convert(rows.find((r) => Number(r.values.id) === id)!)
/** A real event with some fields changed, for cases the CAR data does not hold. */
const altered = (id: number, changes: Record<string, unknown>): SourceRow => {
  const row = geojson.find((r) => Number(r.values.id) === id)!
  return { ref: row.ref, values: { ...row.values, ...changes } }
}

describe('UCDP GED crosswalk (schemas/crosswalks/ucdp-ged.yaml)', () => {
  it('id, date, place and geometry: UCDP-<id>, 00:00 UTC, GeoJSON [lon, lat] read the right way round', () => {
    const r = event(375198)
    expect(r).toMatchObject({
      id: 'UCDP-375198', mission: 'MINUSCA', occurredAt: '2020-12-15T00:00:00.000Z',
      location: { lat: 4.954531, lon: 19.13596, precision: 'exact', admin1: "Ombella-M'Poko", admin2: 'Damara', place: 'Nzawa village' },
      tags: ['ucdp-ged', 'ucdp-violence-1', 'ucdp-conflict-416'],
      source: { sourceId: 'UCDP-GED' },
    })
    expect(r.narrative).toContain('Central African Republic: Government (Government of Central African Republic - CPC)')
  })

  it('type of violence and sides: state-based ARM.CLASH, non-state with an identity militia COM.CLASH, other non-state ARM.CLASH, one-sided POC.KILL', () => {
    expect(event(375198)).toMatchObject({ category: 'ARM.CLASH', targets: ['STATE_FORCES', 'ARMED_GROUP'],
      actors: [{ name: 'Government of Central African Republic', type: 'state-force' }, { name: 'CPC', type: 'armed-group' }] })
    expect(event(157140)).toMatchObject({ category: 'COM.CLASH', targets: ['ARMED_GROUP'],
      actors: [{ name: 'Christians (CAR)', type: 'communal-militia' }, { name: 'Muslims (CAR)', type: 'communal-militia' }] })
    expect(event(157403)).toMatchObject({ category: 'COM.CLASH', actors: [{ name: 'anti-Balaka', type: 'communal-militia' }, { name: 'UPC', type: 'armed-group' }] })
    expect(event(240539)).toMatchObject({ category: 'COM.CLASH', actors: [{ name: 'anti-Balaka' }, { name: 'Peuhl militia (Zemio)', type: 'communal-militia' }] })
    expect(event(292831)).toMatchObject({ category: 'ARM.CLASH', targets: ['ARMED_GROUP'], actors: [{ name: 'FPRC', type: 'armed-group' }, { name: 'MLCJ', type: 'armed-group' }] })
    // Civilians are the victims, not an actor.
    expect(event(240362)).toMatchObject({ category: 'POC.KILL', targets: ['CIVILIAN'], actors: [{ name: 'UPC', type: 'armed-group' }] })
    expect(event(113825)).toMatchObject({ category: 'POC.KILL', actors: [{ name: 'Government of Central African Republic', type: 'state-force' }] })
  })

  it('deaths: civilians to killed.civilian, both sides and unknown to killed.other, never injured; no UN casualties', () => {
    expect(event(197897).casualties).toEqual({ killed: { un: { military: 0 }, civilian: 0, other: 1 + 3 + 11 } })
    expect(event(240362).casualties).toEqual({ killed: { un: { military: 0 }, civilian: 15, other: 0 } })
    expect(event(375198).casualties.killed).toMatchObject({ civilian: 0, other: 7 })
  })

  it('a side that is the UN makes it HOS.DIRECT, that side\'s deaths UN military killed and the UN no actor', () => {
    const r = convert(altered(375198, { side_b: 'MINUSCA', deaths_a: 2, deaths_b: 3, deaths_unknown: 1 }))
    expect(r).toMatchObject({
      category: 'HOS.DIRECT', targets: ['UN_MIL'],
      casualties: { killed: { un: { military: 3 }, civilian: 0, other: 3 } },
      actors: [{ name: 'Government of Central African Republic', type: 'state-force' }],
    })
  })

  it('where_prec 1-7 to location precision', () => {
    expect([375198, 240539, 328985, 176093, 232689, 157355].map((id) => event(id).location.precision))
      .toEqual(['exact', 'near', 'admin2', 'admin1', 'country', 'country'])
    expect(convert(altered(375198, { where_prec: 7 })).location.precision).toBe('country')
  })

  it('date_prec 1-5 to date precision, and a date range placed at its end', () => {
    expect([375198, 292831, 113795, 328985, 157355].map((id) => [event(id).datePrecision, event(id).occurredAt])).toEqual([
      ['day', '2020-12-15T00:00:00.000Z'],
      ['week', '2019-07-15T00:00:00.000Z'], // 2019-07-14 to 2019-07-15
      ['week', '2014-01-18T00:00:00.000Z'], // 2014-01-12 to 2014-01-18
      ['month', '2019-02-28T00:00:00.000Z'], // 2019-02-01 to 2019-02-28
      ['month', '2014-12-31T00:00:00.000Z'], // 2014-10-01 to 2014-12-31
    ])
    expect(event(157355).narrative).toContain('Between 2014-10-01 and 2014-12-31.')
  })

  it('event_clarity and number_of_sources to the Admiralty grade, as the crosswalk table says', () => {
    const grade = (id: number) => `${event(id).source.reliability}${event(id).source.credibility}`
    expect({
      'clear, 3 sources': grade(375198), 'clear, 4 sources': grade(113825), 'clear, 1 source': grade(157140),
      'clear, not recorded': grade(36210), 'unclear, 11 sources': grade(113821), 'unclear, 1 source': grade(328985),
      'unclear, not recorded': grade(36211),
    }).toEqual({
      'clear, 3 sources': 'B2', 'clear, 4 sources': 'B2', 'clear, 1 source': 'C2',
      'clear, not recorded': 'C3', 'unclear, 11 sources': 'C3', 'unclear, 1 source': 'D3',
      'unclear, not recorded': 'D3',
    })
  })

  it('adm_1 and adm_2 without their type suffix; an empty one is left out', () => {
    expect(event(113825).location).toMatchObject({ admin1: 'Bangui', admin2: 'Bangui' })
    expect(event(176093).location).toMatchObject({ admin1: 'Haut-Mbomou' })
    expect(event(176093).location).not.toHaveProperty('admin2')
    expect(event(157355).location).not.toHaveProperty('admin1')
  })

  it('the CSV layout gives exactly the reports the GeoJSON gives, and every one passes the normal validation', () => {
    expect(csv.map(convert)).toEqual(geojson.map(convert))
    for (const input of geojson.map(convert)) {
      const v = validateInput(input, { taxonomy, missions: DEFAULT_MISSIONS, now: HISTORIC_NOW })
      expect(v.ok, JSON.stringify(v)).toBe(true)
    }
  })

  it('the same row always gives the same report (so re-importing replays)', () => {
    expect(geojson.map(convert)).toEqual(geojson.map(convert))
  })

  it('refuses rows without a usable date or coordinates or with an unknown type, saying why', () => {
    const rows = [...readSourceRows(path.join(FIXTURES, 'ucdp-ged-4-rows-3-rejected-no-date-no-coordinates-bad-violence.csv'))]
    const out = rows.map((r) => ucdpToReport(r, cw, 'MINUSCA'))
    expect(out.map((o) => o.ok)).toEqual([true, false, false, false])
    expect(out.slice(1).map((o) => (o.ok ? null : [o.id, o.problems.map((p) => p.reason)]))).toEqual([
      ['UCDP-157140', ['no usable date (date_start, date_end)']],
      ['UCDP-157403', ['no usable coordinates (latitude, longitude)']],
      ['UCDP-292831', ['unknown type_of_violence']],
    ])
    const bad = ucdpToReport(altered(375198, { latitude: 0, longitude: 0, date_prec: 9, event_clarity: 3, deaths_a: -1 }), cw, 'MINUSCA')
    expect(bad.ok ? [] : bad.problems).toEqual([
      { reason: 'deaths_a is not a count of deaths', detail: '-1' },
      { reason: 'unknown date_prec', detail: '9' },
      { reason: 'no usable coordinates (latitude, longitude)', detail: '0, 0' },
      { reason: 'no Admiralty grade for event_clarity', detail: '3' },
    ])
  })

  it('checks the crosswalk file: every category must exist in the taxonomy', () => {
    const broken = { ...cw, categories: [{ typeOfViolence: 1, category: 'ARM.FIGHT' }] }
    expect(() => parseUcdpCrosswalk(broken, taxonomy)).toThrow(CrosswalkError)
    expect(() => parseUcdpCrosswalk(broken, taxonomy)).toThrow('categories.0.category: unknown taxonomy code ARM.FIGHT')
    expect(() => parseUcdpCrosswalk({ ...cw, locationPrecision: { 8: 'exact' } }, taxonomy)).toThrow(CrosswalkError)
  })
})
