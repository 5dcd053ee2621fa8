import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir, writeRules } from '../helpers/test-app.js'
import { killIfRunning, startService, type ServiceProcess } from '../helpers/service-process.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT } from '../helpers/test-rules.js'

/**
 * Alert streams whose clients never read, against the real service: each stream stops writing
 * when its socket is full instead of buffering the feed in the server, and catches up a page
 * at a time, so memory stays bounded and the service keeps answering. The figures are printed
 * for the README's Guarantees table; the assertions are generous bounds, not speed targets.
 */

const FEED = 9_000
const STREAMS = Number(process.env.VIGIL_STALLED_STREAMS ?? '100')

let svc: ServiceProcess | undefined
const sockets: net.Socket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await killIfRunning(svc)
  svc = undefined
})

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

async function healthMs(url: string): Promise<number> {
  const started = performance.now()
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })
  await res.arrayBuffer()
  expect(res.status).toBe(200)
  return performance.now() - started
}

/** Opens an alert stream from `after` on a raw socket that never reads what it is sent. */
function stalledStream(url: string, after: number): Promise<net.Socket> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET /alerts/stream?after=${after} HTTP/1.1\r\nhost: ${hostname}\r\naccept: text/event-stream\r\n\r\n`)
      socket.pause()
      resolve(socket)
    })
    socket.on('error', reject)
    sockets.push(socket)
  })
}

describe('alert streams whose clients stop reading', () => {
  it(`${STREAMS} streams from 0 on a ${FEED}-change feed that never read: RSS stays bounded and /healthz answers promptly`, { timeout: 400_000 }, async () => {
    svc = await startService({
      VIGIL_DB: path.join(tempDir(), 'vigil.db'),
      VIGIL_RULES_DIR: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }),
      VIGIL_WATCH_RULES: 'false', VIGIL_RATE_LIMIT_PER_MINUTE: '100000000', VIGIL_SYNCHRONOUS: 'NORMAL',
      // Long enough for the measurement below; then the stalled clients are dropped.
      VIGIL_SSE_STALL_MS: '10000',
    })
    const url = svc.url
    // One alert per report: a feed of FEED changes, about 1 KB each.
    const at = Date.now() - 3_600_000
    for (let from = 0; from < FEED; from += 3_000) {
      const batch = Array.from({ length: 3_000 }, (_, i) => report({ id: `FEED-${from + i}`, occurredAt: new Date(at + from + i).toISOString() }))
      const res = await fetch(`${url}/reports/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) })
      expect(res.status, (await res.text()).slice(0, 300)).toBe(200)
    }
    const head = ((await (await fetch(`${url}/alerts?after=${FEED - 1}`)).json()) as { nextCursor: number }).nextCursor
    expect(head).toBeGreaterThanOrEqual(FEED)
    const feedBytes = (await (await fetch(`${url}/alerts?after=0&limit=1000`)).text()).length * (head / 1000)

    await healthMs(url)
    const before = rssMb(svc.child.pid!)
    const healths: number[] = []
    let peak = before
    for (let i = 0; i < STREAMS; i++) {
      await stalledStream(url, 0)
      if (i % 25 === 24) {
        healths.push(await healthMs(url))
        peak = Math.max(peak, rssMb(svc.child.pid!))
      }
    }
    // Then the catch-ups run against full sockets for a while: sample memory and health throughout.
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      healths.push(await healthMs(url))
      peak = Math.max(peak, rssMb(svc.child.pid!))
    }
    const sorted = [...healths].sort((a, b) => a - b)
    const figures = {
      streams: STREAMS, changes: head, feedMb: Math.round(feedBytes / 1_048_576 * 10) / 10,
      rssBeforeMb: Math.round(before), rssPeakMb: Math.round(peak), perStreamKb: Math.round((peak - before) * 1024 / STREAMS),
      healthzMedianMs: Math.round(sorted[Math.floor(sorted.length / 2)]!), healthzMaxMs: Math.round(sorted[sorted.length - 1]!),
    }
    console.log(`stalled streams: ${JSON.stringify(figures)}`)
    // Buffering the feed per stream was 2-3 x STREAMS x feedMb (gigabytes). Paced, each stream holds
    // a socket's buffer and a page (about 2 MB here, more as alerts carry more): far under a
    // quarter of the feed each.
    expect(peak - before, JSON.stringify(figures)).toBeLessThan(Math.max(200, (STREAMS * figures.feedMb) / 4))
    expect(figures.healthzMaxMs, JSON.stringify(figures)).toBeLessThan(1_000)


    // Clients that never read are dropped once the stall time passes, each with a log line.
    const dropped = () => svc!.logs.filter((l) => l.msg === 'alert stream dropped: its client stopped reading').length
    const deadline = Date.now() + 150_000
    const streaming = async () => Number(/^vigil_stream_clients (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1])
    while ((dropped() < STREAMS || (await streaming()) > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1000))
    expect({ dropped: dropped(), streaming: await streaming() }).toEqual({ dropped: STREAMS, streaming: 0 })
    console.log(`after the drops: RSS ${Math.round(rssMb(svc.child.pid!))} MB`)
  })
})
