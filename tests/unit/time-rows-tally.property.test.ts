import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TimeRows, type TallyEntry } from '../../src/engine/time-rows.js'
import type { SeriesRow } from '../../src/engine/window-types.js'

const row = (inputId: string, occurredAt: number, admin1: string | null, assessed: boolean): SeriesRow => ({
  indicatorId: 'X', inputId, mission: 'M', category: 'HOS.IED', topCategory: 'HOS', occurredAt, lat: null, lon: null,
  admin1, admin2: null, admin1Pcode: null, admin2Pcode: null, route: null, site: null, source: 's', reliability: 'B',
  credibility: 2, assessed, unKilled: 0, unInjured: 0, unAbducted: 0, civiliansKilled: 0, vals: null, active: true,
})

const key = (r: SeriesRow) => r.admin1
const accept = (r: SeriesRow) => r.assessed

/** The tally read afresh from the rows: what a sliding tally must always equal. */
function fresh(rows: readonly SeriesRow[], from: number, to: number) {
  const out = new Map<string, { n: number; last: number }>()
  for (const r of rows.slice(from, to)) {
    if (!accept(r) || key(r) === null) continue
    const e = out.get(key(r)!)
    if (e) { e.n++; e.last = Math.max(e.last, r.occurredAt) } else out.set(key(r)!, { n: 1, last: r.occurredAt })
  }
  return out
}

const plain = (m: ReadonlyMap<string, TallyEntry>) => new Map([...m].map(([k, e]) => {
  expect(key(e.row)).toBe(k)
  return [k, { n: e.n, last: e.last }]
}))

const op = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.integer({ min: 0, max: 30 }), area: fc.constantFrom('A', 'B', 'C', null), assessed: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('read' as const), ahead: fc.integer({ min: 0, max: 2 }) }),
)

describe('a sliding tally kept across inserts and deletes', () => {
  it('always equals the tally read afresh over its range', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 15 }), fc.array(op, { minLength: 1, maxLength: 80, size: 'max' }), (windowLength, ops) => {
      const rows = new TimeRows()
      let n = 0
      let anchor = 0
      for (const o of ops) {
        if (o.kind === 'insert') rows.insert(row(`R${String(++n).padStart(4, '0')}`, o.at, o.area, o.assessed))
        else if (o.kind === 'delete') {
          if (rows.rows.length > 0) rows.delete(rows.rows[o.pick % rows.rows.length]!)
        } else {
          // The window only slides forward, as an anchor at the clock does.
          anchor += o.ahead
          const lo = rows.firstAfter(anchor - windowLength)
          const hi = rows.firstAfter(anchor)
          expect(plain(rows.tally('areas', key, accept, lo, hi))).toEqual(fresh(rows.rows, lo, hi))
        }
      }
    }), { numRuns: 2000 })
  })
})
