import fs from 'node:fs'
import type { Db } from './db.js'

/** Makes what a connection committed durable, off the event loop: told when it is. */
export interface CommitSync {
  sync(done: (err: Error | null) => void): void
  close(): void
}

/**
 * Durability of the writer's commits on libuv's thread pool instead of inside COMMIT. The writer
 * commits with synchronous=NORMAL (its WAL frames reach the OS, not the disk), then the WAL file
 * is fdatasync'ed by a pool thread while the event loop goes on parsing, checking and evaluating
 * the next requests; a job is answered only after the fdatasync that covers its commit (WAL
 * recovery replays frames up to the last complete commit, so a synced WAL holds every commit
 * written before the sync). SQLite itself still syncs the WAL before every checkpoint.
 *
 * The one thing FULL gives that this does not: another connection may read a commit during the
 * milliseconds before its sync, so after a power loss (not a process crash) a poller may have
 * seen an alert change that is gone. That is why it is a setting, off by default.
 */
export function walSync(writer: Db): CommitSync {
  writer.pragma('synchronous = NORMAL')
  let fd: number | null = null
  return {
    sync(done) {
      try {
        // Opened at the first commit: the WAL exists from then on, until the last connection closes.
        fd ??= fs.openSync(`${writer.name}-wal`, 'r')
      } catch (err) {
        done(err as Error)
        return
      }
      fs.fdatasync(fd, (err) => done(err))
    },
    close() {
      if (fd !== null) fs.closeSync(fd)
      fd = null
    },
  }
}
