import { AGE_GROUPS, OUTCOMES, SEXES, VICTIM_GROUPS, type VictimsBreakdown } from './report-schema.js'

/**
 * Who the victim facts count, as cells of the sex-by-age breakdown: one table, from which every
 * fact (`womenKilled`, `childrenAbducted`...), its documentation and its value are generated.
 */
export const VICTIM_KINDS = {
  women: { sexes: ['female'], ages: ['adult'], doc: 'women (female, 18 or older)' },
  men: { sexes: ['male'], ages: ['adult'], doc: 'men (male, 18 or older)' },
  girls: { sexes: ['female'], ages: ['child'], doc: 'girls (female, under 18)' },
  boys: { sexes: ['male'], ages: ['child'], doc: 'boys (male, under 18)' },
  children: { sexes: ['female', 'male', 'unknown'], ages: ['child'], doc: 'children (under 18, any sex)' },
  womenAndGirls: { sexes: ['female'], ages: ['adult', 'child', 'unknown'], doc: 'women and girls (female, any age)' },
} as const satisfies Record<string, { sexes: readonly (typeof SEXES)[number][]; ages: readonly (typeof AGE_GROUPS)[number][]; doc: string }>

type Outcome = (typeof OUTCOMES)[number]
const cap = <S extends string>(s: S) => `${s[0]!.toUpperCase()}${s.slice(1)}` as Capitalize<S>
export type VictimFact = `${keyof typeof VICTIM_KINDS}${Capitalize<Outcome>}`

/** Every victim fact: its kind of victim and outcome, e.g. childrenAbducted -> children, abducted. */
export const VICTIM_FACTS = Object.fromEntries(Object.entries(VICTIM_KINDS).flatMap(([kind, k]) =>
  OUTCOMES.map((outcome) => [`${kind}${cap(outcome)}`, { kind: kind as keyof typeof VICTIM_KINDS, outcome, label: `${k.doc} ${outcome}`, doc: `${k.doc} ${outcome}, in every victim group (UN, civilian, other) of the breakdown` }]))) as
  Record<VictimFact, { kind: keyof typeof VICTIM_KINDS; outcome: Outcome; label: string; doc: string }>

/** Where a victim fact's per-report value sits in the evaluated report (`victims.womenKilled`). */
export const victimPath = (fact: VictimFact) => `victims.${fact}`

/** A report's victim facts from its casualty breakdowns; 0 where no breakdown was given. */
export function victimCounts(casualties: Record<Outcome, { breakdown?: Partial<Record<(typeof VICTIM_GROUPS)[number], VictimsBreakdown>> }>): Record<VictimFact, number> {
  const out = {} as Record<VictimFact, number>
  for (const [fact, f] of Object.entries(VICTIM_FACTS) as [VictimFact, (typeof VICTIM_FACTS)[VictimFact]][]) {
    const kind = VICTIM_KINDS[f.kind]
    let n = 0
    for (const group of VICTIM_GROUPS) {
      const b = casualties[f.outcome]?.breakdown?.[group]
      if (!b) continue
      for (const sex of kind.sexes) for (const age of kind.ages) n += b[sex]?.[age] ?? 0
    }
    out[fact] = n
  }
  return out
}
