/**
 * Soak run (`npm run test:soak`; minutes, not in CI): the real service under steady ingest
 * (single posts, batches, retries) and steady reading (long polls following their cursors,
 * alert streams that reconnect, summaries, metrics), with memory, open files, handles and
 * latency sampled throughout. Fails (exit 1) when the JS heap, RSS or the handles keep growing
 * over the last third of the run, when a write is lost or an acknowledged report is missing,
 * when the poll cursor or a stream skips or repeats, or when the service does not close cleanly.
 *
 * The standard library's look-backs are weeks to 450 days, so at any rate a run of minutes
 * would only ever see its windows fill. By default the soak runs the library with every window
 * and expiry set to one minute: look-backs are 5 minutes, and the windows fill, are trimmed and
 * plateau within the run (at 15-20 reports/s they hold 6k-14k inputs, a mission's two to five
 * months at 100 reports a day). `VIGIL_SOAK_DURATIONS=as-written` keeps the rules as they are.
 *
 *   VIGIL_SOAK_MINUTES  how long (default 5)      VIGIL_SOAK_RATE     reports per second (default 20)
 *   VIGIL_SOAK_SEED     report contents (default 20260301; printed)   VIGIL_SOAK_POLLERS  long pollers (default 4)
 *   VIGIL_SOAK_STREAMS  alert streams (default 4)  VIGIL_SOAK_DURATIONS  rule durations (default 1m; or as-written)
 *   VIGIL_SOAK_RULES    rules directory (default: the standard library, ./rules)
 */
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../../src/paths.js'
import { startService } from '../helpers/service-process.js'
import { tempDir } from '../helpers/test-app.js'
import { envInt, prng } from '../helpers/seeded.js'
import { liveReport, newLedger, Poller, Writers } from '../helpers/load.js'
import { consistencyProblems, walSize, withDb } from '../helpers/db-checks.js'

const MINUTES = Number(process.env.VIGIL_SOAK_MINUTES ?? '5')
const RATE = envInt('VIGIL_SOAK_RATE', 20)
const SEED = envInt('VIGIL_SOAK_SEED', 20260301)
const POLLERS = envInt('VIGIL_SOAK_POLLERS', 4)
const STREAMS = envInt('VIGIL_SOAK_STREAMS', 4)
const RULES = process.env.VIGIL_SOAK_RULES ?? path.join(ROOT, 'rules')
const DURATIONS = process.env.VIGIL_SOAK_DURATIONS ?? '1m'
const SAMPLE_MS = 5_000
/**
 * The first two thirds are warm-up: JIT, the SQLite page caches (which fill as the database
 * grows) and the look-back windows (which hold up to three look-backs before they are trimmed)
 * fill there. The last third is judged.
 */
const JUDGED = 2 / 3
/** Heap growth tolerated over the last third, as a trend of the post-GC floor: MB per minute. */
const HEAP_SLOPE_MB_PER_MIN = 1
const HANDLE_SLACK = 8
/** RSS growth tolerated over the last third, MB per minute (a plateau wobbles). */
const RSS_SLOPE_MB_PER_MIN = 1

/** The rule durations the windows and alerts live by, as written in the rule files (response deadlines stay). */
const DURATION_FIELD = /\b(window|expires)(\s*:\s*)(['"]?)\d+[mhdw]\3/g

/** A copy of the rules with every window and expiry set to `duration` (see above). */
function rulesWithDurations(dir: string, duration: string): string {
  const out = path.join(tempDir('vigil-soak-rules-'), 'rules')
  fs.cpSync(dir, out, { recursive: true })
  for (const f of fs.readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.yaml') || path.basename(f) === 'routing.yaml') continue
    const file = path.join(out, f)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(DURATION_FIELD, `$1$2${duration}`))
  }
  return out
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const mb = (b: number) => Math.round(b / 1_048_576 * 10) / 10

interface Sample { t: number; heap: number; heapTotal: number; external: number; rss: number; inputs: number; fds: number; handles: number; lagMs: number; writeP95: number; reports: number; changes: number }

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)
  return m ? Number(m[1]) : NaN
}

/** Least-squares slope of y over x (per unit of x). */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0)
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}

async function main() {
  const rules = DURATIONS === 'as-written' ? RULES : rulesWithDurations(RULES, DURATIONS)
  console.log(`soak: ${MINUTES} min at ${RATE} reports/s, ${POLLERS} pollers, ${STREAMS} streams, seed ${SEED} (VIGIL_SOAK_SEED=${SEED} to repeat), rules ${RULES}, durations ${DURATIONS}`)
  const dir = tempDir('vigil-soak-')
  const db = path.join(dir, 'vigil.db')
  const svc = await startService({
    VIGIL_DB: db, VIGIL_RULES_DIR: rules, VIGIL_ROUTING_FILE: path.join(RULES, 'routing.yaml'), VIGIL_AUTH: 'off', VIGIL_WATCH_RULES: 'false',
    // Sweeps and heartbeats often, so their timers are soaked too; no rate limit on the load.
    VIGIL_EXPIRY_INTERVAL_MS: '2000', VIGIL_SSE_HEARTBEAT_MS: '1000', VIGIL_RATE_LIMIT_PER_MINUTE: '100000000',
  })
  const url = svc.url
  const rand = prng(SEED)
  const ledger = newLedger()
  const writer = new Writers({ url: () => url, seed: SEED, ledger, prefix: 'soak' })
  const failures: string[] = []
  const writeLatencies: number[] = []
  const end = Date.now() + MINUTES * 60_000
  let stopping = false

  // Steady ingest: one report every 1/RATE s, a batch of 20 every 10 s, a retry now and then.
  let n = 0
  const ingest = (async () => {
    let next = Date.now()
    while (!stopping) {
      next += 1000 / RATE
      const started = Date.now()
      n++
      try {
        if (n % (RATE * 10) === 0) {
          await writer.batch(Array.from({ length: 20 }, (_, i) => liveReport(rand, `soak-b${n}-${i}`)))
        } else if (n % 50 === 0 && ledger.acked.size > 0) {
          await writer.single(rand.pick([...ledger.acked.values()]).body)
        } else {
          await writer.single(liveReport(rand, `soak-${n}`))
        }
      } catch (err) {
        failures.push(`write failed: ${(err as Error).message}`)
      }
      writeLatencies.push(Date.now() - started)
      await pause(Math.max(0, next - Date.now()))
    }
  })()

  // Long pollers following their own cursors.
  const pollers = Array.from({ length: POLLERS }, () => new Poller(() => url))
  const polling = pollers.map(async (p) => {
    while (!stopping) {
      const res = await fetch(`${url}/alerts?after=${p.cursor}&limit=200&wait=5&inhibited=include&silenced=include`)
      const page = await res.json() as { changes: { seq: number; kind: string; alert: { id: number } }[]; nextCursor: number }
      for (const c of page.changes) p.seen.push({ seq: c.seq, alertId: c.alert.id, kind: c.kind })
      p.cursor = page.nextCursor
    }
  })

  // Stream clients that reconnect every 20 to 50 s from where they stopped, and a dashboard reading summaries and metrics.
  const streaming = Array.from({ length: STREAMS }, async (_, i) => {
    let last = 0
    while (!stopping) {
      const abort = new AbortController()
      setTimeout(() => abort.abort(), 20_000 + 10_000 * i).unref()
      try {
        const res = await fetch(`${url}/alerts/stream?inhibited=include&silenced=include`, { headers: { 'last-event-id': String(last) }, signal: abort.signal })
        const reader = res.body!.getReader()
        let buf = ''
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          buf += new TextDecoder().decode(value)
          for (const m of buf.matchAll(/^id: (\d+)$/gm)) {
            const seq = Number(m[1])
            if (seq !== last + 1) failures.push(`stream ${i} skipped from ${last} to ${seq}`)
            last = seq
          }
          buf = buf.slice(buf.lastIndexOf('\n\n') + 2)
        }
      } catch {
        // aborted on purpose: reconnect with Last-Event-ID
      }
    }
  })
  const dashboard = (async () => {
    while (!stopping) {
      for (const u of ['/alerts/summary', '/rules/status', '/readyz']) {
        const res = await fetch(`${url}${u}`)
        if (res.status !== 200) failures.push(`GET ${u} answered ${res.status}`)
        await res.arrayBuffer()
      }
      await pause(2_000)
    }
  })()

  const samples: Sample[] = []
  const started = Date.now()
  while (Date.now() < end) {
    await pause(SAMPLE_MS)
    const text = await (await fetch(`${url}/metrics`)).text()
    // prom-client reads /proc/<pid>/fd; where there is none (not Linux), count nothing rather than fail.
    const fds = metric(text, 'vigil_process_open_fds')
    const recent = writeLatencies.splice(0).sort((a, b) => a - b)
    const s: Sample = {
      t: (Date.now() - started) / 60_000,
      heap: metric(text, 'vigil_nodejs_heap_size_used_bytes'),
      heapTotal: metric(text, 'vigil_nodejs_heap_size_total_bytes'),
      external: metric(text, 'vigil_nodejs_external_memory_bytes'),
      rss: metric(text, 'vigil_process_resident_memory_bytes'),
      // The look-back windows: every report stays in memory for its indicators' look-back (weeks).
      inputs: metric(text, 'vigil_indicator_inputs_in_memory{kind="rows"}'),
      fds,
      handles: metric(text, 'vigil_nodejs_active_handles_total'),
      lagMs: metric(text, 'vigil_nodejs_eventloop_lag_seconds') * 1000,
      writeP95: recent[Math.floor(recent.length * 0.95)] ?? 0,
      reports: ledger.acked.size,
      changes: Math.max(0, ...pollers.map((p) => p.cursor)),
    }
    samples.push(s)
    svc.logs.length = 0
    // What is neither the JS heap nor Buffers: SQLite's page caches, code, stacks, the allocator's spare pages.
    const native = s.rss - s.heapTotal - s.external
    console.log(`${s.t.toFixed(1).padStart(5)} min  heap ${String(mb(s.heap)).padStart(6)} of ${String(mb(s.heapTotal)).padStart(6)} MB  external ${String(mb(s.external)).padStart(5)} MB  native ${String(mb(native)).padStart(6)} MB  rss ${String(mb(s.rss)).padStart(6)} MB  inputs ${String(s.inputs).padStart(7)}  fds ${String(s.fds).padStart(4)}  handles ${String(s.handles).padStart(4)}  lag ${s.lagMs.toFixed(0).padStart(4)} ms  write p95 ${String(s.writeP95).padStart(5)} ms  reports ${s.reports}  changes ${s.changes}`)
  }
  stopping = true
  await Promise.allSettled([ingest, ...streaming, dashboard, ...polling])
  await writer.stop()

  // Verdicts on the last third. SQLite's page caches (64 MB writer + 16 MB reader,
  // src/storage/store.ts) rightly fill as the database grows, and the indicators' look-back
  // windows fill until they are trimmed; what must not happen is a climb once they are full.
  const judged = samples.filter((s) => s.t >= MINUTES * JUDGED)
  if (judged.length < 6) failures.push(`too few samples in the last third (${judged.length}); run longer`)
  else {
    // The post-GC floor: the smallest heap in each stretch of at least three samples, so the
    // timing of collections does not count as growth.
    const bucket = Math.max(MINUTES / 30, (3 * SAMPLE_MS) / 60_000)
    const floorTrend = (of: (s: Sample) => number) => {
      const t0 = judged[0]!.t
      const groups = new Map<number, number[]>()
      for (const s of judged) {
        const b = Math.floor((s.t - t0) / bucket)
        groups.set(b, [...(groups.get(b) ?? []), of(s)])
      }
      const floors = [...groups].filter(([, vs]) => vs.length >= 3).map(([b, vs]) => [t0 + b * bucket, Math.min(...vs)] as const)
      return { n: floors.length, slope: mb(slope(floors.map((f) => f[0]), floors.map((f) => f[1]))) }
    }
    const heap = floorTrend((s) => s.heap)
    const rss = floorTrend((s) => s.rss)
    const inputsSlope = slope(judged.map((s) => s.t), judged.map((s) => s.inputs))
    // The run in thirds: what each part of memory held at its end, to tell filling from leaking.
    for (const [name, from, to] of [['first third', 0, 1 / 3], ['second third', 1 / 3, 2 / 3], ['last third', 2 / 3, 1.01]] as const) {
      const part = samples.filter((s) => s.t >= MINUTES * from && s.t < MINUTES * to)
      if (part.length === 0) continue
      const end = part[part.length - 1]!
      console.log(`${name.padEnd(12)} at its end: rss ${mb(end.rss)} MB (lowest ${mb(Math.min(...part.map((s) => s.rss)))}, highest ${mb(Math.max(...part.map((s) => s.rss)))}), heap floor ${mb(Math.min(...part.map((s) => s.heap)))} MB, heap reserved ${mb(end.heapTotal)} MB, external ${mb(end.external)} MB, native ${mb(end.rss - end.heapTotal - end.external)} MB, inputs in memory ${end.inputs}`)
    }
    console.log(`last third: heap floor trend ${heap.slope} MB/min (limit ${HEAP_SLOPE_MB_PER_MIN}), rss floor trend ${rss.slope} MB/min (limit ${RSS_SLOPE_MB_PER_MIN}), inputs in memory ${inputsSlope >= 0 ? '+' : ''}${Math.round(inputsSlope)} a minute`)
    if (heap.n >= 3 && heap.slope > HEAP_SLOPE_MB_PER_MIN) failures.push(`JS heap keeps growing: ${heap.slope} MB/min over the last third`)
    if (rss.n >= 3 && rss.slope > RSS_SLOPE_MB_PER_MIN) failures.push(`RSS keeps growing: ${rss.slope} MB/min over the last third`)
    const first = judged.slice(0, Math.ceil(judged.length / 4))
    const last = judged.slice(-Math.ceil(judged.length / 4))
    for (const k of ['fds', 'handles'] as const) {
      const before = Math.min(...first.map((s) => s[k]))
      const after = Math.min(...last.map((s) => s[k]))
      console.log(`${k}: ${before} at the start of the last third, ${after} at the end (slack ${HANDLE_SLACK})`)
      if (after > before + HANDLE_SLACK) failures.push(`${k} leak: ${before} -> ${after}`)
    }
    const lag = Math.max(...judged.map((s) => s.lagMs))
    console.log(`worst event-loop lag in the last third ${lag.toFixed(0)} ms; write p95 first ${samples[0]!.writeP95} ms, last ${last[last.length - 1]!.writeP95} ms`)
  }

  // Every acknowledged report stored once, every poller saw 1..N in order, a clean close.
  svc.child.kill('SIGTERM')
  const exit = await Promise.race([svc.exited, pause(60_000).then(() => 'still running 60 s after SIGTERM')])
  if (JSON.stringify(exit) !== JSON.stringify({ code: 0, signal: null })) {
    failures.push(`unclean exit: ${JSON.stringify(exit)}`)
    svc.child.kill('SIGKILL')
    await svc.exited
  }
  if (walSize(db) > 0) failures.push(`write-ahead log left behind: ${walSize(db)} bytes`)
  failures.push(...consistencyProblems(db))
  const stored = withDb(db, (d) => new Set(d.prepare('SELECT id FROM reports').pluck().all() as string[]))
  const missing = [...ledger.acked.keys()].filter((id) => !stored.has(id))
  if (missing.length > 0) failures.push(`${missing.length} acknowledged reports missing, e.g. ${missing.slice(0, 5).join(', ')}`)
  for (const [i, p] of pollers.entries()) {
    const bad = p.seen.findIndex((c, k) => c.seq !== k + 1)
    if (bad >= 0) failures.push(`poller ${i}: change ${p.seen[bad]!.seq} at position ${bad + 1}`)
  }
  failures.push(...ledger.unexpected)

  console.log(`soak: ${ledger.acked.size} reports acknowledged, ${Math.max(0, ...pollers.map((p) => p.cursor))} alert changes polled, database ${mb(fs.statSync(db).size)} MB`)
  if (failures.length > 0) {
    console.error(`soak FAILED:\n  ${[...new Set(failures)].slice(0, 30).join('\n  ')}`)
    process.exit(1)
  }
  fs.rmSync(dir, { recursive: true, force: true })
  console.log('soak passed')
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
