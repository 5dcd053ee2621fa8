import { describe, expect, it } from 'vitest'
import { CUSTOM_OPERATORS } from '../../src/rules/operators.js'
import { compileIndicator } from '../../src/rules/compile-indicator.js'
import { indicatorRuleSchema } from '../../src/rules/rule-schema.js'

const op = CUSTOM_OPERATORS
const MISSING = [undefined, null, 42, 'text', {}, [], Number.NaN]

describe('vigil operators', () => {
  it('never throw, and never hold, on a missing or mistyped fact', () => {
    const values: Record<string, unknown> = {
      between: [1, 3], matches: '^a', contains: 'x', intersects: ['UN_MIL'], under: 'HOS', withinDays: [7, Date.UTC(2026, 2, 10)],
    }
    for (const [name, value] of Object.entries(values)) {
      for (const fact of [undefined, null, {}, Number.NaN]) {
        expect(() => op[name]!(fact, value), `${name}(${String(fact)})`).not.toThrow()
        expect(op[name]!(fact, value), `${name}(${String(fact)})`).toBe(false)
      }
    }
    for (const fact of MISSING) expect(() => op.between!(fact, 'not a range')).not.toThrow()
  })

  it('exists: present or absent as asked', () => {
    expect(op.exists!('MSR-1', true)).toBe(true)
    expect(op.exists!(undefined, true)).toBe(false)
    expect(op.exists!(null, false)).toBe(true)
    expect(op.exists!(0, false)).toBe(false)
  })

  it('between: inclusive, for numbers and dates', () => {
    expect(op.between!(3, [1, 3])).toBe(true)
    expect(op.between!(4, [1, 3])).toBe(false)
    expect(op.between!('2026-03-05T00:00:00Z', ['2026-03-01T00:00:00Z', '2026-03-05T00:00:00Z'])).toBe(true)
    expect(op.between!('2026-03-06T00:00:00Z', ['2026-03-01T00:00:00Z', '2026-03-05T00:00:00Z'])).toBe(false)
  })

  it('matches (case-insensitive regex), contains (arrays, or substrings), intersects, under', () => {
    expect(op.matches!('Barrage illégal sur la RN2', 'barrage')).toBe(true)
    expect(op.matches!('checkpoint', '^barrage')).toBe(false)
    expect(op.matches!('x', '(unclosed')).toBe(false)
    expect(op.contains!(['UN_CONVOY', 'CIVILIAN'], 'UN_CONVOY')).toBe(true)
    expect(op.contains!('Convoy ambushed', 'AMBUSH')).toBe(true)
    expect(op.doesNotContain!(['CIVILIAN'], 'UN_CONVOY')).toBe(true)
    expect(op.intersects!(['CIVILIAN', 'UN_POL'], ['UN_MIL', 'UN_POL'])).toBe(true)
    expect(op.intersects!(['CIVILIAN'], ['UN_MIL'])).toBe(false)
    expect(op.under!('HOS.IED', 'HOS')).toBe(true)
    expect(op.under!('HOS.IED', ['POC', 'HOS.IED'])).toBe(true)
    expect(op.under!('HOSTILE', 'HOS')).toBe(false)
  })

  it('withinDays: a date within N days before the evaluation time, through a compiled indicator', async () => {
    const rule = indicatorRuleSchema.parse({
      id: 'HOS-150', title: 'Recent reports', description: 'Counts only what happened in the last 3 days.',
      status: 'experimental', version: 1, owner: 'tests', taxonomy: ['HOS'], window: '30d', expires: '7d',
      match: { all: [{ fact: 'report', path: 'occurredAt', operator: 'withinDays', value: 3 }] },
      alerts: [{ level: 'tactical', grade: 'low', when: { all: [{ fact: 'count', operator: 'greaterThanInclusive', value: 1 }] } }],
    })
    const ind = compileIndicator(rule, 'hostile-acts/HOS-150.yaml')
    const now = Date.parse('2026-03-10T12:00:00Z')
    expect(await ind.matches({ occurredAt: '2026-03-08T12:00:00Z' }, now)).toBe(true)
    expect(await ind.matches({ occurredAt: '2026-03-06T12:00:00Z' }, now)).toBe(false)
    expect(await ind.matches({ occurredAt: '2026-03-11T12:00:00Z' }, now)).toBe(false)
    expect(await ind.matches({}, now)).toBe(false)
  })
})
