/**
 * The benchmark suite: `npm run bench` (full), `npm run bench -- --quick` (CI-sized).
 * Options: --only=placement,conditions,ingest,batch,engine,backtest,polling,storage,startup  --repeats=N  --duration=S
 * Prints a table per benchmark (figure, same-run baseline, ratio, target, met / NOT MET) and
 * writes bench-results.json at the repository root. See tests/bench/README.md.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from '../../src/paths.js'
import { makeContext, type BenchContext } from './lib/context.js'
import { ensureHistories, upgradeHistory } from './lib/history.js'
import { execSync } from 'node:child_process'
import { renderBench, renderTable, fmt } from './lib/table.js'
import type { BenchResult } from './lib/stats.js'
import { ingestHttp } from './ingest-http.js'
import { batchIngest } from './batch-ingest.js'
import { engineScaling } from './engine-scaling.js'
import { backtest } from './backtest.js'
import { polling } from './polling.js'
import { placement } from './placement.js'
import { conditions } from './conditions.js'
import { storageSize } from './storage-size.js'
import { startup } from './startup.js'

const args = process.argv.slice(2)
const flag = (name: string) => args.includes(`--${name}`)
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const quick = flag('quick')
const only = opt('only')?.split(',') ?? ['placement', 'conditions', 'engine', 'ingest', 'batch', 'backtest', 'polling', 'storage', 'startup']
const started = performance.now()
const log = (s: string) => process.stdout.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`)

/** Machine-wide and own CPU, to say how much of the 2 cores other processes took during the run. */
function cpuSnapshot() {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const idle = cpu[3]! + (cpu[4] ?? 0)
  const total = cpu.slice(0, 8).reduce((s, x) => s + x, 0)
  const self = fs.readFileSync('/proc/self/stat', 'utf8')
  const f = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number)
  // utime, stime, cutime, cstime: this process and its waited-for children (the servers, builders).
  const own = f[11]! + f[12]! + f[13]! + f[14]!
  return { busy: total - idle, total, own }
}

/** The commit and the files changed on top of it: the engine is being worked on while this runs. */
function gitState() {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim()
    const dirty = execSync('git status --porcelain src', { cwd: ROOT }).toString().split('\n').filter(Boolean).length
    return { head, dirtySrcFiles: dirty }
  } catch {
    return null
  }
}

const sizes = quick
  ? { ingest: [10_000, 100_000], engine: [10_000, 100_000], batch: 20_000, backtest: 100_000 }
  : { ingest: [100_000, 1_000_000], engine: [10_000, 100_000, 1_000_000], batch: 100_000, backtest: 1_000_000 }

const cpu0 = cpuSnapshot()
log(`vigil benchmark suite, ${quick ? 'quick' : 'full'} mode, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`)
const needed = new Set<number>()
if (only.includes('ingest')) sizes.ingest.forEach((s) => needed.add(s))
if (only.includes('engine')) sizes.engine.forEach((s) => needed.add(s))
if (only.includes('polling')) needed.add(quick ? 10_000 : 100_000)
if (only.includes('storage')) needed.add(quick ? 10_000 : 100_000)
if (only.includes('startup')) needed.add(sizes.ingest[sizes.ingest.length - 1]!)
const tHist = performance.now()
const histories = await ensureHistories([...needed], log)
const startSeconds: Record<number, { listening: number; ready: number }> = {}
for (const [size, m] of [...histories.entries()].sort((a, b) => a[0] - b[0])) {
  log(`history ${size.toLocaleString('en-US')}: ${m.built ? 'built now' : 'cached'}, ${Math.round(m.bytes / 1e6)} MB, ${m.alerts.toLocaleString('en-US')} alerts, ${m.changes.toLocaleString('en-US')} changes; built in ${m.buildSeconds} s (${m.reportsPerSecond} reports/s${m.fastForwarded ? `; ${m.fastForwarded.toLocaleString('en-US')} fast-forwarded, the last ${m.replayed!.toLocaleString('en-US')} replayed at ${m.replayedPerSecond}/s` : ''})`)
  startSeconds[size] = await upgradeHistory(size, m)
  const s = startSeconds[size]!
  log(`  service start-up on it: listening in ${s.listening.toFixed(1)} s, ready in ${s.ready.toFixed(1)} s (migrations and input-index rebuilds, if any, are kept in the cache)`)
}
const historySeconds = (performance.now() - tHist) / 1000

const ctx = makeContext({
  quick,
  repeats: Number(opt('repeats') ?? (quick ? 2 : 3)),
  durationS: Number(opt('duration') ?? (quick ? 4 : 5)),
  ingestHistories: sizes.ingest,
  engineHistories: sizes.engine,
  batchReports: sizes.batch,
  backtestReports: sizes.backtest,
  budgets: quick ? { batch: 20, import: 20, backtest: 45, prefill: 20 } : { batch: 40, import: 40, backtest: 150, prefill: 40 },
  histories,
  log,
  shared: {},
})

const benches: [string, (c: BenchContext) => Promise<BenchResult>][] = [
  ['placement', placement],
  ['conditions', conditions],
  ['engine', engineScaling],
  ['ingest', ingestHttp],
  ['batch', batchIngest],
  ['backtest', backtest],
  ['polling', polling],
  ['storage', storageSize],
  ['startup', startup],
]
const results: BenchResult[] = []
try {
  for (const [name, fn] of benches) {
    if (!only.includes(name)) continue
    log(`--- ${name}`)
    try {
      const r = await fn(ctx)
      results.push(r)
      process.stdout.write(`${renderBench(r)}\n`)
    } catch (err) {
      log(`${name} FAILED: ${(err as Error).stack ?? String(err)}`)
      results.push({ name, title: `${name} (failed)`, rows: [], notes: [`failed: ${(err as Error).message}`], seconds: 0 })
    }
  }
} finally {
  ctx.cleanup()
}

const cpu1 = cpuSnapshot()
const wallSeconds = (performance.now() - started) / 1000
const machineBusy = (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total)
const ownShare = (cpu1.own - cpu0.own) / (cpu1.total - cpu0.total)
const foreign = Math.max(0, machineBusy - ownShare)

// Every target in one table.
const targets = results.flatMap((b) => b.rows.filter((r) => r.target).map((r) => [
  b.name, r.figure.trim(), `${fmt(r.value.median)} ${r.unit}`, r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '', r.target!.text, r.met ? 'met' : 'NOT MET',
]))
process.stdout.write(`\n=== Targets ===\n${renderTable(['bench', 'figure', 'median', 'ratio', 'target', 'status'], targets)}\n`)
type Prof = { top: { name: string; where: string; selfPct: number }[]; byArea: { area: string; selfPct: number }[]; file: string }
for (const [bench, title] of [['ingest-http', 'Ingest profile (server, POST /reports at saturation, self time)'], ['polling', 'Poll profile (server, GET /alerts?after=<latest> at saturation, self time)']] as const) {
  const profile = results.find((r) => r.name === bench)?.extra?.profile as Prof | undefined
  if (!profile) continue
  process.stdout.write(`\n=== ${title}: ${profile.file} ===\n`)
  process.stdout.write(`${renderTable(['self %', 'function', 'where'], profile.top.map((e) => [e.selfPct.toFixed(1), e.name, e.where]))}\n`)
  process.stdout.write(`by area: ${profile.byArea.slice(0, 10).map((a) => `${a.area} ${a.selfPct}%`).join(', ')}\n`)
}
const git = gitState()
if (git) process.stdout.write(`\ncode: ${git.head}${git.dirtySrcFiles ? ` + ${git.dirtySrcFiles} changed file(s) in src/` : ''}`)
process.stdout.write(`\nwall time ${(wallSeconds / 60).toFixed(1)} min (histories ${Math.round(historySeconds)} s); other processes used ${(foreign * 100).toFixed(0)}% of the machine's 2 cores during the run\n`)

const out = {
  mode: quick ? 'quick' : 'full',
  startedAt: new Date(Date.now() - wallSeconds * 1000).toISOString(),
  wallSeconds: Math.round(wallSeconds),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, foreignCpuShare: Math.round(foreign * 1000) / 1000 },
  histories: Object.fromEntries(histories),
  serviceStartSeconds: startSeconds,
  git: gitState(),
  historySeconds: Math.round(historySeconds),
  benchmarks: results,
}
fs.writeFileSync(path.join(ROOT, 'bench-results.json'), `${JSON.stringify(out, null, 2)}\n`)
log(`wrote bench-results.json`)
process.exit(0)
