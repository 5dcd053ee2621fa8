/**
 * Child process: builds one history database (see history.ts).
 * usage: history-build.ts <count> <seed> <perDay> <out.db>
 *
 * A history of up to 100k reports is replayed whole through the engine, exactly as a backtest
 * would (classify, store, evaluate, alerts, each alert expiring at its time). A longer one would
 * take hours at today's engine speed (a finding of this suite), so only its last 60 days (twice
 * the longest regular window, enough for every alert active at the end and the escalations over
 * them) are replayed; the reports before are "fast-forwarded": stored with the engine's own
 * repositories (the report, its revision and its answer, and one indicator input per indicator
 * whose match holds, through the compiled match engines and IndicatorInput.row), without
 * evaluating the alerts they raised back then. Every aggregate therefore reads exactly the rows
 * a full replay would leave; what is missing is the alerts (and change-log entries) of
 * situations that ended before the last 60 days.
 */
import fs from 'node:fs'
import { classify, historyInputs } from './synthetic.js'
import { feed, openEngine, ruleSetFrom, taxonomy } from './engine.js'
import type { HistoryMeta } from './history.js'
import { removeDb } from './history.js'
import { fingerprint, type Report } from '../../../src/reports/report.js'
import { createReportsRepo } from '../../../src/storage/reports-repo.js'
import { createIndicatorInputsRepo, type IndicatorInputRow } from '../../../src/storage/indicator-inputs-repo.js'
import { reportInput } from '../../../src/engine/indicator-input.js'
import { presentReport } from '../../../src/ingest/present-report.js'

const [countArg, seedArg, perDayArg, out] = process.argv.slice(2)
const count = Number(countArg)
const seed = Number(seedArg)
const perDay = Number(perDayArg)
if (!out || !(count > 0)) throw new Error('usage: history-build.ts <count> <seed> <perDay> <out.db>')

const DAY = 86_400_000
/** Histories up to this size are replayed whole; longer ones replay their last REPLAY_DAYS. */
export const FULL_REPLAY_MAX = Number(process.env.BENCH_FULL_REPLAY_MAX ?? 100_000)
export const REPLAY_DAYS = 60

const end = Math.floor(Date.now() / 60_000) * 60_000
const tmp = `${out}.building`
removeDb(tmp)
const set = ruleSetFrom()
const replayFrom = count > FULL_REPLAY_MAX ? end - REPLAY_DAYS * DAY : -Infinity
const engine = openEngine(tmp, set, { synchronous: 'NORMAL', now: end - 1 })
const started = performance.now()
let lastLog = started
const progress = (n: number, phase: string) => {
  const now = performance.now()
  if (now - lastLog > 30_000) {
    lastLog = now
    process.stdout.write(`${phase}: ${n}/${count} reports, ${Math.round(n / ((now - started) / 1000))}/s\n`)
  }
}

const all = historyInputs({ seed, prefix: 'HIST', count, end, perDay })[Symbol.iterator]()
let pending: Report | null = null

// Phase 1: fast-forward the reports older than the look-back.
let fastForwarded = 0
{
  const db = engine.store.writer
  const reports = createReportsRepo(db)
  const inputs = createIndicatorInputsRepo(db)
  let batch: Report[] = []
  const flush = async () => {
    // Matches are async (json-rules-engine); decide them first, then write in one transaction.
    const rows: IndicatorInputRow[] = []
    for (const report of batch) {
      const input = reportInput(report)
      const t = Date.parse(report.occurredAt)
      for (const ind of set.watching('reports', input.codes)) {
        if (await ind.matches(input.view, t)) rows.push(input.row(ind))
      }
    }
    db.transaction(() => {
      for (const report of batch) {
        const t = Date.parse(report.occurredAt)
        reports.insert(report, fingerprint(report), t)
        reports.created(report, fingerprint(report), t, { alerts: [] })
      }
      for (const r of rows) inputs.upsert(r)
    })()
    fastForwarded += batch.length
    batch = []
    progress(fastForwarded, 'fast-forward')
  }
  for (let it = all.next(); !it.done; it = all.next()) {
    const report = classify(it.value, taxonomy, end)
    if (Date.parse(report.occurredAt) >= replayFrom) { pending = report; break }
    batch.push(report)
    if (batch.length >= 1000) await flush()
  }
  if (batch.length > 0) await flush()
}
const fastSeconds = (performance.now() - started) / 1000

// Phase 2: replay the rest through the engine.
const rest = (function* () {
  if (pending) yield pending
  for (let it = all.next(); !it.done; it = all.next()) yield classify(it.value, taxonomy, end)
})()
if (fastForwarded > 0) engine.clock.set(replayFrom - 1)
const fed = await feed(engine, rest, { chunk: 250, onProgress: (n) => progress(fastForwarded + n, 'replay') })
// The service's timer would have run at the end of the history: expiries, then the response
// deadlines (no alert in a synthetic history is ever acknowledged), then the reporting-gap watch.
// Without the last two, a service started on the history flags every open alert overdue at its
// first round, 60 s in, and the polling section's "idle" clients got those changes (run F).
engine.clock.set(end)
await engine.services.timerRound()
const buildSeconds = (performance.now() - started) / 1000
const db = engine.store.writer
const n = (sql: string) => (db.prepare(sql).pluck().get() as number)
const stats = { alerts: n('SELECT count(*) FROM alerts'), changes: n('SELECT count(*) FROM alert_changes'), inputs: n('SELECT count(*) FROM indicator_inputs') }
await engine.close()
removeDb(out)
fs.renameSync(tmp, out)
const replaySeconds = buildSeconds - fastSeconds
const meta: HistoryMeta = {
  count, seed, perDay, end, buildSeconds: Math.round(buildSeconds), reportsPerSecond: Math.round(count / buildSeconds),
  bytes: fs.statSync(out).size, ...stats, builtAt: new Date().toISOString(),
  fastForwarded, replayed: fed.fed, replayFrom: Number.isFinite(replayFrom) ? replayFrom : end - (count * DAY) / perDay, replayedPerSecond: Math.round(fed.fed / replaySeconds),
}
fs.writeFileSync(`${out}.json`, JSON.stringify(meta, null, 2))
process.stdout.write(`done: ${JSON.stringify(meta)}\n`)
