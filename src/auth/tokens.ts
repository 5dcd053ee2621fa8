import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A new access token: 256 random bits, prefixed so a leaked one is recognisable in a scan. */
export function newToken(): string {
  return `vgl_${randomBytes(32).toString('base64url')}`
}

/** A new public key id (not secret). */
export function newKeyId(): string {
  return `key_${randomBytes(6).toString('hex')}`
}

/** What is stored instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Compares the hash of a presented token with a stored hash in constant time. */
export function hashesMatch(presented: string, stored: string): boolean {
  const a = Buffer.from(presented, 'hex')
  const b = Buffer.from(stored, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}
