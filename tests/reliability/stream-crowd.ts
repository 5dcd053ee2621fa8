/**
 * A crowd catching up (`npm run test:streams`; minutes, not in CI): the real service on a
 * year-sized alert feed, and 1,000 clients that each open the stream from 0 at the same time.
 * Each is refused (409 VIGIL_STREAM_TOO_FAR_BEHIND), pages through GET /alerts to within the
 * backlog a stream may start with, opens the stream from its cursor and stays on it, live. The
 * service's RSS and `/healthz` latency are sampled throughout; the figures are for the README.
 * Fails (exit 1) when a client gets an answer the API does not promise, when RSS grows by more
 * than `VIGIL_CROWD_RSS_MB`, or when the median `/healthz` is over 100 ms.
 *
 * A year-sized feed: a mission's JMAC records some 30 reports a day; 100 alert changes a day,
 * every day of a year (36,500), is more than the standard library raises on such a mission.
 * The changes are real ones: one report each, through the engine, under a per-incident rule.
 *
 *   VIGIL_CROWD_CLIENTS  clients (default 1000)       VIGIL_CROWD_FEED     alert changes (default 36500)
 *   VIGIL_CROWD_SECONDS  longest catch-up (default 600) VIGIL_CROWD_RSS_MB  RSS growth allowed (default 1024)
 *   VIGIL_CROWD_PAGE     changes per poll page (default 500; the API allows up to 1,000)
 *   VIGIL_CROWD_DB       a database to keep: built on the first run, reused by the next (the feed
 *                        takes minutes to build); a reused feed runs without expiry/overdue sweeps
 */
import { setMaxListeners } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { startService } from '../helpers/service-process.js'
import { tempDir, writeRules } from '../helpers/test-app.js'
import { envInt } from '../helpers/seeded.js'
import { PER_INCIDENT } from '../helpers/test-rules.js'
import { buildFeed, catchUpFrom0, healthMs, newCatchUp, rssMb, startPinger } from '../helpers/stream-catch-up.js'

const CLIENTS = envInt('VIGIL_CROWD_CLIENTS', 1000)
const FEED = envInt('VIGIL_CROWD_FEED', 36_500)
const SECONDS = envInt('VIGIL_CROWD_SECONDS', 600)
const RSS_LIMIT_MB = envInt('VIGIL_CROWD_RSS_MB', 1024)
const PAGE = envInt('VIGIL_CROWD_PAGE', 500)
const KEPT_DB = process.env.VIGIL_CROWD_DB
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const pct = (sorted: number[], p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!)

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)
  return m ? Number(m[1]) : NaN
}

/** The last change of a kept feed of at least `feed` changes. */
async function headOf(url: string, feed: number): Promise<number> {
  let cursor = Math.max(0, feed - 1)
  for (;;) {
    const page = await (await fetch(`${url}/alerts?after=${cursor}&limit=1000`)).json() as { changes: unknown[]; nextCursor: number }
    cursor = page.nextCursor
    if (page.changes.length < 1000) return cursor
  }
}

/**
 * Where the service's memory is, MB: the JS heap (used, and reserved), memory V8 knows of outside
 * it (Buffers, strings handed to sockets), and the rest of RSS (native: SQLite, malloc's arenas).
 */
async function memoryOf(url: string, rss: number) {
  const text = await (await fetch(`${url}/metrics`)).text()
  const mb = (name: string) => Math.round(metric(text, name) / 1_048_576)
  const heapTotal = mb('vigil_nodejs_heap_size_total_bytes')
  const external = mb('vigil_nodejs_external_memory_bytes')
  return { text, heapUsed: mb('vigil_nodejs_heap_size_used_bytes'), heapTotal, external, native: Math.round(rss) - heapTotal - external }
}
const showMemory = (m: Awaited<ReturnType<typeof memoryOf>>) => `heap ${m.heapUsed}/${m.heapTotal} MB, external ${m.external} MB, rest ${m.native} MB`

async function main() {
  const reuse = KEPT_DB !== undefined && fs.existsSync(KEPT_DB)
  console.log(`stream crowd: ${CLIENTS} clients from 0 on a feed of ${FEED} changes, poll pages of ${PAGE} (at most ${SECONDS} s)`)
  const svc = await startService({
    VIGIL_DB: KEPT_DB ?? path.join(tempDir('vigil-crowd-'), 'vigil.db'),
    VIGIL_RULES_DIR: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }),
    VIGIL_WATCH_RULES: 'false', VIGIL_RATE_LIMIT_PER_MINUTE: '100000000', VIGIL_SYNCHRONOUS: 'NORMAL',
    // A kept feed's 36,500 open alerts pass their acknowledgement deadlines together: the sweep
    // that flags them overdue is not what this measures (and holds the service for minutes).
    ...(reuse ? { VIGIL_EXPIRY_INTERVAL_MS: '2000000000' } : {}),
  })
  const url = svc.url
  const failures: string[] = []
  try {
    const built = Date.now()
    const head = reuse ? await headOf(url, FEED) : await buildFeed(url, FEED, console.log)
    const pageBytes = (await (await fetch(`${url}/alerts?after=0&limit=1000`)).text()).length
    const feedMb = Math.round((pageBytes * head) / 1000 / 1_048_576)
    console.log(`feed: ${head} changes, about ${feedMb} MB as JSON, built in ${Math.round((Date.now() - built) / 1000)} s`)

    // Settle, then the baseline.
    await pause(3_000)
    const idle: number[] = []
    for (let i = 0; i < 10; i++) idle.push(await healthMs(url))
    const before = rssMb(svc.child.pid!)
    console.log(`before: RSS ${Math.round(before)} MB, /healthz median ${pct(idle.sort((a, b) => a - b), 0.5)} ms idle`)

    const abort = new AbortController()
    // Every client's requests listen to it: no leak, a crowd.
    setMaxListeners(0, abort.signal)
    const states = Array.from({ length: CLIENTS }, newCatchUp)
    const started = Date.now()
    const pinger = startPinger(url)
    const clients = states.map((s) => catchUpFrom0(url, { signal: abort.signal, until: head, pageLimit: PAGE }, s))
    const healths = pinger.ms
    let peak = before
    /** The memory's make-up at the highest RSS among the 10-second samples. */
    let peakMemory = ''
    let peakSampled = 0
    let lagMax = 0
    let lastLog = 0
    const count = (phase: string) => states.filter((s) => s.phase === phase).length
    while (Date.now() - started < SECONDS * 1000) {
      peak = Math.max(peak, rssMb(svc.child.pid!))
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now()
        const rss = rssMb(svc.child.pid!)
        const memory = await memoryOf(url, rss)
        const text = memory.text
        if (rss > peakSampled) {
          peakSampled = rss
          peakMemory = `RSS ${Math.round(rss)} MB: ${showMemory(memory)}`
        }
        lagMax = Math.max(lagMax, metric(text, 'vigil_nodejs_eventloop_lag_max_seconds') * 1000)
        const delivered = states.reduce((a, s) => a + s.polled + s.streamed, 0)
        console.log(`${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s  RSS ${Math.round(rss)} MB (peak ${Math.round(peak)}; ${showMemory(memory)})  /healthz last ${Math.round(healths[healths.length - 1] ?? NaN)} ms  refused ${states.filter((s) => s.refused).length}  polling ${count('polling')}  streaming ${count('streaming')}  caught up ${count('caught-up')}  changes delivered ${delivered}  streams open ${metric(text, 'vigil_stream_clients')}`)
      }
      if (count('caught-up') === CLIENTS) break
      await pause(250)
    }
    const seconds = Math.round((Date.now() - started) / 1000)
    pinger.stop()
    failures.push(...pinger.problems.map((p) => `/healthz: ${p}`))
    const sorted = [...healths].sort((a, b) => a - b)
    const delivered = states.reduce((a, s) => a + s.polled + s.streamed, 0)
    const figures = {
      clients: CLIENTS, changes: head, feedMb, seconds,
      refused409: states.filter((s) => s.refused).length, caughtUp: count('caught-up'), streaming: count('streaming'), polling: count('polling'),
      deliveredChanges: delivered, deliveredMbPerS: Math.round((delivered * pageBytes) / 1000 / 1_048_576 / seconds),
      rssBeforeMb: Math.round(before), rssPeakMb: Math.round(peak), rssEndMb: Math.round(rssMb(svc.child.pid!)), nearPeak: peakMemory,
      healthzSamples: sorted.length, healthzMedianMs: pct(sorted, 0.5), healthzP90Ms: pct(sorted, 0.9), healthzP99Ms: pct(sorted, 0.99), healthzMaxMs: pct(sorted, 1),
      healthzUnder100ms: `${Math.round((sorted.filter((h) => h < 100).length / sorted.length) * 100)}%`,
      serverLoopLagMaxMs: Math.round(lagMax),
    }
    console.log(`stream crowd: ${JSON.stringify(figures)}`)
    abort.abort()
    await Promise.allSettled(clients)
    for (const s of states) failures.push(...s.problems)
    if (figures.refused409 !== CLIENTS) failures.push(`${CLIENTS - figures.refused409} streams from 0 were not refused with 409`)
    if (peak - before > RSS_LIMIT_MB) failures.push(`RSS grew by ${Math.round(peak - before)} MB (limit ${RSS_LIMIT_MB})`)
    if (figures.healthzMedianMs > 100) failures.push(`/healthz median ${figures.healthzMedianMs} ms during the catch-up (target under 100 ms)`)
    for (const wait of [2_000, 10_000]) {
      await pause(wait)
      const rss = rssMb(svc.child.pid!)
      console.log(`after the clients left (+${wait / 1000} s): RSS ${Math.round(rss)} MB (${showMemory(await memoryOf(url, rss))})`)
    }
  } finally {
    svc.child.kill('SIGTERM')
    await svc.exited
  }
  if (failures.length > 0) {
    console.error(`stream crowd FAILED:\n  ${[...new Set(failures)].slice(0, 20).join('\n  ')}`)
    process.exit(1)
  }
  console.log('stream crowd passed')
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
