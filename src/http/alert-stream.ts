import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AlertsRepo, ChangeFilter } from '../storage/alerts-repo.js'
import type { CommitSignal } from '../commit-signal.js'
import type { FeedHead } from '../storage/feed-head.js'
import { presentChange } from '../alerts/present-alert.js'

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
  /** Whether the caller's key is still live: a stream of a revoked key ends. */
  allowed: () => boolean
}

const PAGE = 500

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
  let cursor = opts.after
  let closed = false
  let sending = false
  let again = false

  // Reads until caught up; a commit during a send sets `again` so nothing is left unread.
  const send = () => {
    if (closed) return
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
          const page = opts.alerts.changesAfter(cursor, PAGE, opts.filter)
          for (const c of page.changes) res.write(`id: ${c.seq}\nevent: alert\ndata: ${JSON.stringify(presentChange(c))}\n\n`)
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

  const unsubscribe = opts.signal.subscribe(send)
  // The heartbeat also looks at the key: a revocation by another process (`vigil keys`) ends
  // the stream within one heartbeat; one over HTTP is a commit here, which ends it at once.
  const heartbeat = setInterval(() => {
    if (opts.allowed()) res.write(': heartbeat\n\n')
    else res.end()
  }, opts.heartbeatMs)
  heartbeat.unref()
  opts.clients.streaming++
  const end = () => res.end()
  opts.open.add(end)
  res.on('close', () => {
    closed = true
    unsubscribe()
    clearInterval(heartbeat)
    opts.clients.streaming--
    opts.open.delete(end)
  })
  res.write('retry: 3000\n\n')
  send()
}
