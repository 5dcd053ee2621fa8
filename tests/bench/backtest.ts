/**
 * 4. Backtest: src/evaluate/replay.ts (the machinery of the backtest, the rule tests and the
 * rule preview) over 1M synthetic reports (100k quick) through the standard library, on its own
 * temporary database. Time-boxed: the report stream ends when the budget is spent, and the
 * replay then finishes as it would (final sweep, collecting every alert and change). Baseline:
 * raw batched inserts of report rows (measured by the batch benchmark in the same run).
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

/** Raw batched inserts when the batch benchmark did not run: 100k reports rows, 1,000 per transaction. */
function rawInsertRate(dir: string): number {
  const file = path.join(dir, 'raw-backtest.db')
  removeDb(file)
  const store = openStore(file, { synchronous: 'FULL' })
  const insert = store.writer.prepare(`INSERT INTO reports (id, mission, category, top_category, occurred_at, lat, lon, cell, revision, status, fingerprint, body, received_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, 'active', 'x', ?, 0, 0)`)
  const rows: unknown[][] = []
  const now = Date.now()
  for (const input of historyInputs({ seed: 8, prefix: 'RAW', count: 100_000, end: now, perDay: 1000 })) {
    const r = classify(input, taxonomy, now)
    rows.push([r.id, r.mission, r.category, r.category.slice(0, 3), Date.parse(r.occurredAt), r.location.lat, r.location.lon, JSON.stringify(r)])
  }
  const tx = store.writer.transaction((chunk: unknown[][]) => { for (const r of chunk) insert.run(...r) })
  const t0 = performance.now()
  for (let i = 0; i < rows.length; i += 1000) tx(rows.slice(i, i + 1000))
  const rate = rows.length / ((performance.now() - t0) / 1000)
  store.close()
  removeDb(file)
  return rate
}

export async function backtest(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const rows: Row[] = []
  const notes: string[] = []
  const n = ctx.backtestReports
  const set = ruleSetFrom()
  const end = Date.now() - 86_400_000
  let generated = 0
  let genMs = 0
  const started = performance.now()
  let cut = false
  const reports = (function* (): Generator<Report> {
    for (const input of historyInputs({ seed: 77, prefix: 'BT', count: n, end, perDay: 1000 })) {
      if ((performance.now() - started) / 1000 > ctx.budgets.backtest) { cut = true; return }
      const g = performance.now()
      const r = classify(input, taxonomy, end + 86_400_000)
      genMs += performance.now() - g
      generated++
      yield r
    }
  })()
  const out = await replay({ reports, set, taxonomy, missions: MISSIONS })
  const seconds = (performance.now() - started) / 1000
  const engineSeconds = seconds - genMs / 1000
  const rate = out.replayed / engineSeconds
  ctx.log(`  replayed ${out.replayed} of ${n} reports in ${seconds.toFixed(1)} s (synthetic generation ${(genMs / 1000).toFixed(1)} s left out): ${Math.round(rate)} reports/s; ${out.alerts.length} alerts, ${out.changes.length} changes, ${out.rejected.length} rejected`)
  const raw = ctx.shared.rawInsert ?? (ctx.log('  measuring raw batched inserts (the batch benchmark did not run)'), summarize([rawInsertRate(ctx.workDir)]))
  rows.push(row({
    figure: `backtest replay, ${n.toLocaleString('en-US')} reports, standard library`, unit: 'reports/s', value: one(rate),
    baseline: { label: 'raw inserts', value: raw }, target: { on: 'ratio', op: '>=', limit: 0.25, text: '>= 0.25x' },
  }))
  const projected = n / rate
  rows.push(row({ figure: `  time for all ${n.toLocaleString('en-US')} reports${cut ? ' (projected)' : ''}`, unit: 'min', value: one(projected / 60), target: { on: 'value', op: '<=', limit: 5, text: 'a few minutes (<= 5)' } }))
  if (cut) notes.push(`time-boxed at ${ctx.budgets.backtest} s: ${out.replayed.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} reports (${Math.round((out.replayed / n) * 1000) / 10}%), then the final sweep and collection; the projection assumes the rate holds as the database grows`)
  notes.push('replay() on its own temporary database (its writer at synchronous=OFF: a throwaway file), reports fed in occurredAt order, 1,000/day over the three missions; generating and classifying the synthetic reports is left out of the rate')
  return { name: 'backtest', title: '4. Backtest (replay through the standard library)', rows, notes, extra: { replayed: out.replayed, alerts: out.alerts.length, changes: out.changes.length, seconds, generationSeconds: genMs / 1000, cut }, seconds: (performance.now() - t0) / 1000 }
}
