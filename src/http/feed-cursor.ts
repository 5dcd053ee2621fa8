import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto'

/**
 * Feed positions as a mission-scoped client sees them. The feed's sequence is global: handing a
 * scoped key its numbers (as cursors, change seq, event ids) would let it count every other
 * mission's alert changes. A scoped client gets sealed tokens instead (AES-256-GCM under a key
 * made with the database, a fresh nonce each time, so two tokens for the same place differ),
 * holding two numbers: the last change the client was shown (`visible`) and how far the
 * feed was read for it (`scanned`, so a caught-up poll need not read others' changes again).
 * Exactly-once is the numeric cursor's: reading resumes after `scanned`.
 */
export interface FeedPosition {
  visible: number
  scanned: number
}

const PREFIX = 'c_'
export const TOKEN_PATTERN = /^c_[A-Za-z0-9_-]{40,80}$/

/** Nonces drawn from the system's random source 1,024 at a time, each used once. */
const NONCE_BYTES = 12
const NONCES_PER_FILL = 1024
/** ETags kept, oldest dropped first: one per (key, position) polled lately. */
const ETAGS_KEPT = 1024

export class FeedCursors {
  // One randomBytes(12) call per seal cost a caught-up scoped poll 6 to 13 µs (a getrandom per
  // call on these machines), more than the rest of the seal; a pool keeps every nonce random.
  private readonly nonces = Buffer.alloc(NONCE_BYTES * NONCES_PER_FILL)
  private next = this.nonces.length
  private readonly etags = new Map<string, string>()

  constructor(private readonly key: Buffer) {}

  private nonce(): Buffer {
    if (this.next >= this.nonces.length) {
      randomFillSync(this.nonces)
      this.next = 0
    }
    // A copy: the pool is refilled in place.
    return Buffer.from(this.nonces.subarray(this.next, this.next += NONCE_BYTES))
  }

  seal(p: FeedPosition): string {
    const iv = this.nonce()
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const plain = Buffer.alloc(16)
    plain.writeBigUInt64BE(BigInt(p.visible), 0)
    plain.writeBigUInt64BE(BigInt(p.scanned), 8)
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()])
    return PREFIX + sealed.toString('base64url')
  }

  /** The position in a token this service sealed, or null for anything else. */
  open(token: string): FeedPosition | null {
    if (!TOKEN_PATTERN.test(token)) return null
    const raw = Buffer.from(token.slice(PREFIX.length), 'base64url')
    if (raw.length !== 44) return null
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(28))
      const plain = Buffer.concat([decipher.update(raw.subarray(12, 28)), decipher.final()])
      const visible = Number(plain.readBigUInt64BE(0))
      const scanned = Number(plain.readBigUInt64BE(8))
      return visible <= scanned ? { visible, scanned } : null
    } catch {
      return null
    }
  }

  /** A weak ETag that changes exactly when what the client was shown changes, and says nothing else. */
  etag(who: string, visible: number): string {
    // Deterministic, and a desk polls the same place many times between changes: the latest
    // few are kept rather than computed again (an HMAC per caught-up poll).
    const at = `${who}\n${visible}`
    let tag = this.etags.get(at)
    if (tag === undefined) {
      tag = `W/"v${createHmac('sha256', this.key).update(at).digest('base64url').slice(0, 22)}"`
      if (this.etags.size >= ETAGS_KEPT) this.etags.delete(this.etags.keys().next().value!)
      this.etags.set(at, tag)
    }
    return tag
  }
}
