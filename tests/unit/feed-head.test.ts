import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CommitSignal } from '../../src/commit-signal.js'
import { FeedHead } from '../../src/storage/feed-head.js'
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
  const head = new FeedHead(
    () => (mine.reader.prepare('SELECT max(seq) FROM feed').pluck().get() as number | null) ?? 0,
    signal,
    () => mine.reader.pragma('data_version', { simple: true }) as number,
    now,
  )
  return { mine, other, signal, head }
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
    const { other, signal, head } = twoWriters()
    const stop = head.watch(10)
    const tick = () => new Promise((resolve) => setTimeout(resolve, 40))
    try {
      // Nobody waits: the other writer's commit wakes no one.
      other.writer.prepare('INSERT INTO feed VALUES (1)').run()
      await tick()
      expect(signal.commits).toBe(0)
      // A stream listens: the next commit elsewhere wakes it, once.
      let woken = 0
      const unsubscribe = signal.subscribe(() => { woken++ })
      await tick()
      const before = woken
      other.writer.prepare('INSERT INTO feed VALUES (2)').run()
      await tick()
      expect(woken).toBe(before + 1)
      expect(head.current()).toBe(2)
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
})
