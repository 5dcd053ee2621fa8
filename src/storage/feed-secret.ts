import type { Db } from './db.js'

/** The key that seals mission-scoped clients' feed cursors (made at random by migration 008). */
export function readFeedSecret(db: Db): Buffer {
  return db.prepare("SELECT value FROM service_secrets WHERE name = 'feed-cursor'").pluck().get() as Buffer
}
