import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonEqual } from '../../src/engine/json-equal.js'

// Values shaped like an alert's visible state: facts with nulls and odd numbers, scopes with
// optional members, explanations nested in arrays; pairs drawn close to each other so that
// equal texts come up often.
const leaf = fc.oneof(fc.constant(null), fc.constant(undefined), fc.boolean(), fc.constantFrom(0, -0, 1, 2.5, NaN, Infinity, -Infinity), fc.constantFrom('a', 'b', ''))
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, tie('arr'), tie('obj')),
  arr: fc.array(tie('v'), { maxLength: 3 }),
  obj: fc.dictionary(fc.constantFrom('x', 'y', 'z'), tie('v'), { maxKeys: 3 }),
})).v

describe('jsonEqual', () => {
  it('agrees with comparing JSON.stringify texts', () => {
    fc.assert(fc.property(value, value, (a, b) => {
      expect(jsonEqual(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b))
      expect(jsonEqual(a, structuredClone(a))).toBe(true)
    }), { numRuns: 2000 })
  })

  it('counts key order, skips undefined members and reads non-finite numbers as null', () => {
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false)
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true)
    expect(jsonEqual([undefined], [null])).toBe(true)
    expect(jsonEqual({ t: NaN }, { t: null })).toBe(true)
    expect(jsonEqual({ t: 0 }, { t: null })).toBe(false)
  })
})
