import type { Db } from './db.js'
import type { CommitSync } from './wal-sync.js'

/** How a job ended, told to its `after` hook inside the same transaction. */
export type JobOutcome = { ok: true; value: unknown } | { ok: false; err: unknown }

/** Longest a transaction keeps taking jobs: bounds how long one commit holds everyone up. */
const MAX_TRANSACTION_MS = 25

type Job<T> = {
  run: () => T | Promise<T>
  /** Runs in the job's transaction once the job has finished: its audit record, say. */
  after?: (outcome: JobOutcome) => void
  resolve: (value: T) => void
  reject: (err: unknown) => void
}

export interface WriteQueueOptions {
  /** Most jobs committed in one transaction: bounds the latency a burst adds to its last job. */
  maxBatch?: number
  /** Called after every commit with the number of jobs it held (metrics, change notifications). */
  onCommit?: (jobs: number) => void
  /** State kept beside the database (a write-through cache) that must follow its rollbacks. */
  journal?: WriteJournal
  /**
   * Makes commits durable off the event loop (wal-sync.ts): jobs are settled, and `onCommit`
   * told, once the sync after their commit has finished, while the next batches already run.
   * Without it, COMMIT itself syncs (synchronous=FULL) and jobs settle right after it.
   */
  commitSync?: CommitSync
}

/** A committed batch waiting for the sync that makes it durable. */
type Committed = { batch: Job<unknown>[]; outcomes: JobOutcome[] }

/** Told where each job starts and what was rolled back, so a cache never keeps an undone write. */
export interface WriteJournal {
  /** A job starts (its savepoint is open). */
  begin(): void
  /**
   * The job has finished, its savepoint still open: writes held back during the job (coalesced
   * alert rows) go to SQLite now, before its `after` hook and its commit. A throw fails the job.
   */
  end?(): void
  /** The job's savepoint was rolled back. */
  rollback(): void
  /** The whole transaction was rolled back. */
  reset(): void
}

/**
 * The single writer of the database, with group commit.
 *
 * Every write runs here, one job at a time, so an ingest and its evaluation form one atomic step
 * that no other write can interleave with, even though evaluation awaits promises. Jobs that
 * arrive while a transaction is open wait for the next one; each transaction commits (and, with
 * synchronous=FULL, fsyncs) once for all its jobs, and only then are the jobs' promises settled:
 * a caller never answers before its data is durable. Each job runs in a savepoint, so one failing
 * job rolls back only its own writes.
 */
export class WriteQueue {
  private pending: Job<unknown>[] = []
  private flushing = false
  private scheduled = false
  private closed = false
  private idleWaiters: (() => void)[] = []
  /** Committed batches whose sync has not started; the batches the running sync covers. */
  private unsynced: Committed[] = []
  private syncing = false
  private readonly maxBatch: number
  /** Transaction control, prepared once: db.exec would parse each statement on every job. */
  private readonly tx: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit' | 'rollback', { run(): unknown }>

  constructor(private readonly db: Db, private readonly opts: WriteQueueOptions = {}) {
    this.maxBatch = opts.maxBatch ?? 256
    this.tx = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      savepoint: db.prepare('SAVEPOINT job'),
      release: db.prepare('RELEASE job'),
      rollbackTo: db.prepare('ROLLBACK TO job'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    }
  }

  /**
   * Runs `fn` inside the next transaction; settles after that transaction has committed.
   * `after` runs in the same transaction when `fn` has finished, with its outcome: a successful
   * write and its `after` writes commit together, and a failing `after` fails the write.
   */
  run<T>(fn: () => T | Promise<T>, after?: (outcome: JobOutcome) => void): Promise<T> {
    if (this.closed) return Promise.reject(new Error('write queue is closed'))
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run: fn, ...(after ? { after } : {}), resolve, reject } as Job<unknown>)
      this.schedule()
    })
  }

  /** Resolves when every job queued so far has been committed. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Refuses new jobs and waits for the queued ones to commit (and be synced). */
  async close(): Promise<void> {
    this.closed = true
    await this.idle()
    this.opts.commitSync?.close()
  }

  private isIdle() {
    return !this.flushing && this.pending.length === 0 && !this.syncing && this.unsynced.length === 0
  }

  private wakeIdle() {
    if (!this.isIdle()) return
    const waiters = this.idleWaiters.splice(0)
    for (const w of waiters) w()
  }

  /** A refused write is still recorded by its `after` hook (outside the rolled-back savepoint). */
  private afterFailure(job: Job<unknown>, err: unknown) {
    try {
      job.after?.({ ok: false, err })
    } catch {
      // Recording a refusal must not turn it into a different failure.
    }
  }

  private schedule() {
    if (this.scheduled || this.flushing) return
    this.scheduled = true
    // setImmediate lets every request parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false
      void this.flush()
    })
  }

  private async flush() {
    if (this.flushing) return
    this.flushing = true
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch)
        await this.commitBatch(batch)
        // Let sockets, health checks and polls in between transactions: a long queue must not
        // hold the event loop for the whole backlog.
        if (this.pending.length > 0) await new Promise<void>((resolve) => setImmediate(resolve))
      }
    } finally {
      this.flushing = false
      this.wakeIdle()
    }
  }

  /** Settles a committed batch: each job with its outcome. */
  private settle({ batch, outcomes }: Committed) {
    this.opts.onCommit?.(batch.length)
    batch.forEach((job, i) => {
      const o = outcomes[i]!
      if (o.ok) job.resolve(o.value)
      else job.reject(o.err)
    })
  }

  /**
   * One sync at a time, covering every batch committed before it started; batches committed
   * meanwhile wait for the next, so answers keep the commit order.
   */
  private syncCommitted() {
    const sync = this.opts.commitSync
    if (!sync || this.syncing || this.unsynced.length === 0) return
    this.syncing = true
    const covered = this.unsynced.splice(0)
    sync.sync((err) => {
      this.syncing = false
      for (const c of covered) {
        if (!err) {
          this.settle(c)
          continue
        }
        // Committed but not known to be on disk: the writers are told it failed (a retry is an
        // idempotent replay), never that it is durable; readers are still told of the commit.
        this.opts.onCommit?.(c.batch.length)
        for (const job of c.batch) job.reject(err)
      }
      this.syncCommitted()
      this.wakeIdle()
    })
  }

  private async commitBatch(batch: Job<unknown>[]) {
    const outcomes: JobOutcome[] = []
    try {
      this.tx.begin.run()
    } catch (err) {
      for (const job of batch) job.reject(err)
      return
    }
    const started = performance.now()
    for (let i = 0; i < batch.length; i++) {
      // A transaction stops taking jobs after MAX_TRANSACTION_MS; the rest go first in the next.
      if (i > 0 && performance.now() - started > MAX_TRANSACTION_MS) {
        this.pending.unshift(...batch.splice(i))
        break
      }
      const job = batch[i]!
      this.tx.savepoint.run()
      this.opts.journal?.begin()
      try {
        const value = await job.run()
        this.opts.journal?.end?.()
        job.after?.({ ok: true, value })
        this.tx.release.run()
        outcomes.push({ ok: true, value })
      } catch (err) {
        this.tx.rollbackTo.run()
        this.tx.release.run()
        this.opts.journal?.rollback()
        outcomes.push({ ok: false, err })
        this.afterFailure(job, err)
      }
    }
    try {
      this.tx.commit.run()
    } catch (err) {
      if (this.db.inTransaction) this.tx.rollback.run()
      this.opts.journal?.reset()
      for (const job of batch) job.reject(err)
      return
    }
    if (!this.opts.commitSync) return this.settle({ batch, outcomes })
    this.unsynced.push({ batch, outcomes })
    this.syncCommitted()
  }
}
