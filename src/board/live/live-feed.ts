import { type Api, ApiError, query } from '../api'
import type { AlertChange } from '../types'
import { SseParser } from './sse-parser'

export type Transport = 'stream' | 'poll'

export interface FeedState {
  /** connecting: first load; live: following; reconnecting: lost, trying again. */
  mode: 'connecting' | 'live' | 'reconnecting'
  transport: Transport
  /** When the service last answered (data or heartbeat), epoch ms. */
  lastContactAt: number | null
  /** When the connection was lost, while reconnecting. */
  lostAt: number | null
}

export interface LiveFeedOptions {
  /** Changes in feed order, each exactly once; `live` is false for the catch-up at start. */
  onChanges(changes: AlertChange[], live: boolean): void
  onState(state: FeedState): void
  /** 'auto': the stream, falling back to long poll when the stream cannot be read. */
  transport?: 'auto' | Transport
  /** No byte for this long and the stream is taken for dead (the service sends heartbeats). */
  staleMs?: number
}

/** Every alert the key may see, silenced and inhibited ones included: the board shows them with badges. */
const FEED_FILTER = { silenced: 'include', inhibited: 'include' }
const PAGE = 1000
const POLL_WAIT_S = 25

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms)
  signal.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
})

/**
 * Follows the alert change feed from a cursor: a catch-up by pages, then the SSE stream read
 * with fetch (so the bearer header goes with it), resumed after any drop with Last-Event-ID set
 * to the last change applied. A change at or below the cursor is never delivered again, so a
 * resume neither loses nor repeats one. When the stream cannot be read (a proxy that buffers, an
 * answer that is not an event stream) it long-polls `GET /alerts?after=&wait=` instead.
 */
export class LiveFeed {
  /** A change number, or the sealed token a mission-scoped key is given instead (opaque). */
  cursor: number | string = 0
  /** The changes delivered lately, by seq: a token cannot be compared, only recognised. */
  private readonly recent: string[] = []
  private readonly seen = new Set<string>()
  private readonly stopper = new AbortController()
  private state: FeedState
  private failures = 0

  constructor(private readonly api: Api, private readonly opts: LiveFeedOptions) {
    this.state = { mode: 'connecting', transport: opts.transport === 'poll' ? 'poll' : 'stream', lastContactAt: null, lostAt: null }
  }

  start(): void {
    void this.run()
  }

  stop(): void {
    this.stopper.abort()
  }

  private set(patch: Partial<FeedState>) {
    this.state = { ...this.state, ...patch }
    this.opts.onState(this.state)
  }

  private contact() {
    this.failures = 0
    this.set({ mode: 'live', lastContactAt: Date.now(), lostAt: null })
  }

  private lost() {
    this.failures++
    if (this.state.mode !== 'reconnecting') this.set({ mode: 'reconnecting', lostAt: Date.now() })
  }

  /** Delivers the changes past the cursor, in order, and moves the cursor. */
  private deliver(changes: AlertChange[], live: boolean) {
    const cursor = this.cursor
    const fresh = changes.filter((c) => (typeof c.seq === 'number' && typeof cursor === 'number' ? c.seq > cursor : !this.seen.has(String(c.seq))))
    if (fresh.length === 0) return
    for (const c of fresh) this.remember(String(c.seq))
    this.cursor = fresh[fresh.length - 1]!.seq
    this.opts.onChanges(fresh, live)
  }

  /** Keeps the last few thousand seqs: enough to drop a change a resume sends twice. */
  private remember(seq: string) {
    this.seen.add(seq)
    this.recent.push(seq)
    if (this.recent.length > 5000) this.seen.delete(this.recent.shift()!)
  }

  private backoff(): Promise<void> {
    return sleep(Math.min(10_000, 500 * 2 ** Math.min(this.failures, 5)), this.stopper.signal)
  }

  private async run() {
    const signal = this.stopper.signal
    while (!signal.aborted) {
      try {
        await this.catchUp()
        break
      } catch (err) {
        if (isFatal(err)) return
        this.lost()
        await this.backoff()
      }
    }
    while (!signal.aborted) {
      try {
        if (this.state.transport === 'stream') await this.stream()
        else await this.poll()
      } catch (err) {
        if (signal.aborted || isFatal(err)) return
        if (err instanceof NotAStream) {
          this.set({ transport: 'poll' })
          continue
        }
        this.lost()
        await this.backoff()
      }
    }
  }

  private async catchUp() {
    for (;;) {
      const page = await this.api.get<{ changes: AlertChange[]; nextCursor: number | string }>(
        `/alerts${query({ ...FEED_FILTER, after: this.cursor, limit: PAGE })}`, this.stopper.signal)
      this.contact()
      this.deliver(page.changes, false)
      this.cursor = page.nextCursor
      if (page.changes.length < PAGE) return
    }
  }

  private async poll() {
    const page = await this.api.get<{ changes: AlertChange[]; nextCursor: number | string }>(
      `/alerts${query({ ...FEED_FILTER, after: this.cursor, limit: 500, wait: POLL_WAIT_S })}`, this.stopper.signal)
    this.contact()
    this.deliver(page.changes, true)
    this.cursor = page.nextCursor
  }

  /** One stream connection, read until it ends, fails or goes quiet for too long. */
  private async stream() {
    const conn = new AbortController()
    const abort = () => conn.abort()
    this.stopper.signal.addEventListener('abort', abort, { once: true })
    const staleMs = this.opts.staleMs ?? 45_000
    let watchdog = setTimeout(abort, staleMs)
    try {
      const res = await fetch(`/alerts/stream${query(FEED_FILTER)}`, {
        headers: this.api.headers({ accept: 'text/event-stream', 'last-event-id': String(this.cursor) }),
        signal: conn.signal,
        cache: 'no-store',
      })
      if (res.status === 401) {
        this.api.onUnauthorized()
        throw new ApiError(401, 'VIGIL_UNAUTHENTICATED', 'the key is no longer valid')
      }
      if (!res.ok) throw new Error(`stream answered ${res.status}`)
      if (!res.body || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) throw new NotAStream()
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      const parser = new SseParser()
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        clearTimeout(watchdog)
        watchdog = setTimeout(abort, staleMs)
        this.contact()
        const changes = parser.push(value).filter((e) => e.event === 'alert').map((e) => JSON.parse(e.data) as AlertChange)
        this.deliver(changes, true)
      }
      // The service ended the stream (a restart or shutdown): reconnect from the cursor.
      throw new Error('stream ended')
    } finally {
      clearTimeout(watchdog)
      this.stopper.signal.removeEventListener('abort', abort)
    }
  }
}

/** The stream answered, but not as an event stream: read the feed by long poll instead. */
class NotAStream extends Error {}

/** A refused key or permission: retrying cannot help. */
function isFatal(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 401 || err.status === 403)
}
