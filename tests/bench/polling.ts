/**
 * 5. Polling, against the service on a pre-filled history (100k; 10k quick):
 *  - GET /alerts?after=<latest cursor> throughput (the steady state: nothing new) against a bare
 *    fastify GET; a full page (100 changes) for reference;
 *  - server CPU with 1,000 idle long polls (wait=30) and with 1,000 SSE streams while nothing
 *    changes, against the same window with no client;
 *  - ingest at saturation alone, and with pollers following the feed at full rate beside it.
 */
import http from 'node:http'
import path from 'node:path'
import { summarizeProfile } from './lib/cpuprofile.js'
import Database from 'better-sqlite3'
import type { BenchContext } from './lib/context.js'
import { load, type LoadResult } from './lib/load.js'
import { percentile, row, summarize, type BenchResult, type Row } from './lib/stats.js'
import { startBare, startVigil } from './lib/vigil-server.js'
import type { ServerProcess } from './lib/server-process.js'
import { bodySource } from './ingest-http.js'
import { BENCH_HEADERS } from './lib/bench-auth.js'

const CONNECTIONS = 64
const IDLE_CLIENTS = 1000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Opens `n` requests that stay open (long polls, streams); resolves once all have sent their request. */
async function openClients(url: string, path: string, n: number) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity })
  const reqs: http.ClientRequest[] = []
  let responded = 0
  let failed = 0
  for (let i = 0; i < n; i++) {
    const req = http.get(`${url}${path}`, { agent, headers: BENCH_HEADERS }, (res) => {
      responded++
      res.on('data', () => {})
      res.on('error', () => {})
    })
    req.on('error', () => { failed++ })
    reqs.push(req)
    if (i % 100 === 99) await sleep(20)
  }
  return {
    responded: () => responded,
    failed: () => failed,
    close() { for (const r of reqs) r.destroy(); agent.destroy() },
  }
}

/** `n` JOC pollers following the feed (each passes the nextCursor it got) as fast as answers come. */
async function followers(url: string, n: number, start: number, seconds: number) {
  const t0 = performance.now()
  const latencies: number[] = []
  let errors = 0
  const one = async () => {
    let cursor = start
    while ((performance.now() - t0) / 1000 < seconds) {
      const s = performance.now()
      try {
        const res = await fetch(`${url}/alerts?after=${cursor}`, { headers: BENCH_HEADERS, signal: AbortSignal.timeout(15_000) })
        const page = await res.json() as { nextCursor?: number }
        if (res.status !== 200) errors++
        else cursor = page.nextCursor ?? cursor
        latencies.push(performance.now() - s)
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: n }, one))
  const secs = (performance.now() - t0) / 1000
  return { rps: latencies.length / secs, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, polls: latencies.length }
}

async function cpuOver(server: ServerProcess, seconds: number): Promise<number> {
  const c0 = server.cpuSeconds()
  const t0 = performance.now()
  await sleep(seconds * 1000)
  return (server.cpuSeconds() - c0) / ((performance.now() - t0) / 1000)
}

export async function polling(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const rows: Row[] = []
  const notes: string[] = []
  const extra: Record<string, unknown> = {}
  const size = ctx.quick ? 10_000 : 100_000
  const meta = ctx.histories.get(size)!
  const db = ctx.workCopy(size)
  const lastSeq = () => {
    const d = new Database(db, { readonly: true })
    try { return d.prepare('SELECT coalesce(max(seq), 0) FROM alert_changes').pluck().get() as number } finally { d.close() }
  }
  const latest = lastSeq()
  // Changes the service wrote by itself (its timer) while the bench measured "nothing new":
  // printed and noted, since they turn caught-up polls into full pages and wake idle clients.
  const unplanned: string[] = []
  const wroteDuring = (what: string, from: number) => {
    const n = lastSeq() - from
    if (n > 0) unplanned.push(`${n} during ${what}`)
  }
  const { repeats, durationS } = ctx

  // --- GET /alerts throughput
  const bare = await startBare()
  const server = await startVigil({ db, history: meta })
  const get = (s: ServerProcess, path: string) => load({ url: s.url, path, connections: CONNECTIONS, durationS })
  await get(bare, '/alerts?after=0')
  await get(server, `/alerts?after=${latest}`)
  const bareRuns: LoadResult[] = []
  const pollRuns: LoadResult[] = []
  for (let i = 0; i < repeats; i++) {
    bareRuns.push(await get(bare, `/alerts?after=${latest}`))
    pollRuns.push(await get(server, `/alerts?after=${latest}`))
    ctx.log(`  GET /alerts?after=latest: ${Math.round(pollRuns[i]!.rps)} req/s p99 ${pollRuns[i]!.p99} ms; bare ${Math.round(bareRuns[i]!.rps)} req/s`)
  }
  // One profiled run of the steady-state poll, for the diagnosis.
  const profFile = path.join(ctx.workDir, 'poll.cpuprofile')
  const stopProfile = await server.profile(profFile)
  const profiled = await get(server, `/alerts?after=${latest}`)
  await stopProfile()
  wroteDuring('the caught-up poll runs', latest)
  extra.profile = { ...summarizeProfile(profFile, 12), file: path.relative(process.cwd(), profFile), rps: profiled.rps }
  const page = await get(server, `/alerts?after=${Math.max(0, latest - 100)}`)
  ctx.log(`  GET /alerts full page (100 changes): ${Math.round(page.rps)} req/s`)
  await bare.stop()
  const bareS = summarize(bareRuns.map((r) => r.rps))
  rows.push(row({
    figure: 'GET /alerts?after=<latest> (nothing new)', unit: 'req/s', value: summarize(pollRuns.map((r) => r.rps)),
    baseline: { label: 'bare fastify GET', value: bareS }, target: { on: 'ratio', op: '>=', limit: 0.5, text: '>= 0.5x' },
  }))
  rows.push(row({ figure: '  p99 latency', unit: 'ms', value: summarize(pollRuns.map((r) => r.p99)), baseline: { label: 'bare p99', value: summarize(bareRuns.map((r) => r.p99)) } }))
  rows.push(row({ figure: 'GET /alerts, a full page of 100 changes', unit: 'req/s', value: summarize([page.rps]), baseline: { label: 'bare fastify GET', value: bareS } }))

  // --- idle clients
  const windowS = ctx.quick ? 8 : 15
  // Idle: before the clients and after them, averaged (the load runs above leave GC work behind).
  await sleep(3000)
  let seqAt = lastSeq()
  const idle1 = await cpuOver(server, windowS)
  wroteDuring('the first idle window', seqAt)
  seqAt = lastSeq()
  const lp = await openClients(server.url, `/alerts?after=${seqAt}&wait=30`, IDLE_CLIENTS)
  await sleep(3000)
  const lpFailedBefore = lp.failed()
  const lpCpu = await cpuOver(server, windowS)
  const lpAnswered = lp.responded()
  const lpFailed = lp.failed()
  wroteDuring('the long-poll window', seqAt)
  lp.close()
  await sleep(2000)
  seqAt = lastSeq()
  const sse = await openClients(server.url, `/alerts/stream?after=${seqAt}`, IDLE_CLIENTS)
  await sleep(3000)
  const sseCpu = await cpuOver(server, windowS)
  wroteDuring('the SSE window', seqAt)
  const sseOpen = sse.responded()
  const sseFailed = sse.failed()
  sse.close()
  await sleep(3000)
  seqAt = lastSeq()
  const idle2 = await cpuOver(server, windowS)
  wroteDuring('the second idle window', seqAt)
  const idle = (idle1 + idle2) / 2
  ctx.log(`  server CPU over ${windowS} s: idle ${(idle1 * 100).toFixed(2)}% / ${(idle2 * 100).toFixed(2)}% of a core, ${IDLE_CLIENTS} long polls ${(lpCpu * 100).toFixed(2)}% (${lpAnswered} answered early, ${lpFailed} failed, ${lpFailedBefore} before the window), ${IDLE_CLIENTS} SSE ${(sseCpu * 100).toFixed(2)}% (${sseOpen} open, ${sseFailed} failed)`)
  if (lpFailed > 0 || sseFailed > 0) notes.push(`idle clients: ${lpFailed} long polls and ${sseFailed} streams failed to connect`)
  rows.push(row({ figure: `CPU of ${IDLE_CLIENTS.toLocaleString('en-US')} idle long polls (wait=30), above idle`, unit: '% of a core', value: summarize([(lpCpu - idle) * 100]), target: { on: 'value', op: '<=', limit: 5, text: '< 5%' } }))
  rows.push(row({ figure: `CPU of ${IDLE_CLIENTS.toLocaleString('en-US')} idle SSE streams, above idle`, unit: '% of a core', value: summarize([(sseCpu - idle) * 100]), target: { on: 'value', op: '<=', limit: 5, text: '< 5%' } }))
  rows.push(row({ figure: '  the service idle, no client', unit: '% of a core', value: summarize([idle * 100]) }))
  notes.push(`idle clients: ${windowS} s windows of server CPU (/proc/<pid>/stat, 10 ms ticks), starting 3 s after the ${IDLE_CLIENTS} clients connected; SSE heartbeat every 15 s (default)${windowS < 15 ? ', so this quick window may hold no heartbeat' : ''}; nothing is written meanwhile unless the 60 s expiry sweep fires (each commit wakes every waiter and stream)`)
  if (unplanned.length > 0) {
    ctx.log(`  NOT IDLE: the service wrote alert changes by itself: ${unplanned.join('; ')}`)
    notes.push(`not idle: the service's timer wrote alert changes while nothing was sent (${unplanned.join('; ')}); the figures above include the clients' share of them`)
  }
  if (lpAnswered > 0) notes.push(`${lpAnswered} long polls were answered before the window ended (a commit woke them)`)

  // --- polling beside ingest
  const bodies = bodySource(`${Date.now().toString(36)}-poll`, meta.end, 31)
  const ingest = () => load({ url: server.url, method: 'POST', path: '/reports', body: bodies.next, connections: CONNECTIONS, durationS })
  await ingest()
  const alone: LoadResult[] = []
  const beside: LoadResult[] = []
  const polls: Awaited<ReturnType<typeof followers>>[] = []
  for (let i = 0; i < repeats; i++) {
    alone.push(await ingest())
    // The pollers start caught up, as a JOC poller is: at the last change committed.
    const [a, p] = await Promise.all([ingest(), followers(server.url, 32, lastSeq(), durationS)])
    beside.push(a)
    polls.push(p)
    ctx.log(`  ingest alone ${Math.round(alone[i]!.rps)} req/s; with pollers ${Math.round(a.rps)} req/s while they polled ${Math.round(p.rps)} req/s (p50 ${Math.round(p.p50)} ms, p99 ${Math.round(p.p99)} ms, ${p.errors} errors)`)
  }
  await server.stop()
  rows.push(row({ figure: 'POST /reports with pollers at full rate beside it', unit: 'req/s', value: summarize(beside.map((r) => r.rps)), baseline: { label: 'ingest alone', value: summarize(alone.map((r) => r.rps)) } }))
  rows.push(row({ figure: '  the pollers meanwhile (32 following nextCursor)', unit: 'req/s', value: summarize(polls.map((r) => r.rps)) }))
  rows.push(row({ figure: '  poll p99 latency during ingest', unit: 'ms', value: summarize(polls.map((r) => r.p99)), baseline: { label: 'idle feed p99', value: summarize(pollRuns.map((r) => r.p99)) } }))
  rows.push(row({ figure: '  ingest p99 with pollers', unit: 'ms', value: summarize(beside.map((r) => r.p99)), baseline: { label: 'alone', value: summarize(alone.map((r) => r.p99)) } }))
  extra.polling = { latest, pollRuns, bareRuns, page, idle1, idle2, lpCpu, sseCpu, lpAnswered, sseOpen, alone, beside, polls }
  notes.push(`on the ${size.toLocaleString('en-US')}-report history (cursor ${latest}); autocannon and the pollers (fetch) run in this process on the same 2 cores`)
  return { name: 'polling', title: '5. Polling and streaming', rows, notes, extra, seconds: (performance.now() - t0) / 1000 }
}
