import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS_DIR } from '../paths.js'
import { MIGRATION_STEPS } from './migration-steps.js'
import { packJson, unpackJson } from './packed-json.js'

export type Db = Database.Database

export interface OpenOptions {
  /** FULL: a committed transaction survives power loss. NORMAL: it survives a process crash. */
  synchronous?: 'FULL' | 'NORMAL'
  readonly?: boolean
  /** The page cache's ceiling, MB (default 64): SQLite fills it as the database grows, then stops. */
  cacheMb?: number
}

/** Opens a SQLite file with vigil's pragmas (WAL, foreign keys, busy timeout). */
export function openDb(file: string, opts: OpenOptions = {}): Db {
  if (!opts.readonly && file !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
    // Created readable by its owner only, like the admin token beside it; SQLite gives the -wal
    // and -shm files the database file's permissions. An existing file keeps its own.
    fs.closeSync(fs.openSync(file, 'a', 0o600))
  }
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false })
  if (!opts.readonly) db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`)
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  // Aggregates read many index pages; a bigger page cache keeps them in memory. It is a
  // ceiling per connection: resident memory grows to it with the database, then plateaus.
  db.pragma(`cache_size = -${Math.round((opts.cacheMb ?? 64) * 1024)}`)
  // A stored body or snapshot may be packed (src/storage/packed-json.ts): SQL that reads into
  // one (json_extract) reads vigil_json(column), its JSON text.
  db.function('vigil_json', { deterministic: true }, (v: unknown) => (v === null ? null : unpackJson(v as string | Buffer)))
  // Migration 013 packs the JSON stored before it with this.
  db.function('vigil_pack', { deterministic: true }, (v: unknown, id: unknown) => (typeof v === 'string' ? packJson(v, Number(id)) : v))
  return db
}

export interface Migration {
  version: number
  name: string
  sql: string
  /** A data rewrite in code, after the SQL and in the same transaction. */
  step?: (db: Db) => void
}

/** The numbered migrations, `NNN-name.sql`, in order. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs.readdirSync(dir)
    .map((f) => /^(\d{3})-([a-z0-9-]+)\.sql$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: Number(m[1]), name: m[2]!, sql: fs.readFileSync(path.join(dir, m[0]), 'utf8'), step: MIGRATION_STEPS[Number(m[1])] }))
    .sort((a, b) => a.version - b.version)
}

/**
 * Applies every migration newer than the database, each in its own transaction, and returns
 * the versions applied. A failing migration leaves the database at the previous version.
 */
export function migrate(db: Db, migrations = readMigrations()): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
  const applied: number[] = []
  // SQLite's way to rebuild a table that others reference: foreign keys off around the
  // transaction (the pragma is a no-op inside one), every reference checked before it commits.
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1
  if (enforced) db.pragma('foreign_keys = OFF')
  try {
    for (const m of migrations) {
      if (done.has(m.version)) continue
      db.transaction(() => {
        db.exec(m.sql)
        m.step?.(db)
        const broken = db.pragma('foreign_key_check') as unknown[]
        if (broken.length > 0) throw new Error(`migration ${m.version}-${m.name} leaves ${broken.length} broken reference(s)`)
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(m.version, m.name, new Date().toISOString())
      })()
      applied.push(m.version)
    }
  } finally {
    if (enforced) db.pragma('foreign_keys = ON')
  }
  return applied
}

/** True when every known migration has been applied. */
export function isMigrated(db: Db, migrations = readMigrations()): boolean {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() as { n: number }
  if (row.n === 0) return false
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
  return migrations.every((m) => done.has(m.version))
}

/**
 * PRAGMA data_version of a connection, as a function: it moves whenever another connection
 * (another process, or this process's other connection) commits to the file.
 */
export function dataVersionOf(db: Db): () => number {
  const stmt = db.prepare('PRAGMA data_version').pluck()
  return () => stmt.get() as number
}
