import type { CommitSignal } from '../commit-signal.js'

/** How often a cached read asks whether another process committed (a read-transaction start). */
export const EXTERNAL_CHECK_MS = 100

/**
 * A value read from the database and kept in memory until a commit may have changed it: read
 * again after every commit of this process's writer (the signal counts them before anyone wakes,
 * and the writer commits and notifies in one synchronous step, so no reader runs between the
 * two), and whenever `version` (the reader's PRAGMA data_version, which moves when any other
 * connection commits) has moved, checked at most every 100 ms. So a change made by another
 * process (`vigil import` or `vigil keys` beside a running service) is seen within that.
 * Checking the version on every use would cost a read-transaction start each time.
 */
export class CommitCached<T> {
  private value: T | undefined
  private readAtCommit = -1
  private readAtVersion: number | null = null
  private checkedAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly read: () => T,
    private readonly signal: CommitSignal,
    private readonly version: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The value; `external`: ask about other processes' commits now, however recently that was asked. */
  current(external = false): T {
    const t = this.now()
    const local = this.readAtCommit !== this.signal.commits
    if (local || external || t - this.checkedAt >= EXTERNAL_CHECK_MS) {
      const v = this.version()
      if (local || v !== this.readAtVersion) {
        const commits = this.signal.commits
        // Read before marking it fresh: a read that throws leaves it stale, so the next use reads again.
        this.value = this.read()
        this.readAtCommit = commits
        this.readAtVersion = v
      }
      this.checkedAt = t
    }
    return this.value as T
  }
}
