import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { FeedCursors } from '../../src/http/feed-cursor.js'

describe('sealed feed cursors', () => {
  const cursors = new FeedCursors(randomBytes(32))

  it('seals one place differently every time, across refills of the nonce pool, and opens each to that place', () => {
    const tokens = Array.from({ length: 2_500 }, () => cursors.seal({ visible: 7, scanned: 42 }))
    expect(new Set(tokens).size).toBe(2_500)
    // Nonces are the first 12 bytes: none repeats under one key.
    const nonces = tokens.map((t) => Buffer.from(t.slice(2), 'base64url').subarray(0, 12).toString('hex'))
    expect(new Set(nonces).size).toBe(2_500)
    for (const t of [tokens[0]!, tokens[1_023]!, tokens[1_024]!, tokens[2_499]!]) expect(cursors.open(t)).toEqual({ visible: 7, scanned: 42 })
  })

  it('refuses a token sealed under another key, or altered', () => {
    const token = cursors.seal({ visible: 1, scanned: 2 })
    expect(new FeedCursors(randomBytes(32)).open(token)).toBeNull()
    // A character inside the ciphertext (the last one carries unused bits).
    const other = token[30] === 'A' ? 'B' : 'A'
    expect(cursors.open(token.slice(0, 30) + other + token.slice(31))).toBeNull()
  })

  it('gives the same ETag for the same key and place, whether kept or computed again, and another for any other', () => {
    const first = cursors.etag('key_a', 10)
    expect(cursors.etag('key_a', 10)).toBe(first)
    expect(cursors.etag('key_b', 10)).not.toBe(first)
    expect(cursors.etag('key_a', 11)).not.toBe(first)
    // Past the ones kept, the first is computed again: the same tag.
    for (let v = 100; v < 2_200; v++) cursors.etag('key_a', v)
    expect(cursors.etag('key_a', 10)).toBe(first)
    expect(new FeedCursors(randomBytes(32)).etag('key_a', 10)).not.toBe(first)
  })
})
