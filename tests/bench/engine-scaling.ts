/**
 * 3. Engine scaling: evaluation cost per report (the evaluator's own timing, as the service's
 * evaluation metric records it) in-process through createServices on a file database:
 *  - with 10, 100 and 1,000 synthetic indicators spread over the taxonomy, on the same prefill;
 *  - with the standard library on a 10k, 100k and 1M history (the cached histories).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { BenchContext } from './lib/context.js'
import { feed, openEngine, ruleSetFrom, taxonomy, type Engine } from './lib/engine.js'
import { removeDb } from './lib/history.js'
import { mean, percentile, row, summarize, type BenchResult, type Row } from './lib/stats.js'
import { classify, historyInputs } from './lib/synthetic.js'
import { syntheticRuleDir } from './lib/synthetic-rules.js'
import type { Report } from '../../src/reports/report.js'
import type { RuleSet } from '../../src/rules/rule-set.js'
import { reportCodes } from '../../src/reports/report.js'

const PER_DAY = 1000

/** Reports that continue a history after `end` at the same rate. */
function liveReports(seed: number, count: number, end: number, prefix: string): Report[] {
  const out: Report[] = []
  for (const input of historyInputs({ seed, prefix, count, end: end + (count * 86_400_000) / PER_DAY, perDay: PER_DAY })) {
    out.push(classify(input, taxonomy, end + 86_400_000 * 365))
  }
  return out
}

interface RunFigures {
  /** Mean evaluation time per report, ms. */
  evalMs: number
  p50: number
  p99: number
  /** Wall time per report through ingest (store + evaluate + commit), ms. */
  wallMs: number
  reports: number
}

/** Feeds reports one chunk at a time until `maxReports` or `maxSeconds`; the evaluations' timings. */
async function timed(engine: Engine, reports: Report[], maxSeconds: number): Promise<RunFigures> {
  engine.evaluations.length = 0
  const t0 = performance.now()
  let fed = 0
  for (let i = 0; i < reports.length; i += 50) {
    await feed(engine, reports.slice(i, i + 50), { chunk: 50 })
    fed = Math.min(reports.length, i + 50)
    if ((performance.now() - t0) / 1000 > maxSeconds) break
  }
  const wall = performance.now() - t0
  const ms = engine.evaluations.map((s) => s * 1000)
  return { evalMs: mean(ms), p50: percentile(ms, 50), p99: percentile(ms, 99), wallMs: wall / fed, reports: fed }
}

/** How many indicators watch a report's codes, on average: the work the taxonomy index leaves. */
const watching = (set: RuleSet, reports: Report[]) => mean(reports.map((r) => set.watching('reports', reportCodes(r)).length))

export async function engineScaling(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const rows: Row[] = []
  const notes: string[] = []
  const extra: Record<string, unknown> = {}
  const perRun = ctx.quick ? 200 : 500
  const runSeconds = ctx.quick ? 6 : 8

  // --- indicator count
  const prefillCount = 1000
  const end = Date.UTC(2026, 10, 1)
  const prefill: Report[] = []
  for (const input of historyInputs({ seed: 3, prefix: 'PRE', count: prefillCount, end, perDay: PER_DAY })) prefill.push(classify(input, taxonomy, end))
  const live = liveReports(4, perRun * ctx.repeats, end, 'EVAL')
  const counts = [10, 100, 1000]
  const byCount = new Map<number, RunFigures[]>()
  const sets: [string, RuleSet][] = counts.map((n) => {
    const dir = syntheticRuleDir(n)
    const set = ruleSetFrom(dir)
    fs.rmSync(dir, { recursive: true, force: true })
    return [`${n}`, set]
  })
  sets.splice(1, 0, ['standard (30)', ruleSetFrom()])
  const setInfo: Record<string, unknown> = {}
  for (const [name, set] of sets) {
    const file = path.join(ctx.workDir, `engine-${name.replace(/\W+/g, '')}.db`)
    removeDb(file)
    const engine = openEngine(file, set, { now: end - prefillCount * 86_400_000 / PER_DAY })
    const p0 = performance.now()
    // The same prefill for every set (time-boxed: a slow set gets a shorter one, noted).
    let fed = 0
    for (let i = 0; i < prefill.length; i += 250) {
      await feed(engine, prefill.slice(i, i + 250))
      fed = Math.min(prefill.length, i + 250)
      if ((performance.now() - p0) / 1000 > ctx.budgets.prefill) break
    }
    const prefillS = (performance.now() - p0) / 1000
    const runs: RunFigures[] = []
    for (let r = 0; r < ctx.repeats; r++) runs.push(await timed(engine, live.slice(r * perRun, (r + 1) * perRun), runSeconds))
    const evaluated = runs.reduce((s, x) => s + x.reports, 0)
    const matched = (engine.store.writer.prepare("SELECT count(*) FROM indicator_inputs WHERE input_id LIKE 'EVAL-%'").pluck().get() as number) / evaluated
    await engine.close()
    removeDb(file)
    const w = watching(set, live)
    setInfo[name] = { prefilled: fed, prefillSeconds: Math.round(prefillS), watchingPerReport: w, matchedPerReport: matched, runs }
    ctx.log(`  ${name} indicators: prefill ${fed} reports in ${prefillS.toFixed(0)} s; per report ${w.toFixed(1)} indicators watch, ${matched.toFixed(1)} match; eval ${runs.map((x) => `${x.evalMs.toFixed(2)} ms (${x.reports})`).join(', ')}`)
    if (fed < prefill.length) notes.push(`${name} indicators: prefill cut at ${fed} of ${prefill.length} reports by its ${ctx.budgets.prefill} s budget`)
    if (name !== 'standard (30)') byCount.set(Number(name), runs)
    else rows.push(row({ figure: 'evaluation per report, standard library (30)', unit: 'ms', value: summarize(runs.map((x) => x.evalMs)), baseline: { label: '10 indicators', value: summarize(byCount.get(10)!.map((x) => x.evalMs)) } }))
  }
  const base = summarize(byCount.get(10)!.map((x) => x.evalMs))
  for (const n of counts) {
    rows.push(row({
      figure: `evaluation per report, ${n} indicators`, unit: 'ms',
      value: summarize(byCount.get(n)!.map((x) => x.evalMs)),
      baseline: { label: '10 indicators', value: base },
      ...(n === 1000 ? { target: { on: 'ratio', op: '<=', limit: 2, text: '<= 2x' } } : {}),
    }))
  }
  // The taxonomy index skips the indicators that do not watch a report's code; the ones whose
  // match holds each cost their evaluation. This row shows what one of those costs.
  const perMatch = (n: number) => {
    const info = setInfo[`${n}`] as { matchedPerReport: number }
    return summarize(byCount.get(n)!.map((x) => x.evalMs / Math.max(info.matchedPerReport, 1e-9)))
  }
  for (const n of counts) {
    rows.push(row({
      figure: `  per matching indicator, ${n} indicators`, unit: 'ms',
      value: perMatch(n),
      baseline: { label: '10 indicators', value: perMatch(10) },
    }))
  }
  extra.indicatorSets = setInfo
  notes.push(`indicator sets: the same ${prefillCount.toLocaleString('en-US')}-report prefill (${prefillCount / PER_DAY} days), then ${ctx.repeats} runs of up to ${perRun} reports (${runSeconds} s cap); figure = mean evaluation time per report (evaluator.reportChanged, inside the write transaction), median over runs`)
  notes.push(`indicators per report that watch its code (taxonomy index) / whose match holds: ${Object.entries(setInfo).map(([k, v]) => { const x = v as { watchingPerReport: number; matchedPerReport: number }; return `${k}: ${x.watchingPerReport.toFixed(1)} / ${x.matchedPerReport.toFixed(1)}` }).join(', ')}`)

  // --- history size
  const byHistory = new Map<number, RunFigures[]>()
  const standard = ruleSetFrom()
  for (const size of ctx.engineHistories) {
    const meta = ctx.histories.get(size)!
    const db = ctx.workCopy(size)
    const engine = openEngine(db, standard, { now: meta.end })
    const reports = liveReports(21, perRun * ctx.repeats, meta.end, `EVH${size}`)
    // One warm-up run: the first reads of a big database come from disk.
    await timed(engine, liveReports(22, 100, meta.end - 3_600_000, `EVW${size}`), runSeconds)
    const runs: RunFigures[] = []
    for (let r = 0; r < ctx.repeats; r++) runs.push(await timed(engine, reports.slice(r * perRun, (r + 1) * perRun), runSeconds))
    await engine.close()
    byHistory.set(size, runs)
    ctx.log(`  ${size.toLocaleString('en-US')} history: eval ${runs.map((x) => `${x.evalMs.toFixed(2)} ms p99 ${x.p99.toFixed(1)} (${x.reports})`).join(', ')}`)
  }
  const smallest = Math.min(...ctx.engineHistories)
  const largest = Math.max(...ctx.engineHistories)
  for (const size of ctx.engineHistories) {
    const runs = byHistory.get(size)!
    rows.push(row({
      figure: `evaluation per report, ${size.toLocaleString('en-US')} history`, unit: 'ms',
      value: summarize(runs.map((x) => x.evalMs)),
      baseline: { label: `${smallest.toLocaleString('en-US')} history`, value: summarize(byHistory.get(smallest)!.map((x) => x.evalMs)) },
      ...(size === largest ? { target: { on: 'ratio', op: '<=', limit: 1.5, text: `<= 1.5x${largest < 1_000_000 ? ' (quick: largest in place of 1M)' : ''}` } } : {}),
    }))
    rows.push(row({ figure: '  p99 evaluation', unit: 'ms', value: summarize(runs.map((x) => x.p99)) }))
    rows.push(row({ figure: '  ingest wall time per report (store+evaluate+commit, NORMAL)', unit: 'ms', value: summarize(runs.map((x) => x.wallMs)) }))
  }
  extra.histories = Object.fromEntries(byHistory)
  notes.push(`histories: standard library; live reports continue each history at its rate (${PER_DAY}/day) with the clock moving with them; one warm-up run first`)
  return { name: 'engine-scaling', title: '3. Engine scaling (evaluation cost per report)', rows, notes, extra, seconds: (performance.now() - t0) / 1000 }
}
