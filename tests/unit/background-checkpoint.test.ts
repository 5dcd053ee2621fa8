import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/storage/store.js'

let dir: string
let store: Store | undefined
afterEach(() => {
  store?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const pageCount = (s: Store) => s.reader.pragma('page_count', { simple: true }) as number

it('checkpoints the WAL from a worker, so commits on the writer never do it themselves', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ckpt-'))
  const file = path.join(dir, 'v.db')
  store = openStore(file, { synchronous: 'NORMAL', backgroundCheckpoint: true })
  expect(store.writer.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(1000)
  store.writer.exec('CREATE TABLE blobs (b BLOB)')
  const insert = store.writer.prepare('INSERT INTO blobs VALUES (randomblob(4000))')
  // ~8 MB in small commits: 2,000 WAL pages, past SQLite's own threshold of 1,000.
  for (let i = 0; i < 200; i++) store.writer.transaction(() => { for (let j = 0; j < 10; j++) insert.run() })()
  const sizeAfterWrites = fs.statSync(file).size
  const deadline = Date.now() + 10_000
  while (fs.statSync(file).size <= sizeAfterWrites && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  // The pages reached the database file without the writer checkpointing.
  expect(fs.statSync(file).size).toBeGreaterThan(sizeAfterWrites)
  expect(pageCount(store) * 4096).toBeGreaterThanOrEqual(8_000_000)
  store.close()
  store = undefined
  const reopened = openStore(file)
  expect(reopened.reader.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(2000)
  expect(reopened.reader.pragma('integrity_check', { simple: true })).toBe('ok')
  reopened.close()
})
