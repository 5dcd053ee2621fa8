/**
 * 7. Storage: bytes on disk per stored report, every table and index included, against the
 * report's JSON body. Measured on a copy of a cached history (10k quick, 100k full) migrated to
 * the current layout (migrations 011 and 013 rewrite older data as live writes now store it) and
 * vacuumed, so free pages left by the migration are not counted; SQLite's dbstat virtual table
 * gives the pages of each table and index.
 */
import fs from 'node:fs'
import type { BenchContext } from './lib/context.js'
import { copyHistory, removeDb } from './lib/history.js'
import { one, row, type BenchResult } from './lib/stats.js'
import { openStore } from '../../src/storage/store.js'
import { openDb } from '../../src/storage/db.js'

export interface StorageFigures {
  reports: number
  /** Mean length of a report's JSON body, bytes. */
  bodyBytes: number
  /** Bytes of each table, its indexes included. */
  tables: { table: string; bytes: number; rows: number }[]
  totalBytes: number
  fileBytes: number
}

/** Migrates, vacuums and measures one database file (modified in place). */
export function measureStorage(file: string): StorageFigures {
  openStore(file).close()
  // vigil's own connection: it reads packed bodies (vigil_json), whose JSON text is the baseline.
  const db = openDb(file)
  try {
    db.exec('VACUUM')
    const owner = new Map((db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')").all() as { name: string; tbl_name: string }[])
      .map((r) => [r.name, r.tbl_name]))
    const perTable = new Map<string, number>()
    for (const r of db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[]) {
      const table = owner.get(r.name) ?? r.name
      perTable.set(table, (perTable.get(table) ?? 0) + r.bytes)
    }
    const count = (t: string) => db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number
    const tables = [...perTable].map(([table, bytes]) => ({ table, bytes, rows: owner.has(table) ? count(table) : 0 }))
      .sort((a, b) => b.bytes - a.bytes)
    return {
      reports: count('reports'),
      bodyBytes: db.prepare('SELECT avg(length(CAST(vigil_json(body) AS BLOB))) FROM reports').pluck().get() as number,
      tables,
      totalBytes: tables.reduce((s, t) => s + t.bytes, 0),
      fileBytes: fs.statSync(file).size,
    }
  } finally {
    db.close()
  }
}

export async function storageSize(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const size = ctx.quick ? 10_000 : 100_000
  const file = copyHistory(size, 'storage')
  try {
    const f = measureStorage(file)
    const per = (bytes: number) => bytes / f.reports
    const body = { label: 'report JSON body', value: one(f.bodyBytes) }
    return {
      name: 'storage',
      title: `Storage per report on the ${size.toLocaleString('en-US')}-report history (vacuumed, dbstat pages; tables with their indexes)`,
      rows: [
        row({ figure: 'all tables and indexes', unit: 'B/report', value: one(per(f.totalBytes)), baseline: body, target: { on: 'ratio', op: '<=', limit: 2.5, text: '<= 2.5x body' } }),
        ...f.tables.filter((t) => t.bytes >= 4096 * 4).map((t) => row({
          figure: `  ${t.table}`, unit: 'B/report', value: one(per(t.bytes)), baseline: body,
          note: `${t.rows.toLocaleString('en-US')} rows, ${t.rows > 0 ? Math.round(t.bytes / t.rows) : 0} B/row`,
        })),
      ],
      notes: [`${f.reports.toLocaleString('en-US')} reports, file ${Math.round(f.fileBytes / 1e6)} MB after VACUUM`],
      seconds: (performance.now() - t0) / 1000,
    }
  } finally {
    removeDb(file)
  }
}
