import { describe, expect, it } from 'vitest'
import { applyPatch, diff, type Json } from '../../src/storage/json-patch.js'
import { envInt, prng } from '../helpers/seeded.js'

/** Round trip: the rebuilt value equals `next`, key order included (JSON text compared). */
function roundTrip(base: Json, next: Json) {
  const patch = diff(base, next)
  const rebuilt = patch === null ? base : applyPatch(base, patch)
  expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(next))
  return patch
}

describe('json-patch', () => {
  it('an unchanged value gives no patch; a changed leaf gives only that leaf', () => {
    expect(roundTrip({ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'x' } })).toBeNull()
    expect(roundTrip({ a: 1, b: { c: 'x', d: 2 } }, { a: 1, b: { c: 'y', d: 2 } })).toEqual({ b: { c: ['y'] } })
  })

  it('keeps nulls, added and removed keys, and a changed key order', () => {
    roundTrip({ a: null, b: 1 }, { a: 1, b: null })
    roundTrip({ a: 1 }, { a: 1, b: null })
    roundTrip({ a: 1, b: 2 }, { a: 1 })
    roundTrip({ a: 1, b: 2 }, { b: 2, a: 1 })
    roundTrip({ a: { x: 1 } }, { a: [1] })
    roundTrip({ '~': 1, a: 1 }, { '~': 2, a: 1 })
  })

  it('treats a key holding undefined as absent, as the stored JSON does (never as null)', () => {
    const base = { mission: 'MINUSMA', center: { lat: 1, lon: 2 }, count: 1 } as unknown as Json
    const next = { mission: 'MINUSMA', center: undefined, count: 2 } as unknown as Json
    expect(applyPatch(base, diff(base, next)!)).toEqual({ mission: 'MINUSMA', count: 2 })
    expect(diff({ a: 1 }, { a: 1, b: undefined } as unknown as Json)).toBeNull()
  })

  it('patches a long string by its changed middle', () => {
    const was = '3 active operational alerts across MONUSCO within 30 days, in two or more regions, 18 civilians killed'
    const now = '4 active operational alerts across MONUSCO within 30 days, in two or more regions, 32 civilians killed'
    expect(roundTrip({ summary: was }, { summary: now })).toEqual({ summary: { s: [0, '4 active operational alerts across MONUSCO within 30 days, in two or more regions, 32', 17] } })
    expect(roundTrip('x'.repeat(50), `${'x'.repeat(20)}y${'x'.repeat(30)}`)).toEqual({ s: [20, 'y', 30] })
    roundTrip('aaaa'.repeat(20), 'aaaa'.repeat(10))
    roundTrip('ab'.repeat(30), 'ab'.repeat(31))
    roundTrip('short', 'shorter')
  })

  it('patches arrays by index and new length, or replaces them whole when that is shorter', () => {
    expect(roundTrip([1, { a: 2 }, 3], [1, { a: 4 }, 3])).toEqual({ 1: { a: [4] } })
    expect(roundTrip([1, 2], [1, 2, 3])).toEqual([[1, 2, 3]])
    const areas = [{ level: 1, name: 'Nord-Kivu' }, { level: 2, name: 'Beni' }]
    expect(roundTrip(areas, [...areas, { level: 2, name: 'Rutshuru' }])).toEqual({ 2: [{ level: 2, name: 'Rutshuru' }], '#': 3 })
    expect(roundTrip([...areas, { level: 2, name: 'Rutshuru' }], areas)).toEqual({ '#': 2 })
    roundTrip([{ a: 1 }, { b: 2 }, { c: 3 }], [{ z: 0 }, { a: 1 }, { b: 2 }, { c: 3 }])
    roundTrip([{ level: 1, name: 'Gao' }], [{ level: 1, name: 'Gao' }, { level: 2, name: 'Ansongo' }])
  })

  it('round-trips random JSON values against random edits of them', () => {
    const rnd = prng(envInt('VIGIL_PATCH_SEED', 22)).next
    const long = () => Array.from({ length: 40 + Math.floor(rnd() * 40) }, () => 'ab c'[Math.floor(rnd() * 4)]).join('')
    const leaf = (): Json => [null, true, false, rnd() * 100, Math.floor(rnd() * 5), 'x', '', long()][Math.floor(rnd() * 8)]!
    const value = (depth: number): Json => {
      const r = rnd()
      if (depth > 3 || r < 0.4) return leaf()
      if (r < 0.7) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1))
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 5) }, (_, i) => [`k${Math.floor(rnd() * 6)}${i % 2 ? '' : '~'}`, value(depth + 1)]))
    }
    const edit = (v: Json, depth: number): Json => {
      if (rnd() < 0.3 || depth > 4) return rnd() < 0.5 ? v : value(depth)
      if (Array.isArray(v)) return rnd() < 0.2 ? [...v, leaf()] : v.map((x) => edit(x, depth + 1))
      if (v !== null && typeof v === 'object') {
        const entries = Object.entries(v).filter(() => rnd() > 0.1).map(([k, x]) => [k, edit(x, depth + 1)] as const)
        if (rnd() < 0.2) entries.push([`n${Math.floor(rnd() * 3)}`, leaf()])
        if (rnd() < 0.1) entries.reverse()
        return Object.fromEntries(entries)
      }
      if (typeof v === 'string' && v.length > 0 && rnd() < 0.5) {
        const at = Math.floor(rnd() * v.length)
        return v.slice(0, at) + (rnd() < 0.5 ? 'zz' : '') + v.slice(at + Math.floor(rnd() * 3))
      }
      return rnd() < 0.5 ? v : leaf()
    }
    for (let i = 0; i < 2000; i++) {
      const base = value(0)
      roundTrip(base, edit(base, 0))
    }
  })
})
