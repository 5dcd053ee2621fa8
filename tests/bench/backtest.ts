/**
 * 4. Backtest: replay() (src/evaluate/replay.ts: the engine of src/engine wholly in memory, the
 * machinery of the backtest, the rule tests, the rule preview and calibration) over 1M synthetic
 * reports (100k quick) through the standard library. Time-boxed on engine time: the stream ends
 * when the budget is spent, and the replay then finishes as it would (final sweep, collecting
 * every alert and change). Baseline, in the same run: raw batched better-sqlite3 inserts of the
 * same report rows (same seed), 1,000 per transaction at synchronous=FULL. Also: the cost per
 * matching indicator (engine time over the inputs indicators took) and the process's peak RSS.
 */
import path from 'node:path'
import type { BenchContext } from './lib/context.js'
import { ruleSetFrom, taxonomy } from './lib/engine.js'
import { one, row, summarize, type BenchResult, type Row } from './lib/stats.js'
import { classify, historyInputs, MISSIONS } from './lib/synthetic.js'
import { replay } from '../../src/evaluate/replay.js'
import type { Report } from '../../src/reports/report.js'
import { removeDb } from './lib/history.js'
import { openStore } from '../../src/storage/store.js'

/** The backtest's own report stream: `count` reports of seed 77 ending at `end`, classified as of the next day. */
function* stream(count: number, end: number): Generator<Report> {
  for (const input of historyInputs({ seed: 77, prefix: 'BT', count, end, perDay: 1000 })) yield classify(input, taxonomy, end + 86_400_000)
}

/**
 * Raw batched inserts of the same report rows the replay read, 1,000 per transaction, into the
 * reports table of a fresh database; only the inserts are timed (generating the rows is not).
 */
function rawInsertRate(dir: string, count: number, end: number): { rate: number; cpuRate: number; rows: number } {
  const file = path.join(dir, 'raw-backtest.db')
  removeDb(file)
  const store = openStore(file, { synchronous: 'FULL' })
  const insert = store.writer.prepare(`INSERT INTO reports (id, mission, category, top_category, occurred_at, lat, lon, cell, revision, status, fingerprint, body, received_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, 'active', 'x', ?, 0, 0)`)
  const tx = store.writer.transaction((chunk: unknown[][]) => { for (const r of chunk) insert.run(...r) })
  let insertMs = 0
  let insertCpuMs = 0
  let rows = 0
  let chunk: unknown[][] = []
  const flush = () => {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    tx(chunk)
    insertCpuMs += cpuMs(process.cpuUsage(c0))
    insertMs += performance.now() - t0
    rows += chunk.length
    chunk = []
  }
  for (const r of stream(count, end)) {
    chunk.push([r.id, r.mission, r.category, r.category.slice(0, 3), Date.parse(r.occurredAt), r.location.lat, r.location.lon, JSON.stringify(r)])
    if (chunk.length === 1000) flush()
  }
  if (chunk.length > 0) flush()
  store.close()
  removeDb(file)
  return { rate: rows / (insertMs / 1000), cpuRate: rows / (insertCpuMs / 1000), rows }
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000

export async function backtest(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const rows: Row[] = []
  const notes: string[] = []
  const n = ctx.backtestReports
  const set = ruleSetFrom()
  const end = Date.now() - 86_400_000
  let genMs = 0
  let genCpuMs = 0
  let cut = false
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  const source = stream(n, end)
  const reports = (function* (): Generator<Report> {
    for (;;) {
      // The budget is on engine time: generating and classifying the stream is left out.
      if ((performance.now() - started - genMs) / 1000 > ctx.budgets.backtest) { cut = true; return }
      const g = performance.now()
      const gc = process.cpuUsage()
      const next = source.next()
      genCpuMs += cpuMs(process.cpuUsage(gc))
      genMs += performance.now() - g
      if (next.done) return
      yield next.value
    }
  })()
  const out = await replay({ reports, set, taxonomy, missions: MISSIONS })
  const seconds = (performance.now() - started) / 1000
  const engineSeconds = seconds - genMs / 1000
  // CPU time as well: on a shared machine wall time measures the other load too.
  const engineCpuSeconds = (cpuMs(process.cpuUsage(cpuStarted)) - genCpuMs) / 1000
  const cpuRate = out.replayed / engineCpuSeconds
  const perMatchCpu = (engineCpuSeconds * 1e6) / Math.max(1, out.matched)
  const rate = out.replayed / engineSeconds
  const peakRssMb = process.resourceUsage().maxRSS / 1024
  const perMatch = (engineSeconds * 1e6) / Math.max(1, out.matched)
  ctx.log(`  replayed ${out.replayed} of ${n} reports in ${seconds.toFixed(1)} s (synthetic generation ${(genMs / 1000).toFixed(1)} s left out): ${Math.round(rate)} reports/s; ${out.matched} matching-indicator inputs (${(out.matched / Math.max(1, out.replayed)).toFixed(2)} a report), ${perMatch.toFixed(1)} us each; ${out.alerts.length} alerts, ${out.changes.length} changes, ${out.rejected.length} rejected; peak RSS ${Math.round(peakRssMb)} MB`)
  ctx.log(`  measuring raw batched inserts of the same ${out.replayed.toLocaleString('en-US')} report rows`)
  const raw = rawInsertRate(ctx.workDir, out.replayed, end)
  ctx.log(`  raw inserts: ${Math.round(raw.rate)} rows/s over ${raw.rows} rows (${Math.round(raw.cpuRate)} per CPU-second); replay ${Math.round(cpuRate)} reports per CPU-second, ${perMatchCpu.toFixed(1)} us CPU per matching indicator`)
  rows.push(row({
    figure: `backtest replay, ${out.replayed.toLocaleString('en-US')} reports, standard library`, unit: 'reports/s', value: one(rate),
    baseline: { label: 'raw inserts of the same rows', value: summarize([raw.rate]) }, target: { on: 'ratio', op: '>=', limit: 1, text: '>= 1.0x' },
  }))
  rows.push(row({ figure: '  engine time per matching indicator', unit: 'us', value: one(perMatch), target: { on: 'value', op: '<=', limit: 20, text: '<= 20 us' } }))
  rows.push(row({
    figure: '  the same on CPU time (information)', unit: 'reports/CPU-s', value: one(cpuRate),
    baseline: { label: 'raw inserts, per CPU-second', value: summarize([raw.cpuRate]) },
  }))
  rows.push(row({ figure: '  CPU time per matching indicator (information)', unit: 'us', value: one(perMatchCpu) }))
  rows.push(row({ figure: '  peak RSS of the bench process', unit: 'MB', value: one(peakRssMb) }))
  const projected = n / rate
  rows.push(row({ figure: `  time for all ${n.toLocaleString('en-US')} reports${cut ? ' (projected)' : ''}`, unit: 's', value: one(projected), target: { on: 'value', op: '<=', limit: 30, text: '<= 30 s' } }))
  if (cut) notes.push(`time-boxed at ${ctx.budgets.backtest} s of engine time: ${out.replayed.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} reports (${Math.round((out.replayed / n) * 1000) / 10}%), then the final sweep and collection`)
  notes.push('replay() in memory (src/engine: window state and alert index, no database), reports fed in occurredAt order, 1,000/day over the three missions; generating and classifying the synthetic reports is left out of the rate; the baseline inserts the same rows (same seed, same count)')
  return { name: 'backtest', title: '4. Backtest (replay through the standard library)', rows, notes, extra: { replayed: out.replayed, matched: out.matched, cpuRate, perMatchCpuUs: perMatchCpu, rawInsertCpuRate: raw.cpuRate, alerts: out.alerts.length, changes: out.changes.length, seconds, generationSeconds: genMs / 1000, cut, peakRssMb, perMatchUs: perMatch, rawInsertRate: raw.rate }, seconds: (performance.now() - t0) / 1000 }
}
