/**
 * Tells waiting pollers and streams that the single writer committed something. It carries no
 * data: a waiter re-reads the change log, so a missed or doubled signal can never lose or
 * duplicate a change; it only decides when to look.
 */
export class CommitSignal {
  private waiters = new Set<() => void>()
  private listeners = new Set<() => void>()
  /** Commits notified so far: a reader caches what it read under this count (see FeedHead). */
  commits = 0

  /** Wakes every waiter and listener; called after each commit. */
  notify(): void {
    // Counted before anyone wakes, so whoever runs next sees every cache as stale.
    this.commits++
    this.wake()
  }

  /**
   * Wakes every waiter and listener without counting a commit of this process: for a change
   * another process made, which each cache learns of through the database's own version.
   */
  wake(): void {
    const now = [...this.waiters]
    this.waiters.clear()
    for (const w of now) w()
    for (const l of [...this.listeners]) l()
  }

  /** Resolves true at the next commit, false after `timeoutMs` or when `abort` fires. */
  next(timeoutMs: number, abort?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (abort?.aborted) return resolve(false)
      const done = (value: boolean) => {
        clearTimeout(timer)
        this.waiters.delete(wake)
        abort?.removeEventListener('abort', onAbort)
        resolve(value)
      }
      const wake = () => done(true)
      const onAbort = () => done(false)
      const timer = setTimeout(() => done(false), timeoutMs)
      this.waiters.add(wake)
      abort?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Whether anyone waits or listens: only then is it worth looking for other writers' commits. */
  watched(): boolean {
    return this.waiters.size > 0 || this.listeners.size > 0
  }

  /** Calls `fn` after every commit until the returned function is called. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }
}
