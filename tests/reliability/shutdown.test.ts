import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startService, type ServiceProcess, killIfRunning } from '../helpers/service-process.js'
import { tempDir, writeRules } from '../helpers/test-app.js'
import { prng } from '../helpers/seeded.js'
import { liveReport } from '../helpers/load.js'
import { MONOTONE_RULES } from '../helpers/reliability-rules.js'
import { consistencyProblems, walSize, withDb } from '../helpers/db-checks.js'

/**
 * Graceful shutdown of the real service: SIGTERM while a large batch, single posts, a long poll
 * and an alert stream are in flight. The listening socket closes first (new connections are
 * refused), every in-flight request still gets its answer, the stream is ended, the database is
 * closed cleanly (no write-ahead log left to replay), and a restart serves everything at once.
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
async function until(what: string, check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await pause(5)
  }
}

/** Whether a new TCP connection to the port is refused right now. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port })
    s.once('connect', () => { s.destroy(); resolve(false) })
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'))
  })
}

/**
 * A POST on its own connection that closes after the answer (`Connection: close`), so the only
 * connection-lifetime question in these tests is the one the long-poll test asks on purpose.
 */
function postOnce(url: string, route: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${route}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close', ...headers } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * A raw connection, so that nothing is hidden: the bytes as they came, and when it closed. `send`
 * writes, never ends: node's server drops a request whose client half-closes before its answer.
 */
async function rawConnection(port: number) {
  const s = net.connect({ host: '127.0.0.1', port })
  await new Promise((resolve) => s.once('connect', resolve))
  let received = ''
  s.on('data', (d: Buffer) => { received += d.toString() })
  const closed = new Promise<void>((resolve) => s.on('close', () => resolve()))
  return {
    send: (data: string | Buffer) => { s.write(data) },
    /** The client leaves without waiting for its answer. */
    destroy: () => { s.destroy() },
    received: () => received,
    /** The status line of the answer, once the connection closed. */
    statusLine: async () => { await closed; return received.split('\r\n')[0] ?? '' },
    closed,
  }
}

/**
 * The stream received every alert change committed before the exit (more than `atLeast`, so the
 * test did make some), and then a clean end (the last chunk).
 */
function expectEveryChangeStreamed(db: string, streamed: string, atLeast: number) {
  const committed = withDb(db, (d) => d.prepare('SELECT count(*) FROM alert_changes').pluck().get() as number)
  expect(committed).toBeGreaterThan(atLeast)
  const outcome = { events: (streamed.match(/^event: alert$/gm) ?? []).length, cleanEnd: streamed.endsWith('0\r\n\r\n') }
  expect(outcome, `${committed} changes committed before the exit`).toEqual({ events: committed, cleanEnd: true })
}

/** A POST's head, up to the body. */
const postHead = (route: string, length: number, requestId: string) =>
  `POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n`

const STREAM_REQUEST = 'GET /alerts/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'

/** Sends SIGTERM and waits until the shutdown has begun (and a little more, so it is under way). */
async function terminateAndWait(p: ServiceProcess) {
  p.child.kill('SIGTERM')
  await until('the shutdown to begin', () => p.logs.some((l) => l.msg === 'shutting down: finishing in-flight requests'))
  await pause(100)
}

/** The exit, or 'still running' once `ms` have passed: a stuck shutdown fails fast, it does not hang the test. */
function exitWithin(p: ServiceProcess, ms: number) {
  return Promise.race([p.exited, new Promise<string>((resolve) => setTimeout(() => resolve(`still running ${ms} ms after SIGTERM`), ms))])
}

let svc: ServiceProcess | undefined
afterEach(async () => {
  await killIfRunning(svc)
  svc = undefined
})

/**
 * The service on a fresh database with the monotone rules, auth off and the rate limit out of
 * the way, with its database file and port. Assign it to `svc`, so afterEach stops it.
 */
async function startFresh(name: string, env: Record<string, string> = {}) {
  const db = path.join(tempDir(`vigil-shutdown-${name}-`), 'vigil.db')
  const started = await startService({ VIGIL_DB: db, VIGIL_RULES_DIR: writeRules(MONOTONE_RULES), VIGIL_AUTH: 'off', VIGIL_WATCH_RULES: 'false', VIGIL_RATE_LIMIT_PER_MINUTE: '1000000', ...env })
  return Object.assign(started, { db, port: Number(new URL(started.url).port) })
}

describe('graceful shutdown (SIGTERM)', () => {
  it('stops accepting, answers every in-flight request, ends streams, closes the database cleanly; a restart needs no recovery', { timeout: 60_000 }, async () => {
    const db = path.join(tempDir('vigil-shutdown-'), 'vigil.db')
    const env = { VIGIL_DB: db, VIGIL_RULES_DIR: writeRules(MONOTONE_RULES), VIGIL_AUTH: 'off', VIGIL_WATCH_RULES: 'false', VIGIL_RATE_LIMIT_PER_MINUTE: '1000000' }
    svc = await startService(env)
    const url = svc.url
    const port = Number(new URL(url).port)
    const rand = prng(20260323)
    // Categories whose indicators are cheap to evaluate: the batch is big, not slow per report.
    const batch = Array.from({ length: 1200 }, (_, i) => ({ ...liveReport(rand, `TERM-B-${i}`), category: rand.pick(['COM.CLASH', 'SAF.ROAD', 'POC.KILL', 'ARM.CLASH']) }))
    const single = (id: string) => JSON.stringify(liveReport(rand, id))

    // An idle alert stream (another mission: nothing to send), on a raw socket. `Connection: close`
    // keeps this test to the stream's own end; a kept-alive connection is the long-poll test's.
    const streamSocket = net.connect({ host: '127.0.0.1', port })
    await new Promise((resolve) => streamSocket.once('connect', resolve))
    let streamed = ''
    streamSocket.on('data', (d: Buffer) => { streamed += d.toString() })
    const streamEnded = new Promise<string>((resolve) => streamSocket.on('close', () => resolve(streamed.endsWith('0\r\n\r\n') ? 'ended' : `cut off: ${JSON.stringify(streamed.slice(-80))}`)))
    streamSocket.write('GET /alerts/stream?mission=UNMISS HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')

    // Posts whose headers and half their body are in: in flight at the SIGTERM, finished after it.
    const halfSent = await Promise.all([0, 1, 2].map(async (i) => {
      const body = single(`TERM-S-${i}`)
      const s = net.connect({ host: '127.0.0.1', port })
      await new Promise((resolve) => s.once('connect', resolve))
      let said = ''
      s.on('data', (d: Buffer) => { said += d.toString() })
      const closed = new Promise<string>((resolve) => s.on('close', () => resolve(said.split('\r\n')[0] ?? '')))
      s.write(`POST /reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: half-${i}\r\nConnection: close\r\n\r\n${body.slice(0, 40)}`)
      // write, not end: a client that half-closes before its answer is taken as gone (node's
      // http server does not allow half-open connections), and its request is dropped.
      return { finish: () => s.write(body.slice(40)), answer: closed }
    }))
    await until('the half-sent posts to reach the service', () => [0, 1, 2].every((i) => svc!.logs.some((l) => l.reqId === `half-${i}` && l.msg === 'incoming request')))

    let batchAnsweredAt = 0
    const batchAnswer = postOnce(url, '/reports/batch', JSON.stringify(batch), { 'x-request-id': 'shutdown-batch' })
      .then((r) => { batchAnsweredAt = Date.now(); return { status: r.status, body: JSON.parse(r.body) as { accepted: number; results: { status: number }[] } } })
    await until('the batch to reach the service', () => svc!.logs.some((l) => l.reqId === 'shutdown-batch' && l.msg === 'incoming request'))

    const termAt = Date.now()
    svc.child.kill('SIGTERM')
    await until('the shutdown to begin', () => svc!.logs.some((l) => l.msg === 'shutting down: finishing in-flight requests'))
    // The listener closes: new connections are refused from now on.
    let refusedAt = 0
    for (const end = Date.now() + 5000; Date.now() < end && !refusedAt;) {
      if (await refused(port)) refusedAt = Date.now()
      else await pause(10)
    }
    expect(refusedAt, 'new connections were never refused').toBeGreaterThan(0)

    // The in-flight requests still complete: the half-sent posts send the rest of their body now.
    for (const h of halfSent) h.finish()
    expect(await Promise.all(halfSent.map((h) => h.answer)), 'the posts in flight at the SIGTERM').toEqual(['HTTP/1.1 201 Created', 'HTTP/1.1 201 Created', 'HTTP/1.1 201 Created'])
    const answered = await batchAnswer
    expect(answered.status).toBe(200)
    expect(answered.body.accepted).toBe(batch.length)
    expect(await streamEnded).toBe('ended')

    const exit = await exitWithin(svc, 15_000)
    const took = Date.now() - termAt
    console.log(`shutdown: batch answered ${batchAnsweredAt - termAt} ms after SIGTERM, listener closed after ${refusedAt - termAt} ms, exit after ${took} ms`)
    expect(exit).toEqual({ code: 0, signal: null })
    expect(svc.logs.some((l) => l.msg === 'closed cleanly')).toBe(true)

    // Closed cleanly: the last connection checkpointed and removed the write-ahead log.
    expect(walSize(db), 'bytes left in the -wal file: a restart would have to recover them').toBe(0)
    expect(fs.existsSync(`${db}-shm`), 'a -shm file left behind').toBe(false)
    expect(consistencyProblems(db)).toEqual([])
    const stored = withDb(db, (d) => d.prepare('SELECT count(*) FROM reports').pluck().get() as number)
    expect(stored).toBe(batch.length + halfSent.length)

    // The restart opens the database as it was left and serves it at once.
    svc = await startService(env)
    expect((await fetch(`${svc.url}/reports/TERM-B-0`)).status).toBe(200)
    expect((await fetch(`${svc.url}/reports/TERM-S-2`)).status).toBe(200)
    const changes = withDb(db, (d) => d.prepare('SELECT count(*) FROM alert_changes').pluck().get() as number)
    const page = await (await fetch(`${svc.url}/alerts?after=0&limit=1000&inhibited=include&silenced=include`)).json() as { nextCursor: number }
    expect(page.nextCursor).toBe(Math.min(changes, 1000))
    svc.child.kill('SIGTERM')
    expect(await svc.exited).toEqual({ code: 0, signal: null })
  })
})

describe('graceful shutdown with clients that stay connected', () => {
  it('a long poll in flight is answered at once and neither it nor its kept-alive connection holds the exit', { timeout: 30_000 }, async () => {
    const db = path.join(tempDir('vigil-shutdown-poll-'), 'vigil.db')
    // Polls are logged at debug (desks poll many times a second): debug shows when this one is held.
    svc = await startService({ VIGIL_DB: db, VIGIL_RULES_DIR: writeRules(MONOTONE_RULES), VIGIL_AUTH: 'off', VIGIL_WATCH_RULES: 'false', LOG_LEVEL: 'debug' })
    // JOC clients long-poll all day: one of them is always waiting (25 s here, up to 30 s by default).
    const longPoll = fetch(`${svc.url}/alerts?after=0&wait=25`).then((r) => ({ status: r.status, at: Date.now() }), (e: Error) => ({ status: `no answer: ${e.message}`, at: Date.now() }))
    await until('the long poll to be held', () => svc!.logs.some((l) => l.msg === 'incoming request' && String(l.req && (l.req as { url?: string }).url).includes('wait=25')))
    await pause(100)
    const termAt = Date.now()
    svc.child.kill('SIGTERM')
    const exit = await exitWithin(svc, 10_000)
    const poll = await Promise.race([longPoll, pause(100).then(() => ({ status: 'not answered', at: Date.now() }))])
    console.log(`shutdown with a long poll: poll answered ${poll.status} after ${poll.at - termAt} ms; exit ${JSON.stringify(exit)} after ${Date.now() - termAt} ms`)
    expect({ poll: poll.status, exit }, 'within 10 s of SIGTERM').toEqual({ poll: 200, exit: { code: 0, signal: null } })
    expect(poll.at - termAt, 'the long poll answered at the shutdown, not at the end of its wait').toBeLessThan(5_000)
  })


  it('a stream that is still sending when SIGTERM arrives receives every committed change, then a clean end', { timeout: 60_000 }, async () => {
    const { db, port } = (svc = await startFresh('stream'))
    // A reader that keeps reading.
    const stream = await rawConnection(port)
    stream.send(STREAM_REQUEST)

    // One batch raises many alert changes at once; SIGTERM arrives while the stream sends them.
    const rand = prng(20260324)
    const batch = Array.from({ length: 2000 }, (_, i) => ({ ...liveReport(rand, `FLUSH-${i}`), category: rand.pick(['COM.CLASH', 'SAF.ROAD', 'POC.KILL']) }))
    const answer = postOnce(svc.url, '/reports/batch', JSON.stringify(batch), { 'x-request-id': 'flush-batch' }).then((r) => r.status)
    await until('the batch to reach the service', () => svc!.logs.some((l) => l.reqId === 'flush-batch' && l.msg === 'incoming request'))
    svc.child.kill('SIGTERM')
    expect(await answer).toBe(200)
    expect(await exitWithin(svc, 15_000)).toEqual({ code: 0, signal: null })
    await stream.closed

    expectEveryChangeStreamed(db, stream.received(), 100)
  })

  it('a write whose body is still arriving at SIGTERM is stored, answered, and reaches the stream before it ends', { timeout: 60_000 }, async () => {
    const { db, port } = (svc = await startFresh('upload'))
    const stream = await rawConnection(port)
    stream.send(STREAM_REQUEST)
    await until('the stream to open', () => stream.received().includes('retry: 3000'))

    // A batch whose first half is sent before SIGTERM and the rest after, as a slow uplink would.
    const rand = prng(20260325)
    const body = Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ ...liveReport(rand, `SLOW-${i}`), category: rand.pick(['COM.CLASH', 'SAF.ROAD', 'POC.KILL']) }))))
    const upload = await rawConnection(port)
    upload.send(postHead('/reports/batch', body.length, 'slow-batch'))
    upload.send(body.subarray(0, body.length >> 1))
    await until('the batch to reach the service', () => svc!.logs.some((l) => l.reqId === 'slow-batch' && l.msg === 'incoming request'))
    await terminateAndWait(svc)
    upload.send(body.subarray(body.length >> 1))
    expect(await upload.statusLine()).toBe('HTTP/1.1 200 OK')
    expect(await exitWithin(svc, 15_000)).toEqual({ code: 0, signal: null })
    await stream.closed

    expectEveryChangeStreamed(db, stream.received(), 10)
  })

  it('an idle service, no client connected, exits cleanly at once', { timeout: 60_000 }, async () => {
    svc = await startFresh('idle')
    svc.child.kill('SIGTERM')
    expect(await exitWithin(svc, 5_000)).toEqual({ code: 0, signal: null })
    expect(svc.logs.some((l) => l.msg === 'closed cleanly')).toBe(true)
  })

  it('a write in flight on the only connection is answered, and the exit follows it', { timeout: 60_000 }, async () => {
    const { db, port } = (svc = await startFresh('lone'))
    const body = JSON.stringify(liveReport(prng(20260326), 'LONE-1'))
    const post = await rawConnection(port)
    post.send(postHead('/reports', Buffer.byteLength(body), 'lone') + body.slice(0, 40))
    await until('the post to reach the service', () => svc!.logs.some((l) => l.reqId === 'lone' && l.msg === 'incoming request'))
    await terminateAndWait(svc)
    post.send(body.slice(40))
    expect(await post.statusLine()).toBe('HTTP/1.1 201 Created')
    expect(await exitWithin(svc, 5_000)).toEqual({ code: 0, signal: null })
  })

  it('a client that leaves while its write is being processed does not hold the shutdown', { timeout: 60_000 }, async () => {
    const { db, port } = (svc = await startFresh('gone'))
    // A whole batch, big enough to keep the writer busy after the client has gone.
    const rand = prng(20260327)
    const body = Buffer.from(JSON.stringify(Array.from({ length: 1500 }, (_, i) => ({ ...liveReport(rand, `GONE-${i}`), category: rand.pick(['COM.CLASH', 'SAF.ROAD', 'POC.KILL']) }))))
    const post = await rawConnection(port)
    post.send(postHead('/reports/batch', body.length, 'gone-batch'))
    post.send(body)
    await until('the batch to be read', () => svc!.logs.some((l) => l.reqId === 'gone-batch' && l.msg === 'incoming request'))
    await pause(100)
    post.destroy()
    await post.closed
    // Long after the batch is stored: the write it belonged to must not count as in flight.
    await until('the batch to be stored', () => svc!.logs.some((l) => l.reqId === 'gone-batch' && l.msg === 'batch ingested'), 30_000)
    svc.child.kill('SIGTERM')
    expect(await exitWithin(svc, 10_000)).toEqual({ code: 0, signal: null })
  })
})
