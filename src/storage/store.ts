import { openDb, migrate, isMigrated, type Db } from './db.js'
import { distanceKm } from '../geo.js'
import { startBackgroundCheckpoint } from './background-checkpoint.js'

/**
 * The database as the service uses it: one writer connection (owned by the write queue) and one
 * reader connection for the HTTP reads, which in WAL mode never waits for the writer and only
 * ever sees committed data.
 */
export interface Store {
  readonly file: string
  readonly writer: Db
  readonly reader: Db
  migrated(): boolean
  close(): void
}

function registerFunctions(db: Db) {
  // Deterministic, so SQLite may use it in indexes and skip re-evaluation.
  db.function('vigil_km', { deterministic: true }, (lat1, lon1, lat2, lon2) =>
    distanceKm(Number(lat1), Number(lon1), Number(lat2), Number(lon2)))
}

export interface StoreOptions {
  synchronous?: 'FULL' | 'NORMAL'
  /** Checkpoint the WAL from a worker thread instead of inside the writer's commits (long-running writers). */
  backgroundCheckpoint?: boolean
}

/** Opens (creating if needed) the database file and applies pending migrations. */
export function openStore(file: string, opts: StoreOptions = {}): Store {
  const writer = openDb(file, { synchronous: opts.synchronous ?? 'FULL' })
  migrate(writer)
  const checkpoints = opts.backgroundCheckpoint && file !== ':memory:'
    ? startBackgroundCheckpoint(writer, { synchronous: opts.synchronous ?? 'FULL' })
    : null
  // The reader serves polls, streams and lookups of recent rows (a caught-up poll reads nothing):
  // a quarter of the writer's cache, which the evaluation's reads and the writes go through.
  const reader = openDb(file, { synchronous: opts.synchronous ?? 'FULL', cacheMb: 16 })
  reader.pragma('query_only = ON')
  registerFunctions(writer)
  registerFunctions(reader)
  let closed = false
  return {
    file,
    writer,
    reader,
    migrated: () => !closed && isMigrated(reader),
    close() {
      if (closed) return
      closed = true
      checkpoints?.stop()
      reader.close()
      writer.close()
    },
  }
}
