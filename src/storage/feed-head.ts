import type { CommitSignal } from '../commit-signal.js'

/** How often a caught-up poll asks whether another process committed (a read-transaction start). */
const EXTERNAL_CHECK_MS = 100

/**
 * The sequence number of the last committed alert change, kept in memory: a poller that is
 * caught up (the steady state of a JOC desk) is answered without reading the log.
 *
 * It is read again after every commit of this process's writer (the signal counts them before
 * anyone wakes, and the writer commits and notifies in one synchronous step, so no poll runs
 * between the two), and whenever `version` (the reader's PRAGMA data_version, which moves when any
 * other connection commits) has moved, checked at most every 100 ms: a change committed by
 * another process (`vigil import` into a running service's database) reaches caught-up polls
 * within that, and waiting long polls and streams through `watch`. Checking it on every poll
 * would cost a third of a poll.
 */
export class FeedHead {
  private head = 0
  private readAtCommit = -1
  private readAtVersion: number | null = null
  private checkedAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly read: () => number,
    private readonly signal: CommitSignal,
    private readonly version: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The last committed change's sequence number. */
  current(): number {
    return this.refresh(false)
  }

  /** `external`: ask about other processes' commits now, however recently that was asked. */
  private refresh(external: boolean): number {
    const t = this.now()
    const local = this.readAtCommit !== this.signal.commits
    if (local || external || t - this.checkedAt >= EXTERNAL_CHECK_MS) {
      this.checkedAt = t
      const v = this.version()
      if (local || v !== this.readAtVersion) {
        this.readAtCommit = this.signal.commits
        this.readAtVersion = v
        this.head = this.read()
      }
    }
    return this.head
  }

  /**
   * Wakes long polls and streams when another process committed alert changes: without it they
   * would learn of them only at this process's next commit (at the latest the expiry sweep, a
   * minute away). Every `intervalMs` while anyone waits, the head is read as a poll reads it; if
   * it moved, the signal fires. A move this process made itself fires it a second time, which
   * costs each waiter one look at the head. Returns the function that stops it.
   */
  watch(intervalMs = EXTERNAL_CHECK_MS): () => void {
    let seen = this.current()
    const timer = setInterval(() => {
      if (!this.signal.watched()) return
      const h = this.refresh(true)
      if (h === seen) return
      seen = h
      this.signal.notify()
    }, intervalMs)
    timer.unref()
    return () => clearInterval(timer)
  }

  /** True when nothing was committed after `seq`, so a poll from it has nothing to read. */
  caughtUp(seq: number): boolean {
    return seq >= this.current()
  }
}
