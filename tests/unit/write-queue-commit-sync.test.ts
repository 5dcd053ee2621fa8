import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openDb } from '../../src/storage/db.js'
import { WriteQueue } from '../../src/storage/write-queue.js'
import { walSync, type CommitSync } from '../../src/storage/wal-sync.js'
import { tempDir } from '../helpers/test-app.js'

/**
 * The write queue with its commits synced off the event loop (VIGIL_COMMIT_SYNC=background):
 * a job is answered only once the sync after its commit has finished, in commit order, while
 * the next batches already run; a failed sync fails the jobs it covered.
 */
let dir: string
let db: Database.Database
afterEach(() => {
  db?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function open() {
  dir = tempDir()
  db = openDb(path.join(dir, 'q.db'))
  db.exec('CREATE TABLE t (n INTEGER)')
  return db
}

/** A sync the test finishes by hand, around the real one: shows when answers may go out. */
function heldSync(real: CommitSync) {
  const held: ((err: Error | null) => void)[] = []
  const sync: CommitSync = { sync: (done) => { held.push(done) }, close: () => real.close() }
  return {
    sync,
    held,
    /** Runs the real fdatasync, then lets the queue settle what it covers. */
    release(i = 0, err: Error | null = null) {
      const done = held.splice(i, 1)[0]!
      if (err) return done(err)
      real.sync((e) => done(e))
    },
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('write queue, commits synced in the background', () => {
  it('answers a committed job only after its sync, and commits the next batch meanwhile', async () => {
    const writer = open()
    const h = heldSync(walSync(writer))
    const commits: number[] = []
    const q = new WriteQueue(writer, { commitSync: h.sync, onCommit: (jobs) => commits.push(jobs) })
    const answered: number[] = []
    const first = [1, 2, 3].map((n) => q.run(() => writer.prepare('INSERT INTO t VALUES (?)').run(n)).then(() => answered.push(n)))
    for (let i = 0; i < 5 && h.held.length === 0; i++) await tick()
    // Committed (another connection sees it), one sync asked for, nobody answered yet.
    const reader = new Database(writer.name, { readonly: true })
    expect(reader.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3)
    expect(h.held).toHaveLength(1)
    expect(answered).toEqual([])
    expect(commits).toEqual([])

    // A job queued now is evaluated and committed while the first sync is still running.
    const second = q.run(() => writer.prepare('INSERT INTO t VALUES (?)').run(4)).then(() => answered.push(4))
    for (let i = 0; i < 5; i++) await tick()
    expect(reader.prepare('SELECT count(*) FROM t').pluck().get()).toBe(4)
    expect(h.held).toHaveLength(1)
    expect(answered).toEqual([])

    let idle = false
    const idled = q.idle().then(() => { idle = true })
    h.release()
    await Promise.all(first)
    expect(answered).toEqual([1, 2, 3])
    expect(commits).toEqual([3])
    // The second batch waits for a sync of its own, started when the first ended.
    for (let i = 0; i < 5 && h.held.length === 0; i++) await tick()
    expect(h.held).toHaveLength(1)
    expect(idle).toBe(false)
    h.release()
    await second
    await idled
    expect(answered).toEqual([1, 2, 3, 4])
    expect(commits).toEqual([3, 1])
    reader.close()
    await q.close()
  })

  it('fails the jobs a failed sync covered, and later jobs go on', async () => {
    const writer = open()
    const h = heldSync(walSync(writer))
    const q = new WriteQueue(writer, { commitSync: h.sync })
    const lost = q.run(() => writer.prepare('INSERT INTO t VALUES (1)').run())
    for (let i = 0; i < 5 && h.held.length === 0; i++) await tick()
    h.release(0, new Error('EIO: sync failed'))
    await expect(lost).rejects.toThrow('EIO: sync failed')
    const next = q.run(() => writer.prepare('INSERT INTO t VALUES (2)').run().changes)
    for (let i = 0; i < 5 && h.held.length === 0; i++) await tick()
    h.release()
    await expect(next).resolves.toBe(1)
    await q.close()
  })

  it('syncs the real WAL file and leaves the connection at synchronous=NORMAL', async () => {
    const writer = open()
    const q = new WriteQueue(writer, { commitSync: walSync(writer) })
    expect(writer.pragma('synchronous', { simple: true })).toBe(1)
    const values = await Promise.all(Array.from({ length: 20 }, (_, n) => q.run(() => writer.prepare('INSERT INTO t VALUES (?)').run(n).changes)))
    expect(values).toEqual(Array(20).fill(1))
    expect(fs.existsSync(`${writer.name}-wal`)).toBe(true)
    await q.close()
    expect(writer.prepare('SELECT count(*) FROM t').pluck().get()).toBe(20)
  })
})
