/**
 * 7. Conditions: what deciding an indicator's match and grading its thresholds costs per call,
 * compiled (src/rules/condition-compiler.ts) against json-rules-engine configured as vigil had it
 * (tests/helpers/reference-engine.ts), on the standard library, in the same run. The inputs are
 * synthetic reports (as the ingest classifies them) put to every indicator that watches their
 * category; the grades use aggregates spread so that thresholds hold as well as fail. Neither
 * side touches storage: this is the condition evaluation alone, the part of the ~0.35 ms per
 * matching indicator that json-rules-engine's almanac, promises and clones took.
 */
import { reportInput } from '../../src/engine/indicator-input.js'
import { factKey, isAggregateFact, leaves } from '../../src/rules/facts.js'
import type { CompiledIndicator } from '../../src/rules/compile-indicator.js'
import { reportCodes } from '../../src/reports/report.js'
import { referenceIndicator, type ReferenceIndicator } from '../helpers/reference-engine.js'
import type { BenchContext } from './lib/context.js'
import { ruleSetFrom, taxonomy } from './lib/engine.js'
import { row, summarize, type BenchResult } from './lib/stats.js'
import { classify, makeReport, prng, type Rng } from './lib/synthetic.js'

interface Call {
  compiled: CompiledIndicator
  reference: ReferenceIndicator
  view: object
  aggregates: Record<string, number | null>
  now: number
}

/** Aggregates for every key the indicator's thresholds read: counts 0-8, trends around 1, now and then none. */
function aggregatesOf(ind: CompiledIndicator, rng: Rng): Record<string, number | null> {
  const out: Record<string, number | null> = {}
  for (const n of ind.needs) out[n.key] = Math.floor(rng() * 9)
  for (const t of ind.rule.alerts) {
    for (const { leaf } of leaves(t.when)) {
      if (!isAggregateFact(leaf.fact)) continue
      const key = factKey(leaf.fact, leaf.params)
      if (leaf.fact === 'trend') out[key] = rng() < 0.2 ? null : Math.round(rng() * 40) / 10
      else if (!(key in out)) out[key] = Math.floor(rng() * 9)
    }
  }
  return out
}

/**
 * CPU microseconds of this process per call: on a machine shared with other work, wall time
 * mostly measures who else ran (both sides are measured alike, the ratio is fair either way).
 */
const cpuMicros = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}

/** The reference, awaited call by call as the evaluator awaited it, after a warm-up pass. */
async function perCall(calls: Call[], fn: (c: Call) => unknown): Promise<number> {
  for (const c of calls) await fn(c)
  const t0 = cpuMicros()
  for (const c of calls) await fn(c)
  return (cpuMicros() - t0) / calls.length
}

/** The compiled form, after a warm-up pass; several passes, one is too short to time. */
function syncPerCall(calls: Call[], fn: (c: Call) => unknown): number {
  for (const c of calls) fn(c)
  const passes = 20
  const t0 = cpuMicros()
  for (let p = 0; p < passes; p++) for (const c of calls) fn(c)
  return (cpuMicros() - t0) / (calls.length * passes)
}

export async function conditions(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const set = ruleSetFrom()
  const references = new Map(set.indicators.map((ind) => [ind, referenceIndicator(ind.rule)]))
  const rng = prng(7)
  const reports = ctx.quick ? 2_000 : 10_000
  const start = Date.parse('2026-03-01T00:00:00Z')
  const calls: Call[] = []
  for (let i = 0; i < reports; i++) {
    const t = start + i * 60_000
    const report = classify(makeReport(rng, `COND-${i}`, t), taxonomy, t)
    const view = reportInput(report).view
    for (const ind of set.watching('reports', reportCodes(report))) {
      calls.push({ compiled: ind, reference: references.get(ind)!, view, aggregates: aggregatesOf(ind, rng), now: t })
    }
  }
  // Grading runs only for inputs the indicator took, as in the evaluator.
  const matched = calls.filter((c) => c.compiled.matches(c.view, c.now))
  const raised = matched.filter((c) => c.compiled.grade(c.aggregates, c.view, c.now) !== null).length

  const match = { compiled: [] as number[], reference: [] as number[] }
  const grade = { compiled: [] as number[], reference: [] as number[] }
  for (let r = 0; r < ctx.repeats; r++) {
    match.reference.push(await perCall(calls, (c) => c.reference.matches(c.view, c.now)))
    match.compiled.push(syncPerCall(calls, (c) => c.compiled.matches(c.view, c.now)))
    grade.reference.push(await perCall(matched, (c) => c.reference.grade(c.aggregates, c.view, c.now)))
    grade.compiled.push(syncPerCall(matched, (c) => c.compiled.grade(c.aggregates, c.view, c.now)))
  }
  const both = (m: number[], g: number[]) => m.map((x, i) => x + g[i]!)
  // The figure is per matching indicator: one match and one grade.
  const perMatching = { compiled: both(match.compiled, grade.compiled), reference: both(match.reference, grade.reference) }
  const ratioTarget = { on: 'ratio' as const, op: '<=' as const, limit: 0.1, text: '<= 0.1x json-rules-engine' }
  return {
    name: 'conditions',
    title: `Compiled conditions vs json-rules-engine, standard library (${set.indicators.length} indicators; ${calls.length.toLocaleString('en-US')} match calls, ${matched.length.toLocaleString('en-US')} grades, ${raised.toLocaleString('en-US')} raising; ${ctx.repeats} repeats)`,
    rows: [
      row({ figure: 'match, per call', unit: 'µs CPU/call', value: summarize(match.compiled), baseline: { label: 'json-rules-engine', value: summarize(match.reference) }, target: ratioTarget }),
      row({ figure: 'grade (every threshold, explanation of the winner), per call', unit: 'µs CPU/call', value: summarize(grade.compiled), baseline: { label: 'json-rules-engine', value: summarize(grade.reference) }, target: ratioTarget }),
      row({
        figure: 'match + grade, per matching indicator', unit: 'µs CPU', value: summarize(perMatching.compiled),
        baseline: { label: 'json-rules-engine', value: summarize(perMatching.reference) },
        target: { on: 'value', op: '<=', limit: 2, text: '<= 2 µs (a tenth of the 20 µs evaluation budget)' },
      }),
    ],
    notes: ['In process, no storage, CPU time of the process (wall time on this shared machine mostly measures the other load); the reference is awaited call by call as the evaluator awaited it.'],
    seconds: (performance.now() - t0) / 1000,
  }
}
