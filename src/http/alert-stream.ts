import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AlertsRepo, ChangeFilter } from '../storage/alerts-repo.js'
import type { CommitSignal } from '../commit-signal.js'
import type { FeedHead } from '../storage/feed-head.js'
import type { FeedView } from './feed-view.js'
import type { PageTurns } from './page-turns.js'

export interface StreamOptions {
  alerts: AlertsRepo
  signal: CommitSignal
  /** The last committed change: a commit that added none wakes the stream without a read. */
  head: FeedHead
  filter: ChangeFilter
  after: number
  heartbeatMs: number
  clients: { streaming: number }
  /** Open streams, so a shutdown can end them instead of waiting for clients to leave. */
  open: Set<() => void>
  /** How the caller sees feed positions (event ids, change seq). */
  view: Pick<FeedView, 'change' | 'eventId'>
  /** Whose turn it is to read a page, and the bytes all clients have not yet taken. */
  turns: PageTurns
  /** Whether the caller's key is still live: a stream of a revoked key ends. */
  allowed: () => boolean
  /** How long a client may leave its stream unread, with events waiting, before it is dropped. */
  stallMs?: number
}

/** Small pages: what one turn of the event loop may spend on one stream, and what a stalled client can hold. */
const PAGE = 100

/**
 * What one stream may cost the service, whatever its client does. A stream writes a page, and
 * when `write()` says the socket's buffer is full (its high-water mark, 16 KiB) reads the next
 * page only after 'drain', so a client that stops reading holds at most a page (100 events,
 * about 130 KB) in the server, not the feed. A client that leaves it full for `stallMs` is dropped (logged); it can resume
 * with Last-Event-ID. A stream may start at most `maxBacklog` changes behind the head: further
 * back, the client pages through GET /alerts first (409 VIGIL_STREAM_TOO_FAR_BEHIND).
 */
export const STREAM_LIMITS = { stallMs: 60_000, maxBacklog: 10_000 }

/**
 * Streams alert changes as Server-Sent Events: first every change after `after` (or the
 * Last-Event-ID the client resumes from), then each new one as it commits. Every event carries
 * its sequence number as id, so a reconnecting client resumes exactly where it stopped. A comment
 * line every `heartbeatMs` keeps proxies from closing an idle stream. An idle stream costs one
 * listener and one timer: it reads nothing until a commit wakes it.
 */
export function streamChanges(req: FastifyRequest, reply: FastifyReply, opts: StreamOptions) {
  reply.hijack()
  const res = reply.raw
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  })
  const stallMs = opts.stallMs ?? STREAM_LIMITS.stallMs
  let cursor = opts.after
  let closed = false
  let sending = false
  let again = false
  let stall: NodeJS.Timeout | undefined
  /** Set by a shutdown, which writes what is left at once and ends the stream. */
  let ended = false
  /** Set when write() answered false: nothing more is written until 'drain'. */
  let full = false

  res.on('drain', () => { full = false })
  /** Resolves when the client has read what was buffered (or left); drops it if that takes too long. */
  const drained = () => new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(stall)
      stall = undefined
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.once('drain', done)
    res.once('close', done)
    stall = setTimeout(() => {
      req.log.warn({ buffered: res.writableLength, stallMs, cursor }, 'alert stream dropped: its client stopped reading')
      res.destroy()
    }, stallMs)
    stall.unref()
  })

  /** Writes one page; `full` says whether the socket's buffer filled up on the way. */
  const writePage = (changes: ReturnType<AlertsRepo['changesAfter']>['changes']) => {
    for (const c of changes) {
      if (!res.write(`id: ${opts.view.eventId(c.seq)}\nevent: alert\ndata: ${JSON.stringify(opts.view.change(c))}\n\n`)) full = true
    }
  }

  // Reads until caught up, a page at a time, yielding between pages and waiting whenever the
  // client is behind; a commit during a send sets `again` so nothing is left unread.
  const send = async () => {
    if (closed || ended) return
    if (!opts.allowed()) {
      res.end()
      return
    }
    if (opts.head.caughtUp(cursor)) return
    if (sending) {
      again = true
      return
    }
    sending = true
    try {
      do {
        again = false
        for (;;) {
          if (full) await drained()
          await opts.turns.next()
          if (closed || ended) return
          const page = opts.alerts.changesAfter(cursor, PAGE, opts.filter)
          writePage(page.changes)
          // What the client has not taken counts against every catch-up's memory until it does.
          if (full) opts.turns.holdUntilDrained(res)
          cursor = page.nextCursor
          if (page.changes.length < PAGE) break
        }
      } while (again && !closed)
    } catch (err) {
      req.log.error({ err }, 'alert stream failed')
      res.end()
    } finally {
      sending = false
    }
  }
  const wake = () => { void send() }

  const unsubscribe = opts.signal.subscribe(wake)
  // The heartbeat also looks at the key: a revocation by another process (`vigil keys`) ends
  // the stream within one heartbeat; one over HTTP is a commit here, which ends it at once.
  const heartbeat = setInterval(() => {
    if (ended) return
    if (!opts.allowed()) res.end()
    // A client that has not read the last events needs no heartbeat to keep its connection.
    else if (!full) full = !res.write(': heartbeat\n\n')
  }, opts.heartbeatMs)
  heartbeat.unref()
  opts.clients.streaming++
  // A shutdown ends the stream with every committed change in it (the writes have finished):
  // what is left is written at once, without waiting for the client, and then the end.
  const end = () => {
    if (closed || ended) return
    ended = true
    try {
      for (;;) {
        const page = opts.alerts.changesAfter(cursor, PAGE, opts.filter)
        writePage(page.changes)
        cursor = page.nextCursor
        if (page.changes.length < PAGE) break
      }
    } catch (err) {
      req.log.error({ err }, 'alert stream failed to finish')
    }
    res.end()
  }
  opts.open.add(end)
  res.on('close', () => {
    closed = true
    clearTimeout(stall)
    unsubscribe()
    clearInterval(heartbeat)
    opts.clients.streaming--
    opts.open.delete(end)
  })
  res.write('retry: 3000\n\n')
  wake()
}
