import { createHash, randomBytes } from 'node:crypto'

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
