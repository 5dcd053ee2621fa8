import { describe, expect, it } from 'vitest'
import { CommitSignal } from '../../src/commit-signal.js'
import { FeedHead } from '../../src/storage/feed-head.js'

describe('FeedHead', () => {
  it('reads the head once per commit, and again after every commit the signal announces', () => {
    const signal = new CommitSignal()
    let last = 7
    let reads = 0
    const head = new FeedHead(() => { reads++; return last }, signal)
    expect(head.current()).toBe(7)
    expect(head.caughtUp(7)).toBe(true)
    expect(head.caughtUp(6)).toBe(false)
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
    const head = new FeedHead(() => last, signal)
    const seen: number[] = []
    signal.subscribe(() => seen.push(head.current()))
    expect(head.current()).toBe(1)
    last = 2
    signal.notify()
    expect(seen).toEqual([2])
  })
})
