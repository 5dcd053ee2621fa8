import { isUnder, type Taxonomy } from '../taxonomy/taxonomy.js'
import type { Report } from '../reports/report.js'
import { BacktestError } from './backtest-error.js'

/**
 * An outcome class picked from a report stream: `--outcome "POC.KILL civiliansKilled>=5"`.
 * Grammar: one or more taxonomy prefixes joined by `|` (`*` for any category), then any number of
 * conditions `<field><op><number>` (all must hold), separated by spaces. A report is an outcome
 * when its main or a secondary category lies under a prefix and every condition holds.
 */

/** The casualty figures a condition may test, from the report's `casualties`. */
export const OUTCOME_FIELDS = {
  killed: (r: Report) => sumGroup(r.casualties.killed),
  civiliansKilled: (r: Report) => r.casualties.killed.civilian,
  unKilled: (r: Report) => sumUn(r.casualties.killed),
  otherKilled: (r: Report) => r.casualties.killed.other,
  injured: (r: Report) => sumGroup(r.casualties.injured),
  civiliansInjured: (r: Report) => r.casualties.injured.civilian,
  unInjured: (r: Report) => sumUn(r.casualties.injured),
  abducted: (r: Report) => sumGroup(r.casualties.abducted),
  civiliansAbducted: (r: Report) => r.casualties.abducted.civilian,
} as const satisfies Record<string, (r: Report) => number>

type Group = Report['casualties']['killed']
function sumUn(g: Group): number {
  return g.un.military + g.un.police + g.un.civilian
}
function sumGroup(g: Group): number {
  return sumUn(g) + g.civilian + g.other
}

export type OutcomeField = keyof typeof OUTCOME_FIELDS
const OPERATORS = { '>=': (a: number, b: number) => a >= b, '>': (a: number, b: number) => a > b, '<=': (a: number, b: number) => a <= b, '<': (a: number, b: number) => a < b, '=': (a: number, b: number) => a === b } as const
type Operator = keyof typeof OPERATORS

export interface OutcomeSpec {
  /** As written: the outcome class's label in tables. */
  text: string
  prefixes: string[]
  conditions: { field: OutcomeField; op: Operator; value: number }[]
}

const CONDITION = /^([A-Za-z]+)(>=|<=|>|<|=)(\d+)$/

/** Parses an outcome class; throws BacktestError naming what is wrong (unknown prefix or field). */
export function parseOutcomeSpec(text: string, taxonomy: Taxonomy): OutcomeSpec {
  const [head, ...rest] = text.trim().split(/\s+/)
  if (!head) throw new BacktestError(`--outcome is empty: give a taxonomy prefix, e.g. "POC.KILL civiliansKilled>=5"`)
  const prefixes = head.split('|')
  for (const p of prefixes) {
    if (p !== '*' && !taxonomy.tops.has(p) && !taxonomy.codes.has(p)) {
      throw new BacktestError(`--outcome "${text}": '${p}' is no taxonomy code (a top category such as POC, a code such as POC.KILL, or * for any)`)
    }
  }
  const conditions = rest.map((c) => {
    const m = CONDITION.exec(c)
    if (!m) throw new BacktestError(`--outcome "${text}": '${c}' is no condition <field><op><number>, e.g. killed>=5`)
    if (!(m[1]! in OUTCOME_FIELDS)) throw new BacktestError(`--outcome "${text}": unknown field '${m[1]}' (one of ${Object.keys(OUTCOME_FIELDS).join(', ')})`)
    return { field: m[1] as OutcomeField, op: m[2] as Operator, value: Number(m[3]) }
  })
  return { text: text.trim().replace(/\s+/g, ' '), prefixes, conditions }
}

/** Whether a report belongs to the outcome class. */
export function isOutcome(spec: OutcomeSpec, r: Report): boolean {
  const codes = [r.category, ...r.categories]
  const inClass = spec.prefixes.includes('*') || codes.some((c) => spec.prefixes.some((p) => isUnder(c, p)))
  return inClass && spec.conditions.every((c) => OPERATORS[c.op](OUTCOME_FIELDS[c.field](r), c.value))
}
