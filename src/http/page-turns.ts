import type { ServerResponse } from 'node:http'

/**
 * Pages of the alert feed take turns, one page per turn of the event loop, whoever asks (a
 * stream catching up, a poll reading a page): however many clients catch up at once, other
 * requests (a health check, a report) wait for one page, never for a page of every client.
 *
 * A turn also waits for memory. A page written to a client that reads slowly sits in the
 * service (the part of it the kernel has not taken yet) until the client reads it; a crowd of
 * such clients, each given a page as soon as it asks, holds a page each. So the bytes written
 * and not yet handed to the kernel are counted, across every client, and no page is built while
 * they are over `maxBytes`: a crowd then holds `maxBytes` and one page, however large it is; a
 * page is built when a client has taken one.
 */
export const PAGE_TURN_LIMITS = { maxBytes: 16 * 1024 * 1024 }

export interface PageTurnOptions {
  /** Bytes in flight above which no page is built (PAGE_TURN_LIMITS.maxBytes by default). */
  maxBytes?: number
  /**
   * How long a poll's page may stay in flight with no byte taken before its connection is
   * closed: a client that asks for pages and never reads them must not keep the others waiting
   * for memory.
   */
  stallMs: number
  /** Told when a connection is closed for that (to log it). */
  onStall: (bytes: number) => void
}

export interface PageTurnStats {
  /** Bytes of feed pages written and not yet handed to the kernel. */
  bytesInFlight: number
  /** The most there ever were (a page is built while under the cap, so up to the cap and a page). */
  peakBytesInFlight: number
  /** Callers waiting for a turn. */
  waiting: number
}

export class PageTurns {
  private readonly queue: (() => void)[] = []
  private pumping = false
  private inFlight = 0
  private peak = 0

  private readonly maxBytes: number

  constructor(private readonly opts: PageTurnOptions) {
    this.maxBytes = opts.maxBytes ?? PAGE_TURN_LIMITS.maxBytes
  }

  /** Resolves on this caller's turn to read and send one page. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.queue.push(resolve)
      this.schedule()
    })
  }

  /**
   * Counts `bytes` about to be written to `res` as in flight until `res` has handed its last byte
   * to the kernel ('finish') or its connection closed. A connection that takes no byte for
   * `stallMs` while this page waits is closed.
   */
  holdUntilFinished(res: ServerResponse, bytes: number): void {
    // The connection, not the response: a pipelined answer queued behind another has no socket
    // of its own yet and never closes by itself when the connection does.
    const socket = res.req.socket
    // Dropped for making no progress, not for being slow: a page crossing a thin link may take
    // minutes, and keeps its place as long as bytes leave.
    const taken = () => socket.bytesWritten - socket.writableLength
    let last = taken()
    const watch = setInterval(() => {
      const now = taken()
      if (now === last) {
        this.opts.onStall(bytes)
        socket.destroy()
      }
      last = now
    }, this.opts.stallMs)
    watch.unref()
    this.hold(res, bytes, 'finish', () => clearInterval(watch))
  }

  /** Counts what a stream's `res` buffers, after a write said it was full, until 'drain' or close. */
  holdUntilDrained(res: ServerResponse): void {
    this.hold(res, res.writableLength, 'drain')
  }

  stats(): PageTurnStats {
    return { bytesInFlight: this.inFlight, peakBytesInFlight: this.peak, waiting: this.queue.length }
  }

  private hold(res: ServerResponse, bytes: number, until: 'finish' | 'drain', released = () => {}): void {
    const socket = res.req.socket
    if (bytes <= 0 || socket.destroyed) {
      released()
      return
    }
    this.inFlight += bytes
    this.peak = Math.max(this.peak, this.inFlight)
    const release = () => {
      released()
      res.off(until, release)
      socket.off('close', release)
      this.inFlight -= bytes
      this.schedule()
    }
    res.on(until, release)
    socket.on('close', release)
  }

  private schedule(): void {
    if (this.pumping || this.queue.length === 0 || this.inFlight >= this.maxBytes) return
    this.pumping = true
    setImmediate(this.pump)
  }

  // One caller a turn; the caller builds and writes its page before the next turn (it holds no
  // await between its turn and its write), so the count is current when the next turn is given.
  private readonly pump = () => {
    this.pumping = false
    if (this.inFlight >= this.maxBytes) return
    this.queue.shift()?.()
    this.schedule()
  }
}
