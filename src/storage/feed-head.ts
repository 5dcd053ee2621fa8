import type { CommitSignal } from '../commit-signal.js'
import { CommitCached, EXTERNAL_CHECK_MS } from './commit-cached.js'

/**
 * The sequence number of the last committed alert change, kept in memory (see CommitCached for
 * when it is read again): a poller that is caught up (the steady state of a JOC desk) is answered
 * without reading the log, and a change another process committed reaches caught-up polls within
 * 100 ms, and waiting long polls and streams through `watch`.
 */
export class FeedHead {
  private readonly head: CommitCached<number>

  constructor(
    read: () => number,
    private readonly signal: CommitSignal,
    version: () => number,
    now?: () => number,
  ) {
    this.head = new CommitCached(read, signal, version, now)
  }

  /** The last committed change's sequence number. */
  current(): number {
    return this.head.current()
  }

  /**
   * Wakes long polls and streams when another process committed alert changes: without it they
   * would learn of them only at this process's next commit (at the latest the expiry sweep, a
   * minute away). Every `intervalMs` while anyone waits, the head is read as a poll reads it; if
   * it moved, waiters and listeners are woken (not counted as a local commit, so no other cache
   * reads again for it). A move this process made itself wakes them a second time, which costs
   * each one a look at the head. A failed read is reported to `onError` and tried again at the
   * next tick. Returns the function that stops it.
   */
  watch(onError: (err: unknown) => void, intervalMs = EXTERNAL_CHECK_MS): () => void {
    let seen = this.current()
    const timer = setInterval(() => {
      if (!this.signal.watched()) return
      try {
        const h = this.head.current(true)
        if (h === seen) return
        seen = h
        this.signal.wake()
      } catch (err) {
        onError(err)
      }
    }, intervalMs)
    timer.unref()
    return () => clearInterval(timer)
  }

  /**
   * True when `seq` lies beyond the last committed change (a cursor from before a restore, or
   * from another database). Read afresh before saying so: a page may have shown a change another
   * process committed that the cached head has not seen yet.
   */
  isAhead(seq: number): boolean {
    return seq > this.current() && seq > this.head.current(true)
  }

  /** True when nothing was committed after `seq`, so a poll from it has nothing to read. */
  caughtUp(seq: number): boolean {
    return seq >= this.current()
  }
}
