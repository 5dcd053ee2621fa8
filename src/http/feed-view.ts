import type { FastifyRequest } from 'fastify'
import { errors } from '../errors.js'
import type { AlertChange } from '../storage/alerts-repo.js'
import { presentChange } from '../alerts/present-alert.js'
import { scopeOf } from './access.js'
import type { FeedCursors, FeedPosition } from './feed-cursor.js'

/** The weak ETag of a page: its cursor, which names everything the page reflects. */
const etagOf = (next: number) => `W/"${next}"`

type PresentedChange = ReturnType<typeof presentChange>

/**
 * How the feed looks to one caller. An unscoped key sees the global sequence; a mission-scoped
 * key sees sealed tokens in its place (cursor, change and alert seq, event id, ETag), so that
 * nothing it receives counts other missions' changes (see FeedCursors).
 */
export interface FeedView {
  /** Where to read from, given the caller's `after` (a number or a token); a foreign token is a 400. */
  start(after: number | string, path: string): FeedPosition
  /** The cursor to hand back after a page that left the client at `visible`, read up to `scanned`. */
  cursor(p: FeedPosition): number | string
  etag(p: FeedPosition): string
  change(c: AlertChange): PresentedChange | (Omit<PresentedChange, 'seq'> & { seq: string })
  /** A presented alert, its seq shown as this caller sees feed positions. */
  alert<A extends { seq: number }>(a: A): A | (Omit<A, 'seq'> & { seq: string })
  /** The id of a stream event. */
  eventId(seq: number): string
}

export function feedView(req: FastifyRequest, cursors: FeedCursors): FeedView {
  const start = (after: number | string, path: string): FeedPosition => {
    if (typeof after === 'number') return { visible: after, scanned: after }
    const p = cursors.open(after)
    if (!p) throw errors.VALIDATION([{ path, message: 'not a cursor this service issued' }])
    return p
  }
  if (scopeOf(req) === null) {
    return { start, cursor: (p) => p.scanned, etag: (p) => etagOf(p.scanned), change: presentChange, alert: (a) => a, eventId: String }
  }
  const who = req.principal.keyId ?? ''
  const token = (seq: number) => cursors.seal({ visible: seq, scanned: seq })
  return {
    start,
    cursor: (p) => cursors.seal(p),
    etag: (p) => cursors.etag(who, p.visible),
    change: (c) => {
      const out = presentChange(c)
      return { ...out, seq: token(c.seq), alert: { ...out.alert, seq: token(c.alert.seq) as unknown as number } }
    },
    alert: (a) => ({ ...a, seq: token(a.seq) }),
    eventId: token,
  }
}

