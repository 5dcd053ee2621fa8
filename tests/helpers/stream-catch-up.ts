import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { report } from './reports.js'

/**
 * Clients catching up on the alert feed the way the API tells them to: a stream opened from far
 * behind answers 409 VIGIL_STREAM_TOO_FAR_BEHIND with the head and the backlog a stream may
 * start with; the client pages through GET /alerts until it is within that backlog, then opens
 * the stream from its cursor and reads it live. Used by the stream-crowd measure and its test.
 */

export const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

/** Time to an answered `/healthz`, ms (the measure of a service that keeps answering). */
export async function healthMs(url: string): Promise<number> {
  const started = performance.now()
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) })
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`)
  return performance.now() - started
}

const PINGER = `
const [url, every] = [process.argv[1], Number(process.argv[2])]
;(async () => {
  for (;;) {
    const t = performance.now()
    try {
      const res = await fetch(url + '/healthz', { signal: AbortSignal.timeout(60000) })
      await res.arrayBuffer()
      console.log(res.status === 200 ? (performance.now() - t).toFixed(1) : 'status ' + res.status)
    } catch (err) {
      console.log('error ' + err.message)
    }
    await new Promise((resolve) => setTimeout(resolve, every))
  }
})()`

export interface Pinger {
  /** Latencies of answered health checks so far, ms. */
  readonly ms: number[]
  /** Health checks that failed or answered other than 200. */
  readonly problems: string[]
  stop(): void
}

/**
 * Asks `/healthz` every `everyMs` from a process of its own, so what is measured is the service,
 * not the event loop of the process that runs a crowd of clients.
 */
export function startPinger(url: string, everyMs = 250): Pinger {
  const child = spawn(process.execPath, ['-e', PINGER, url, String(everyMs)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const ms: number[] = []
  const problems: string[] = []
  let buf = ''
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString()
    const lines = buf.split('\n')
    buf = lines.pop()!
    for (const l of lines) {
      if (/^[0-9.]+$/.test(l)) ms.push(Number(l))
      else problems.push(l)
    }
  })
  return { ms, problems, stop: () => { child.kill() } }
}

/**
 * Fills the feed with `changes` alert changes through the real engine: one report per change,
 * each raising its own alert under a per-incident rule (the caller's rules), posted in batches.
 * The reports lie in the last day so every alert is raised live. Returns the head.
 */
export async function buildFeed(url: string, changes: number, log: (s: string) => void = () => {}): Promise<number> {
  const BATCH = 1_000
  // Inside the rule's one-day window, with room for the time the batches take.
  const at = Date.now() - 80_000_000
  const areas = [['Gao', 'Gao'], ['Gao', 'Ansongo'], ['Mopti', 'Douentza'], ['Timbuktu', 'Goundam'], ['Kidal', 'Tessalit']] as const
  const started = Date.now()
  for (let from = 0; from < changes; from += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, changes - from) }, (_, i) => {
      const n = from + i
      const [admin1, admin2] = areas[n % areas.length]!
      return report({
        id: `FEED-${n}`,
        occurredAt: new Date(at + Math.floor((n * 79_000_000) / changes)).toISOString(),
        location: { admin1, admin2 },
        narrative: `Feed report ${n}: IED strike on a logistics convoy near ${admin2}; two vehicles damaged, the convoy turned back.`,
      })
    })
    await postBatch(url, JSON.stringify(batch))
    if ((from / BATCH) % 10 === 9) log(`  feed: ${from + BATCH} reports in ${Math.round((Date.now() - started) / 1000)} s`)
  }
  const page = await (await fetch(`${url}/alerts?after=${Math.max(0, changes - 1)}&limit=1000`)).json() as { nextCursor: number }
  return page.nextCursor
}

/** Posts a batch, again when the connection drops (a report posted twice is stored once). */
async function postBatch(url: string, body: string, attempts = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      const res = await fetch(`${url}/reports/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
      await res.arrayBuffer()
      return
    } catch (err) {
      if (i >= attempts || !(err instanceof TypeError)) throw err
    }
  }
}

export interface CatchUp {
  /** The stream from 0 was refused with 409 VIGIL_STREAM_TOO_FAR_BEHIND. */
  refused: boolean
  phase: 'refused' | 'polling' | 'streaming' | 'caught-up'
  /** Changes received through polls and through the stream. */
  polled: number
  streamed: number
  /** The last change received. */
  last: number
  /** Every change received in order, when `keepSeqs` (tests); empty otherwise. */
  seqs: number[]
  problems: string[]
}

export interface CatchUpOptions {
  /** Changes per poll page (the API allows 1 to 1,000). */
  pageLimit?: number
  /** Parse every change and keep its seq (exactly-once checks); otherwise only count them. */
  keepSeqs?: boolean
  /** Ends the client (an abort is not a problem). */
  signal: AbortSignal
  /** The client is caught up once it has this change. */
  until?: number
  /** Once caught up, leave (tests) rather than stay on the stream until `signal` (live clients). */
  leave?: boolean
}

export const newCatchUp = (): CatchUp => ({ refused: false, phase: 'refused', polled: 0, streamed: 0, last: 0, seqs: [], problems: [] })

/**
 * One client catching up from change 0 (see above), reporting into `state` as it goes; resolves
 * when `signal` aborts, or once caught up when it is to leave.
 */
export async function catchUpFrom0(url: string, opts: CatchUpOptions, state = newCatchUp()): Promise<CatchUp> {
  const take = (seq: number) => {
    if (opts.keepSeqs) state.seqs.push(seq)
    state.last = seq
  }
  try {
    const first = await fetch(`${url}/alerts/stream?after=0`, { headers: { accept: 'text/event-stream' }, signal: opts.signal })
    const refusal = await first.json() as { code?: string; head?: number; maxBacklog?: number }
    if (first.status !== 409 || refusal.code !== 'VIGIL_STREAM_TOO_FAR_BEHIND' || refusal.head === undefined || refusal.maxBacklog === undefined) {
      state.problems.push(`the stream from 0 answered ${first.status} ${JSON.stringify(refusal).slice(0, 200)}`)
      return state
    }
    state.refused = true
    state.phase = 'polling'
    let cursor = 0
    while (refusal.head - cursor > refusal.maxBacklog) {
      const res = await fetch(`${url}/alerts?after=${cursor}&limit=${opts.pageLimit ?? 1000}`, { signal: opts.signal })
      const text = await res.text()
      if (res.status !== 200) {
        state.problems.push(`GET /alerts?after=${cursor} answered ${res.status}`)
        return state
      }
      if (opts.keepSeqs) {
        const page = JSON.parse(text) as { changes: { seq: number }[]; nextCursor: number }
        for (const c of page.changes) take(c.seq)
        state.polled += page.changes.length
        cursor = page.nextCursor
      } else {
        // Only the cursor: the crowd's 1,000 clients share the machine with the service.
        const next = Number(/"nextCursor":(\d+)\}$/.exec(text)?.[1])
        state.polled += next - cursor
        cursor = next
        state.last = cursor
      }
    }
    state.phase = 'streaming'
    const res = await fetch(`${url}/alerts/stream?after=${cursor}`, { headers: { accept: 'text/event-stream' }, signal: opts.signal })
    if (res.status !== 200) {
      state.problems.push(`the stream from ${cursor} answered ${res.status}`)
      return state
    }
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let buf = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      buf += decoder.decode(value, { stream: true })
      const end = buf.lastIndexOf('\n\n')
      if (end < 0) continue
      for (const m of buf.slice(0, end).matchAll(/^id: (\d+)$/gm)) {
        take(Number(m[1]))
        state.streamed++
      }
      buf = buf.slice(end + 2)
      if (opts.until !== undefined && state.last >= opts.until && state.phase !== 'caught-up') {
        state.phase = 'caught-up'
        if (opts.leave) {
          await reader.cancel()
          break
        }
      }
    }
  } catch (err) {
    if (!opts.signal.aborted) state.problems.push(`client failed: ${(err as Error).message}`)
  }
  return state
}
