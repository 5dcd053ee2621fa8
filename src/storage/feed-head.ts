import type { CommitSignal } from '../commit-signal.js'

/**
 * The sequence number of the last committed alert change, read once per commit instead of once
 * per poll: a poller that is caught up (the steady state of a JOC desk) is answered from memory.
 *
 * The value is re-read after every commit the signal announces. The single writer commits and
 * notifies in one synchronous step, so no poll can run between a commit and its notification:
 * a cached head is never older than the last commit of this process. A write by another process
 * (`vigil import` into a running service's database) shows at the next commit here, at the latest
 * the expiry sweep's, as it already does for long polls and streams; the poller's cursor does
 * not move meanwhile, so nothing is skipped.
 */
export class FeedHead {
  private head = 0
  private readAt = -1

  constructor(private readonly read: () => number, private readonly signal: CommitSignal) {}

  /** The last committed change's sequence number. */
  current(): number {
    if (this.readAt !== this.signal.commits) {
      // Counted before the read: a commit during it (none, in one thread) would force a re-read.
      this.readAt = this.signal.commits
      this.head = this.read()
    }
    return this.head
  }

  /** True when nothing was committed after `seq`, so a poll from it has nothing to read. */
  caughtUp(seq: number): boolean {
    return seq >= this.current()
  }
}
