import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/test-app.js'
import { openStore, type Store } from '../../src/storage/store.js'
import { createIndicatorInputsRepo } from '../../src/storage/indicator-inputs-repo.js'
import { createSeriesLoader } from '../../src/storage/window-rows.js'
import { seriesRow } from '../../src/engine/window-state.js'
import type { IndicatorInputRow } from '../../src/engine/window-types.js'

let store: Store
beforeAll(() => { store = openStore(path.join(tempDir(), 'vigil.db')) })
afterAll(() => store.close())

const text = fc.string({ unit: 'binary', maxLength: 12 })
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null })
const row: fc.Arbitrary<IndicatorInputRow> = fc.record({
  indicatorId: fc.constantFrom('ARM-001', 'POC-002'),
  // Any text (SQLite orders it by UTF-8 bytes), and times that tie, so the order by input id shows.
  inputId: fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }),
  mission: fc.constantFrom('MINUSCA', 'UNMISS'),
  category: text, topCategory: text,
  occurredAt: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 4_000_000_000_000 })),
  lat: maybe(fc.double({ min: -90, max: 90, noNaN: true, noDefaultInfinity: true })),
  lon: maybe(fc.double({ min: -180, max: 180, noNaN: true, noDefaultInfinity: true })),
  admin1: maybe(text), admin2: maybe(text), admin1Pcode: maybe(text), admin2Pcode: maybe(text), route: maybe(text), site: maybe(text),
  source: text, reliability: fc.constantFrom('A', 'B', 'F'), credibility: fc.integer({ min: 1, max: 6 }), assessed: fc.boolean(),
  unKilled: fc.nat(1000), unInjured: fc.nat(1000), unAbducted: fc.nat(1000), civiliansKilled: fc.nat(100_000),
  vals: maybe(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), text, fc.boolean(), fc.constant(null)))),
})

describe('the window state read from SQLite in one JSON text per series', () => {
  it('hands back every stored input exactly as written: odd text, nulls, doubles to the last bit, vals, the active flag, in (occurredAt, inputId) order (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(row, { selector: (r) => `${r.indicatorId}\0${r.inputId}`, maxLength: 30 }), fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 4_000_000_000_000 })), (rows, from) => {
      store.writer.prepare('DELETE FROM indicator_inputs').run()
      const inputs = createIndicatorInputsRepo(store.writer)
      store.writer.transaction(() => { for (const r of rows) inputs.upsert(r) })()
      const off = rows.filter((_, i) => i % 4 === 1)
      for (const r of off) inputs.deactivate(r.inputId)
      const load = createSeriesLoader(store.writer)
      for (const indicatorId of ['ARM-001', 'POC-002']) {
        for (const mission of ['MINUSCA', 'UNMISS']) {
          const expected = rows
            .filter((r) => r.indicatorId === indicatorId && r.mission === mission && r.occurredAt > from)
            .map((r) => ({
              ...seriesRow(r, r.vals === null ? null : JSON.parse(JSON.stringify(r.vals)) as Record<string, unknown>),
              // JSON has no -0: the same meridian or equator either way.
              lat: r.lat === 0 ? 0 : r.lat, lon: r.lon === 0 ? 0 : r.lon,
              active: !off.some((o) => o.inputId === r.inputId),
            }))
            .sort((a, b) => a.occurredAt - b.occurredAt || Buffer.compare(Buffer.from(a.inputId), Buffer.from(b.inputId)))
          expect(load(indicatorId, mission, from)).toEqual(expected)
        }
      }
    }), { numRuns: 100 })
  })
})
