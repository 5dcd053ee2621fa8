import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CommitSignal } from '../../src/commit-signal.js'
import { FeedHead } from '../../src/storage/feed-head.js'
import { CommitCached } from '../../src/storage/commit-cached.js'
import { openStore, type Store } from '../../src/storage/store.js'
import { tempDir } from '../helpers/test-app.js'

let stores: Store[] = []
afterEach(() => { for (const s of stores) s.close(); stores = [] })

/** Two connections' worth of writers on one file (this process's and another's), and a feed head over it. */
function twoWriters(now?: () => number) {
  const file = path.join(tempDir('vigil-head-'), 'v.db')
  const mine = openStore(file)
  const other = openStore(file)
  stores.push(mine, other)
  mine.writer.exec('CREATE TABLE feed (seq INTEGER PRIMARY KEY)')
  const signal = new CommitSignal()
  let reads = 0
  const head = new FeedHead(
    () => { reads++; return (mine.reader.prepare('SELECT max(seq) FROM feed').pluck().get() as number | null) ?? 0 },
    signal,
    () => mine.reader.pragma('data_version', { simple: true }) as number,
    now,
  )
  return { mine, other, signal, head, reads: () => reads }
}

describe('FeedHead', () => {
  it("reads the head again after each of this process's commits, and only then", () => {
    const signal = new CommitSignal()
    let last = 7
    let reads = 0
    let t = 0
    const head = new FeedHead(() => { reads++; return last }, signal, () => 1, () => t)
    expect(head.current()).toBe(7)
    expect(head.caughtUp(7)).toBe(true)
    expect(head.caughtUp(6)).toBe(false)
    t = 1_000
    expect(head.current()).toBe(7)
    expect(reads).toBe(1)
    last = 9
    signal.notify()
    expect(head.caughtUp(7)).toBe(false)
    expect(head.current()).toBe(9)
    expect(reads).toBe(2)
  })

  it('is already stale for a listener woken by the commit, whatever the order of subscription', () => {
    const signal = new CommitSignal()
    let last = 1
    const head = new FeedHead(() => last, signal, () => 1)
    const seen: number[] = []
    signal.subscribe(() => seen.push(head.current()))
    expect(head.current()).toBe(1)
    last = 2
    signal.notify()
    expect(seen).toEqual([2])
  })

  it("sees another process's commit within 100 ms, through the reader's data_version", () => {
    let t = 0
    const { mine, other, signal, head } = twoWriters(() => t)
    expect(head.current()).toBe(0)
    mine.writer.prepare('INSERT INTO feed VALUES (1)').run()
    signal.notify()
    expect(head.current()).toBe(1)
    other.writer.prepare('INSERT INTO feed VALUES (2)').run()
    t = 50
    expect(head.current()).toBe(1)
    t = 100
    expect(head.current()).toBe(2)
  })

  it("wakes waiters when another process's commit moves the head, only while someone waits", async () => {
    const { other, signal, head, reads } = twoWriters()
    const stop = head.watch((err) => { throw err }, 10)
    const tick = () => new Promise((resolve) => setTimeout(resolve, 40))
    try {
      // Nobody waits: the watcher does not even read the head.
      const readsBefore = reads()
      other.writer.prepare('INSERT INTO feed VALUES (1)').run()
      await tick()
      expect(reads()).toBe(readsBefore)
      // A stream listens: the next commit elsewhere wakes it, once.
      let woken = 0
      const unsubscribe = signal.subscribe(() => { woken++ })
      await tick()
      const before = woken
      other.writer.prepare('INSERT INTO feed VALUES (2)').run()
      await tick()
      expect(woken).toBe(before + 1)
      expect(head.current()).toBe(2)
      // Another process's change is not counted as one of this process's commits.
      expect(signal.commits).toBe(0)
      // A commit that adds no alert change (the head stays) wakes no one either.
      other.writer.exec('CREATE TABLE unrelated (x)')
      await tick()
      expect(woken).toBe(before + 1)
      unsubscribe()
      // A long poll waiting on next() is answered by it.
      const waiting = signal.next(5_000)
      other.writer.prepare('INSERT INTO feed VALUES (3)').run()
      expect(await waiting).toBe(true)
    } finally {
      stop()
    }
  })

  it('reports a failed read to its caller and keeps watching', async () => {
    const signal = new CommitSignal()
    let fail = false
    let last = 1
    const head = new FeedHead(() => { if (fail) throw new Error('disk I/O error'); return last }, signal, () => last)
    const errors: unknown[] = []
    const stop = head.watch((err) => errors.push(err), 10)
    const unsubscribe = signal.subscribe(() => undefined)
    try {
      fail = true
      last = 2
      await new Promise((resolve) => setTimeout(resolve, 40))
      expect(errors.length).toBeGreaterThan(0)
      fail = false
      const waiting = signal.next(5_000)
      expect(await waiting).toBe(true)
      expect(head.current()).toBe(2)
    } finally {
      unsubscribe()
      stop()
    }
  })
})

describe('CommitCached', () => {
  it('reads again after a read that failed, instead of keeping the old value as fresh', () => {
    const signal = new CommitSignal()
    let version = 1
    let value = 'a'
    let fail = false
    let t = 0
    const cached = new CommitCached(() => { if (fail) throw new Error('busy'); return value }, signal, () => version, () => t)
    expect(cached.current()).toBe('a')
    value = 'b'
    version = 2
    fail = true
    t = 100
    expect(() => cached.current()).toThrow('busy')
    fail = false
    // Within the same 100 ms: still stale, so it reads now.
    expect(cached.current()).toBe('b')
  })
})
