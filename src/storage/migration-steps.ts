import type { Database } from 'better-sqlite3'
import { compactAlertChanges } from './alert-change-codec.js'

/**
 * Migrations whose data rewrite SQL cannot express, by version: run after the migration's SQL,
 * in the same transaction, so a failure leaves the database at the previous version.
 */
export const MIGRATION_STEPS: Readonly<Record<number, (db: Database) => void>> = {
  11: (db) => { compactAlertChanges(db) },
}
