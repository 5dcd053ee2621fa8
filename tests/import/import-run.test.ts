import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { taxonomy, tempDir } from '../helpers/test-app.js'
import { ROOT, STANDARD_RULES_DIR } from '../../src/paths.js'
import { manualClock } from '../../src/clock.js'
import { createServices } from '../../src/services.js'
import { openStore, type Store } from '../../src/storage/store.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import { buildRuleSet } from '../../src/rules/rule-set.js'
import { readSourceRows } from '../../src/import/source-rows.js'
import { rowConverter } from '../../src/import/import-format.js'
import { formatImportSummary, importToDb, importToNdjson, type ImportSource } from '../../src/import/import-run.js'
import { HISTORIC_NOW } from '../../src/import/validate-input.js'
import type { SourceRow } from '../../src/import/source-row.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'

const UCDP = path.join(ROOT, 'tests/fixtures/ucdp')
const GEOJSON = path.join(UCDP, 'ucdp-ged-23.1-car-19-events.geojson')
const CSV = path.join(UCDP, 'ucdp-ged-23.1-car-19-events.csv')
const BAD = path.join(UCDP, 'ucdp-ged-4-rows-3-rejected-no-date-no-coordinates-bad-violence.csv')
const checked = checkRuleDir(STANDARD_RULES_DIR, taxonomy)
const set = buildRuleSet(checked.rules, checked.version, 0)
const convert = rowConverter({ format: 'ucdp-ged', mission: 'MINUSCA', taxonomy })

const source = (file: string, rows: Iterable<SourceRow> = readSourceRows(file)): ImportSource => ({ rows, convert, total: null })

const opened: { store: Store; services: ReturnType<typeof createServices> }[] = []

/** The service graph on a fresh database, its clock standing at `now`. */
function database(now = '2026-03-01T12:00:00Z') {
  const store = openStore(path.join(tempDir(), 'vigil.db'))
  const services = createServices({ store, taxonomy, missions: DEFAULT_MISSIONS, rules: { current: () => set }, clock: manualClock(now) })
  opened.push({ store, services })
  return services
}

afterEach(async () => {
  for (const { store, services } of opened.splice(0)) {
    await services.queue.close()
    store.close()
  }
})

describe('import into the database (through the normal ingest)', () => {
  it('stores every event as a report, evaluated as if posted', async () => {
    const services = database()
    const s = await importToDb(source(GEOJSON), services.ingest)
    expect(s).toMatchObject({ rows: 19, imported: 19, duplicates: 0, rejected: 0, reasons: [] })
    expect(services.reports.count()).toBe(19)
    expect(services.reports.get('UCDP-240362')!.report).toMatchObject({ category: 'POC.KILL', casualties: { killed: { civilian: 15 } } })
  })

  it('importing the same events again changes nothing, from GeoJSON or from the CSV layout', async () => {
    const services = database()
    await importToDb(source(GEOJSON), services.ingest)
    const before = { alerts: services.alerts.all(), history: services.reports.history('UCDP-375198') }
    expect(await importToDb(source(GEOJSON), services.ingest)).toMatchObject({ imported: 0, duplicates: 19, rejected: 0 })
    expect(await importToDb(source(CSV), services.ingest)).toMatchObject({ imported: 0, duplicates: 19, rejected: 0 })
    expect(services.reports.count()).toBe(19)
    expect(services.alerts.all()).toEqual(before.alerts)
    expect(services.reports.history('UCDP-375198')).toEqual(before.history)
  })

  it('reports rejected rows with their reasons, grouped, whether the crosswalk or the intake refused them', async () => {
    // The clock in 2016: the intake refuses the later events as lying in the future.
    const services = database('2016-01-01T00:00:00Z')
    const s = await importToDb(source(BAD), services.ingest)
    expect(s).toMatchObject({ rows: 4, imported: 0, rejected: 4 })
    expect(s.reasons.map((g) => [g.reason, g.count, g.examples.map((e) => `${e.ref} ${e.id}`)])).toEqual([
      ['no usable date (date_start, date_end)', 1, ['line 3 UCDP-157140']],
      ['no usable coordinates (latitude, longitude)', 1, ['line 4 UCDP-157403']],
      ['unknown type_of_violence', 1, ['line 7 UCDP-292831']],
      ['occurredAt: lies in the future', 1, ['line 2 UCDP-375198']],
    ])
    expect(formatImportSummary(s, 'vigil.db')).toBe([
      `4 row(s) read in ${s.seconds.toFixed(1)}s: imported 0, skipped as duplicates 0, rejected 4 (vigil.db)`,
      'rejected:',
      '       1  no usable date (date_start, date_end)  (line 3 UCDP-157140 [/])',
      '       1  no usable coordinates (latitude, longitude)  (line 4 UCDP-157403 [, ])',
      '       1  unknown type_of_violence  (line 7 UCDP-292831 [9])',
      '       1  occurredAt: lies in the future  (line 2 UCDP-375198)',
      '',
    ].join('\n'))
  })

  it('refuses a changed source row under an id already stored, and says how to revise it', async () => {
    const services = database()
    await importToDb(source(GEOJSON), services.ingest)
    const changed = [...readSourceRows(GEOJSON)].map((r) => (r.values.id === 240362 ? { ...r, values: { ...r.values, deaths_civilians: 16 } } : r))
    const s = await importToDb(source(GEOJSON, changed), services.ingest)
    expect(s).toMatchObject({ imported: 0, duplicates: 18, rejected: 1 })
    expect(s.reasons).toEqual([{
      reason: 'report <id> already exists with different content; send a revision with PUT /reports/<id>',
      count: 1, examples: [{ ref: 'feature 6', id: 'UCDP-240362' }],
    }])
    expect(services.reports.get('UCDP-240362')!.report.casualties.killed.civilian).toBe(15)
  })
})

describe('import to NDJSON (--out)', () => {
  const ctx = { taxonomy, missions: DEFAULT_MISSIONS, now: HISTORIC_NOW }

  it('writes one validated report input per line, the same file every time, repeats skipped as duplicates', () => {
    const out = path.join(tempDir(), 'out', 'car.ndjson')
    const twice = [...readSourceRows(GEOJSON), ...readSourceRows(GEOJSON)]
    expect(importToNdjson(source(GEOJSON, twice), out, ctx)).toMatchObject({ rows: 38, imported: 19, duplicates: 19, rejected: 0 })
    const first = fs.readFileSync(out, 'utf8')
    const lines = first.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; datePrecision: string })
    expect(lines.map((l) => l.id)).toContain('UCDP-36210')
    expect(lines[0]).toMatchObject({ id: 'UCDP-375198', datePrecision: 'day' })
    importToNdjson(source(GEOJSON), out, ctx)
    expect(fs.readFileSync(out, 'utf8')).toBe(first)
    expect(fs.existsSync(`${out}.partial`)).toBe(false)
  })

  it('lists rejected rows with reasons and leaves them out of the file', () => {
    const out = path.join(tempDir(), 'bad.ndjson')
    const s = importToNdjson(source(BAD), out, ctx)
    expect(s).toMatchObject({ rows: 4, imported: 1, rejected: 3 })
    expect(s.reasons.map((g) => g.reason)).toEqual(['no usable date (date_start, date_end)', 'no usable coordinates (latitude, longitude)', 'unknown type_of_violence'])
    expect(fs.readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(1)
  })
})
