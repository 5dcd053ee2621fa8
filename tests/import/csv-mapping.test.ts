import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { taxonomy } from '../helpers/test-app.js'
import { ROOT } from '../../src/paths.js'
import { readSourceRows } from '../../src/import/source-rows.js'
import { csvMappingConverter, dateParser, loadCsvMapping, MappingError, parseCsvMapping, safeId } from '../../src/import/csv-mapping.js'
import { HISTORIC_NOW, validateInput } from '../../src/import/validate-input.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'

const DIR = path.join(ROOT, 'tests/fixtures/csv-import')
const mapping = loadCsvMapping(path.join(DIR, 'minusca-joc-mapping.yaml'))
const rows = [...readSourceRows(path.join(DIR, 'minusca-joc-export-5-rows-2-rejected.csv'))]
const convert = csvMappingConverter(mapping, 'MINUSCA')
const validate = (input: Record<string, unknown>) => validateInput(input, { taxonomy, missions: DEFAULT_MISSIONS, now: HISTORIC_NOW })

describe('generic CSV import with a mapping file', () => {
  it('maps columns to fields, with value tables, local day-first dates and safe ids', () => {
    const first = convert(rows[0]!)
    expect(first).toEqual({
      ok: true,
      input: {
        id: 'MINUSCA-JOC-2020-0001',
        mission: 'MINUSCA',
        occurredAt: '2020-01-05T13:30:00.000Z', // 14:30 at UTC+1
        location: { lat: 5.7512, lon: 20.6701, admin1: 'Ouaka', admin2: 'Bambari' },
        category: 'Embuscade',
        casualties: { killed: { civilian: 0, un: { military: 1 } } },
        source: { reliability: 'B', credibility: 2, sourceId: 'MINUSCA-JOC' },
        narrative: 'Embuscade contre une patrouille, 2 km au nord de "Bambari"\nDeux véhicules touchés',
        targets: ['UN_MIL'],
      },
    })
  })

  it('lets the normal validation resolve the mission\'s own terms (aliases) and refuse what nobody knows', () => {
    const out = rows.map((r) => {
      const c = convert(r)
      return c.ok ? validate(c.input) : c
    })
    expect(out.map((o) => (o.ok ? `${o.report.id} ${o.report.category} (${o.report.categoryTerm})` : null))).toEqual([
      'MINUSCA-JOC-2020-0001 HOS.DIRECT (Embuscade)',
      'MINUSCA-JOC-2020-0002 POC.KILL (POC.KILL)',
      'MINUSCA-JOC-2020-0003 ARM.CLASH (Accrochage)',
      null,
      null,
    ])
    // Defaults fill empty cells: no credibility given in row 2, no grading at all in row 3.
    expect(out[1]!.ok && out[1]!.report.source).toEqual({ reliability: 'C', credibility: 3, sourceId: 'MINUSCA-JOC' })
    expect(out[2]!.ok && out[2]!.report.source).toEqual({ reliability: 'C', credibility: 3, sourceId: 'MINUSCA-JOC' })
    expect(out[3]).toEqual({ ok: false, id: 'MINUSCA-JOC-2020-0004', problems: [{ reason: "location.lat: not a number (column 'Latitude')", detail: 'n/a' }] })
    expect(out[4]).toMatchObject({ ok: false, id: 'MINUSCA-JOC-2020-0005', problems: [{ reason: expect.stringMatching(/^category: unknown category 'Inconnu'; closest: /) }] })
  })

  it('parses dates in the declared format and refuses impossible ones', () => {
    const p = dateParser('DD/MM/YYYY HH:mm')
    expect(p('31/12/2019 23:59')).toBe(Date.UTC(2019, 11, 31, 23, 59))
    expect(p('31/02/2019 10:00')).toBeNull()
    expect(p('2019-12-31')).toBeNull()
    expect(dateParser(undefined)('2019-12-31')).toBe(Date.UTC(2019, 11, 31))
    expect(dateParser(undefined)('2019-12-31 08:15')).toBe(Date.UTC(2019, 11, 31, 8, 15))
  })

  it('keeps ISO dates with a zone as they are', () => {
    const c = csvMappingConverter(parseCsvMapping({ id: { column: 'id' }, fields: { occurredAt: 'when' } }), 'MINUSMA')
    expect(c({ ref: 'line 2', values: { id: '7', when: '2020-01-05T14:30:00+01:00' } })).toEqual({
      ok: true, input: { id: 'MINUSMA-7', mission: 'MINUSMA', occurredAt: '2020-01-05T13:30:00.000Z' },
    })
  })

  it('refuses a row without an id', () => {
    expect(convert({ ref: 'line 9', values: { 'Date/heure': '05/01/2020 14:30' } })).toMatchObject({ ok: false, id: null, problems: [{ reason: "no id (column 'N° incident')" }] })
  })

  it('checks the mapping file: known fields only, a column or a constant, occurredAt required', () => {
    expect(() => parseCsvMapping({ id: { column: 'id' }, fields: { occurredAt: 'd', 'location.latitude': 'lat' } })).toThrow(MappingError)
    expect(() => parseCsvMapping({ id: { column: 'id' }, fields: { occurredAt: { column: 'd', value: 'x' } } })).toThrow('give either a column or a constant value')
    expect(() => parseCsvMapping({ id: { column: 'id' }, fields: { category: 'type' } })).toThrow('fields.occurredAt: required')
  })

  it('makes any source id safe for vigil', () => {
    expect(safeId('MINUSCA-', 'JOC/2020 #12')).toBe('MINUSCA-JOC-2020--12')
  })
})

describe('CSV import of the report model fields (issue 20)', () => {
  const fet = csvMappingConverter(loadCsvMapping(path.join(DIR, 'minusca-fet-mapping.yaml')), 'MINUSCA')
  const fetRows = [...readSourceRows(path.join(DIR, 'minusca-fet-export-3-rows-1-rejected.csv'))]

  it('fills the channel, the victims\' breakdown, the sensitivity, the partners and the CASEVAC times', () => {
    const out = fetRows.map((r) => {
      const c = fet(r)
      return c.ok ? validate(c.input) : c
    })
    expect(out[0]!.ok && out[0]!.report).toMatchObject({
      id: 'MINUSCA-FET-2020-001', category: 'POC.ABDUCT', sensitivity: 'public', releasableTo: ['ocha', 'unicef'],
      source: { reliability: 'B', credibility: 2, channel: 'female-engagement-team' },
      casualties: { abducted: { civilian: 4, breakdown: { civilian: { female: { child: 2 }, male: { child: 1 }, unknown: { unknown: 1 } } } } },
    })
    expect(out[1]!.ok && out[1]!.report).toMatchObject({
      sensitivity: 'internal', casualties: { injured: { un: { military: 2 } } },
      casevac: { injuredAt: '2020-01-06T08:00:00.000Z', surgeryAt: '2020-01-06T12:15:00.000Z' },
    })
    expect(out[1]!.ok && out[1]!.report).not.toHaveProperty('releasableTo')
    expect(out[2]).toMatchObject({ ok: false, id: 'MINUSCA-FET-2020-003', problems: [{ reason: expect.stringContaining('casualties.abducted.breakdown.civilian: the breakdown adds up to 1 but casualties.abducted.civilian is 3') }] })
  })
})
