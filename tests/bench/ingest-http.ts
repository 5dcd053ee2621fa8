/**
 * 1. HTTP single-report ingest: autocannon against POST /reports of the real service (child
 * process, standard library, synchronous=FULL, pre-filled history), unique ids, realistic bodies,
 * at saturation and at a fixed 1,000 req/s. Baseline: a bare fastify POST route in a child
 * process of the same shape. Ends with one profiled saturation run (--cpu-prof) on the largest
 * history.
 */
import path from 'node:path'
import type { BenchContext } from './lib/context.js'
import { load, type LoadResult } from './lib/load.js'
import { row, summarize, type BenchResult, type Row } from './lib/stats.js'
import { liveBodies, withId } from './lib/synthetic.js'
import { startBare, startVigil, untilReady } from './lib/vigil-server.js'
import { copyHistory } from './lib/history.js'
import { summarizeProfile } from './lib/cpuprofile.js'
import type { ServerProcess } from './lib/server-process.js'

const SATURATION_CONNECTIONS = 64
const FIXED_RATE = 1000
/**
 * A rate well inside the service's capacity, the latency a steady feed sees (informational). On
 * few connections: autocannon fires every connection's timer at once, so at a fixed rate 32
 * connections arrive as bursts of 32 requests, and the last of a burst waits for the 31 before
 * it (about 30 ms at ~1 ms each, whatever the rate).
 */
const STEADY_RATE = 250
const STEADY_CONNECTIONS = 4
const FIXED_CONNECTIONS = 32

/** A body source: pre-rendered reports cycled, each request with a new id. */
export function bodySource(tag: string, end: number, seed: number, pool = 4000) {
  const bodies = liveBodies(seed, pool, (i) => end - ((i * 7919) % 3_600_000))
  let n = 0
  return {
    next: () => { const b = withId(`LIVE-${tag}-${n}`, bodies[n % pool]!); n++; return b },
    count: () => n,
  }
}

/** Waits for GET /readyz 200: the window state is in memory, so a run measures ingest, not the start-up load. */
async function ready(server: ServerProcess) {
  if (!(await untilReady(server.url, 600_000))) throw new Error('the service did not become ready')
}

/**
 * The shapes measured: the service as configured by default, and those BENCH_INGEST_VARIANTS
 * names (comma-separated): `split`, the write path of POST /reports on a worker thread
 * (lib/split-ingest.ts, a measuring prototype); `background`, commits synced on the thread pool
 * (VIGIL_COMMIT_SYNC=background).
 */
const VARIANTS: Record<string, { name: string; env: Record<string, string> }> = {
  split: { name: 'write path on a worker', env: { BENCH_SPLIT: '1', VIGIL_COMMIT_SYNC: 'inline' } },
  background: { name: 'commit sync in background', env: { BENCH_SPLIT: '0', VIGIL_COMMIT_SYNC: 'background' } },
}
const DEFAULT_VARIANT = { name: 'single thread', env: { BENCH_SPLIT: '0', VIGIL_COMMIT_SYNC: 'inline' } }
const variants = () => [DEFAULT_VARIANT, ...(process.env.BENCH_INGEST_VARIANTS ?? '').split(',').filter(Boolean).map((v) => {
  const found = VARIANTS[v.trim()]
  if (!found) throw new Error(`BENCH_INGEST_VARIANTS: unknown variant ${v} (known: ${Object.keys(VARIANTS).join(', ')})`)
  return found
})]

type Measured = LoadResult & { serverCpu: number }

async function measure(server: ServerProcess, next: () => string, o: { durationS: number; rate?: number; connections?: number }): Promise<Measured> {
  const c0 = server.cpuSeconds()
  const r = await load({
    url: server.url, method: 'POST', path: '/reports', body: next,
    connections: o.connections ?? (o.rate ? FIXED_CONNECTIONS : SATURATION_CONNECTIONS),
    durationS: o.durationS,
    ...(o.rate ? { overallRate: o.rate } : {}),
  })
  return { ...r, serverCpu: (server.cpuSeconds() - c0) / r.seconds }
}

const fmtRun = (r: LoadResult & { serverCpu: number }) =>
  `${Math.round(r.rps)} req/s p50 ${r.p50} ms p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}, server CPU ${r.serverCpu.toFixed(2)} cores, autocannon CPU ${r.clientCpu.toFixed(2)} cores`

export async function ingestHttp(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const rows: Row[] = []
  const notes: string[] = []
  const { repeats, durationS } = ctx
  const runTag = Date.now().toString(36)

  // Baseline: bare fastify, same process shape.
  ctx.log('  baseline: bare fastify POST')
  const bare = await startBare()
  const bareBodies = bodySource(`${runTag}-bare`, Date.now(), 7)
  await measure(bare, bareBodies.next, { durationS: 2 })
  const bareSat: LoadResult[] = []
  const bareFixed: LoadResult[] = []
  for (let i = 0; i < repeats; i++) {
    const s = await measure(bare, bareBodies.next, { durationS })
    ctx.log(`    saturation: ${fmtRun(s)}`)
    bareSat.push(s)
    const f = await measure(bare, bareBodies.next, { durationS, rate: FIXED_RATE })
    ctx.log(`    ${FIXED_RATE} req/s: ${fmtRun(f)}`)
    bareFixed.push(f)
  }
  await bare.stop()
  const baseRps = summarize(bareSat.map((r) => r.rps))
  const bareAvgClient = bareSat.reduce((s, r) => s + r.clientCpu, 0) / bareSat.length

  const extra: Record<string, unknown> = { runs: {} as Record<string, unknown> }
  const largest = Math.max(...ctx.ingestHistories)
  for (const size of ctx.ingestHistories) {
    const meta = ctx.histories.get(size)!
    // Every shape runs at once, each on its own copy, and their runs alternate: the machine's
    // other load then falls on all of them alike.
    const runs = await Promise.all(variants().map(async (variant, v) => {
      const db = v === 0 ? ctx.workCopy(size) : copyHistory(size, `history-${size}-variant-${v}`)
      const server = await startVigil({ db, history: meta, env: variant.env })
      await ready(server)
      return { variant, server, bodies: bodySource(`${runTag}-${size}-${v}`, meta.end, 11 + size + v), sat: [] as Measured[], fixed: [] as Measured[], steady: [] as Measured[] }
    }))
    for (const r of runs) {
      const warm = await measure(r.server, r.bodies.next, { durationS: 2 })
      ctx.log(`  vigil, ${size.toLocaleString('en-US')}-report history, ${r.variant.name}: warm-up ${fmtRun(warm)}`)
    }
    for (let i = 0; i < repeats; i++) {
      for (const r of runs) {
        const f = await measure(r.server, r.bodies.next, { durationS, rate: FIXED_RATE })
        ctx.log(`    ${r.variant.name}, ${FIXED_RATE} req/s: ${fmtRun(f)}`)
        r.fixed.push(f)
        const sat = await measure(r.server, r.bodies.next, { durationS })
        ctx.log(`    ${r.variant.name}, saturation: ${fmtRun(sat)}`)
        r.sat.push(sat)
      }
    }
    if (size === largest) {
      for (let i = 0; i < repeats; i++) {
        runs[0]!.steady.push(await measure(runs[0]!.server, runs[0]!.bodies.next, { durationS, rate: STEADY_RATE, connections: STEADY_CONNECTIONS }))
        ctx.log(`    ${STEADY_RATE} req/s: ${fmtRun(runs[0]!.steady[i]!)}`)
      }
    }
    await Promise.all(runs.map((r) => r.server.stop()))
    for (const { variant, bodies, sat, fixed, steady } of runs) {
      const single = variant === DEFAULT_VARIANT
      ;(extra.runs as Record<string, unknown>)[`${size}${single ? '' : `, ${variant.name}`}`] = { saturation: sat, fixed, steady, posted: bodies.count() }
      const label = `${size.toLocaleString('en-US')} history${single ? '' : `, ${variant.name}`}`
      const isTarget = size === largest && single
      const targetNote = isTarget && size < 1_000_000 ? ' (quick: largest history in place of 1M)' : ''
      rows.push(row({
        figure: `POST /reports at saturation, ${label}`, unit: 'req/s',
        value: summarize(sat.map((r) => r.rps)), baseline: { label: 'bare fastify', value: baseRps },
        ...(isTarget ? { target: { on: 'ratio', op: '>=', limit: 0.1, text: `>= 0.1x${targetNote}` } } : {}),
      }))
      rows.push(row({ figure: `  p50 / p99 latency at saturation, ${label}`, unit: 'ms (p50)', value: summarize(sat.map((r) => r.p50)), baseline: { label: 'bare p50', value: summarize(bareSat.map((r) => r.p50)) } }))
      rows.push(row({ figure: '  p99 at saturation', unit: 'ms', value: summarize(sat.map((r) => r.p99)), baseline: { label: 'bare p99', value: summarize(bareSat.map((r) => r.p99)) } }))
      rows.push(row({
        figure: `  p99 at ${FIXED_RATE.toLocaleString('en-US')} req/s, ${label}`, unit: 'ms',
        value: summarize(fixed.map((r) => r.p99)), baseline: { label: 'bare p99', value: summarize(bareFixed.map((r) => r.p99)) },
        ...(isTarget ? { target: { on: 'value', op: '<=', limit: 24.99, text: `< 25 ms${targetNote}` } } : {}),
      }))
      rows.push(row({ figure: `  p50 at ${FIXED_RATE.toLocaleString('en-US')} req/s`, unit: 'ms', value: summarize(fixed.map((r) => r.p50)), baseline: { label: 'bare p50', value: summarize(bareFixed.map((r) => r.p50)) } }))
      rows.push(row({ figure: `  achieved at ${FIXED_RATE.toLocaleString('en-US')} req/s`, unit: 'req/s', value: summarize(fixed.map((r) => r.rps)) }))
      // CPU per report (all the service's threads), the figure the machine's other load moves least.
      rows.push(row({ figure: '  server CPU per report at saturation', unit: 'ms', value: summarize(sat.map((r) => (1000 * r.serverCpu) / Math.max(r.rps, 1e-9))) }))
      if (steady.length > 0) {
        rows.push(row({ figure: `  p99 at ${STEADY_RATE} req/s on ${STEADY_CONNECTIONS} connections (inside capacity), ${label}`, unit: 'ms', value: summarize(steady.map((r) => r.p99)) }))
        rows.push(row({ figure: `  p50 at ${STEADY_RATE} req/s`, unit: 'ms', value: summarize(steady.map((r) => r.p50)) }))
      }
      const bad = [...sat, ...fixed, ...steady].reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0)
      if (bad > 0) notes.push(`${label}: ${bad} non-2xx/errors/timeouts (not counted in req/s)`)
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
      notes.push(`${label}: at saturation the service used ${avg(sat.map((r) => r.serverCpu)).toFixed(2)} cores and autocannon ${avg(sat.map((r) => r.clientCpu)).toFixed(2)} cores (bare baseline: autocannon ${bareAvgClient.toFixed(2)}); ${bodies.count().toLocaleString('en-US')} reports posted on this history`)
    }
  }

  // One profiled saturation run on the largest history (after a warm-up, so start-up is left out).
  ctx.log('  profile: one saturation run, CPU-profiled (inspector Profiler, as --cpu-prof)')
  const meta = ctx.histories.get(largest)!
  const prof = await startVigil({ db: ctx.workCopy(largest), history: meta, env: DEFAULT_VARIANT.env })
  await ready(prof)
  const profBodies = bodySource(`${runTag}-prof`, meta.end, 99)
  await measure(prof, profBodies.next, { durationS: 2 })
  const file = path.join(ctx.workDir, 'ingest.cpuprofile')
  const stopProfile = await prof.profile(file)
  const pr = await measure(prof, profBodies.next, { durationS })
  await stopProfile()
  ctx.log(`    profiled: ${fmtRun(pr)}`)
  await prof.stop()
  extra.profile = { ...summarizeProfile(file, 15), file: path.relative(process.cwd(), file), history: largest, rps: pr.rps }
  notes.push('latency from autocannon in this process (it shares the 2 cores with the server); the fixed-rate runs correct for coordinated omission (autocannon default)')
  notes.push(`at a fixed rate autocannon fires every connection's timer at once: on ${FIXED_CONNECTIONS} connections requests arrive in bursts of ${FIXED_CONNECTIONS}, so latency there is mostly a burst's queue; the ${STEADY_RATE} req/s row uses ${STEADY_CONNECTIONS} connections`)
  return { name: 'ingest-http', title: '1. HTTP single-report ingest (POST /reports)', rows, notes, extra, seconds: (performance.now() - t0) / 1000 }
}
