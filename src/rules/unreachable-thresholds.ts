import { rank } from '../alerts/levels.js'
import { factKey } from './facts.js'
import type { Condition, LeafCondition, Threshold } from './rule-schema.js'

/**
 * Finds thresholds that can never be "the highest satisfied": a threshold whose condition implies
 * the condition of a higher-ranked one (e.g. `count >= 5 -> medium` beside `count >= 3 -> high`).
 * Only conjunctions of simple comparisons are analysed; anything else is assumed reachable.
 */
export function findUnreachableThresholds(thresholds: Threshold[]): { index: number; by: number }[] {
  const out: { index: number; by: number }[] = []
  thresholds.forEach((lower, i) => {
    const lowerAtoms = atoms(lower.when)
    if (!lowerAtoms) return
    const by = thresholds.findIndex((higher, j) => {
      if (j === i || rank(higher.level, higher.grade) <= rank(lower.level, lower.grade)) return false
      const higherAtoms = atoms(higher.when)
      return higherAtoms !== null && higherAtoms.every((h) => lowerAtoms.some((l) => implies(l, h)))
    })
    if (by >= 0) out.push({ index: i, by })
  })
  return out
}

/** The leaves of a pure conjunction, or null when the condition has any/not in it. */
function atoms(cond: Condition): LeafCondition[] | null {
  if ('fact' in cond) return [cond]
  if ('all' in cond) {
    const parts = cond.all.map(atoms)
    return parts.every((p) => p !== null) ? parts.flat() as LeafCondition[] : null
  }
  return null
}

const subject = (c: LeafCondition) => `${factKey(c.fact, c.params)}|${c.path ?? ''}`

/** Does `a` holding guarantee `b` holds? Same subject, and a's bound is at least as strict. */
function implies(a: LeafCondition, b: LeafCondition): boolean {
  if (subject(a) !== subject(b)) return false
  if (a.operator === b.operator && JSON.stringify(a.value) === JSON.stringify(b.value)) return true
  const x = a.value
  const y = b.value
  if (typeof x !== 'number' || typeof y !== 'number') return false
  // The smallest value a admits (for lower bounds) or the largest (for upper bounds).
  switch (a.operator) {
    case 'greaterThanInclusive':
    case 'equal':
      if (b.operator === 'greaterThanInclusive') return x >= y
      if (b.operator === 'greaterThan') return x > y
      if (a.operator === 'equal') return lowerOrEqualImplies(x, b.operator, y)
      return false
    case 'greaterThan':
      if (b.operator === 'greaterThanInclusive') return x >= y
      if (b.operator === 'greaterThan') return x >= y
      return false
    case 'lessThanInclusive':
      if (b.operator === 'lessThanInclusive') return x <= y
      if (b.operator === 'lessThan') return x < y
      return false
    case 'lessThan':
      if (b.operator === 'lessThanInclusive' || b.operator === 'lessThan') return x <= y
      return false
    default:
      return false
  }
}

function lowerOrEqualImplies(x: number, op: string, y: number): boolean {
  if (op === 'lessThanInclusive') return x <= y
  if (op === 'lessThan') return x < y
  return false
}
