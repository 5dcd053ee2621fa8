import type { Database } from 'better-sqlite3'
import type { AlertState } from '../alerts/alert.js'
import { applyPatch, diff, type Json, type Patch } from './json-patch.js'
import { packJson, unpackJson } from './packed-json.js'
import { DICTIONARY } from './json-dictionaries.js'

/**
 * How an alert change's snapshot is stored (migration 011). A change row holds either the whole
 * alert as it stood after the change (`base` null: a keyframe) or a patch against its alert's
 * latest keyframe (`base` = that keyframe's seq). Consecutive changes of an alert differ in a few
 * facts and times, so a patch is a fraction of the ~2 KB snapshot; patching against a keyframe,
 * not the previous change, keeps every read at one extra row however long the alert lives.
 */

/** A patch at least this share of the whole snapshot is not worth it: the change becomes a keyframe. */
const KEYFRAME_SHARE = 0.3

export interface EncodedChange {
  /** The snapshot or patch, packed (src/storage/packed-json.ts) as the alert column stores it. */
  alert: string | Buffer
  base: number | null
}

/** A stored snapshot or patch: JSON text, or packed. */
export type StoredSnapshot = string | Buffer

/** Encodes a snapshot against the alert's current keyframe (or none). */
export function encodeSnapshot(alert: AlertState, keyframe: { seq: number; alert: AlertState } | null): EncodedChange {
  const whole = JSON.stringify(alert)
  if (!keyframe) return { alert: packJson(whole, DICTIONARY.alertChange), base: null }
  const patch = diff(keyframe.alert as unknown as Json, alert as unknown as Json)
  // Fields added or moved since the keyframe (a raised alert is built in another key order than
  // an updated one): every later change would repeat the key list, so this one starts afresh.
  const reordered = patch !== null && !Array.isArray(patch) && '~' in patch
  const text = JSON.stringify(patch ?? {})
  const patched = !reordered && text.length < whole.length * KEYFRAME_SHARE
  return { alert: packJson(patched ? text : whole, DICTIONARY.alertChange), base: patched ? keyframe.seq : null }
}

/** Rebuilds a snapshot from its stored text and its keyframe's (already decoded) snapshot. */
export function decodeSnapshot(stored: StoredSnapshot, keyframe: AlertState | null): AlertState {
  const parsed = JSON.parse(unpackJson(stored)) as Json
  return keyframe ? applyPatch(keyframe as unknown as Json, parsed as Patch) as unknown as AlertState : parsed as unknown as AlertState
}

/** Keyframes the writer keeps decoded: about one per active alert. */
const KEYFRAMES_HELD = 4096

/**
 * The writer's side: the keyframe a new change of an alert patches against. Read from the
 * database, so a rolled-back change is never used as a base; the decoded snapshot is kept and
 * used again while the row at that seq holds the very bytes it was decoded from (a seq freed by a
 * rollback may be taken by another keyframe), which saves an unpack and a parse for every patch
 * but the first after a keyframe.
 */
export function keyframeFinder(db: Database) {
  const lastStmt = db.prepare('SELECT seq, base FROM alert_changes WHERE alert_id = ? ORDER BY seq DESC LIMIT 1')
  const textStmt = db.prepare('SELECT alert FROM alert_changes WHERE seq = ?').pluck()
  // Decoded here and handed only to encodeSnapshot, which reads it: no caller can alter one.
  const held = new Map<number, { seq: number; stored: StoredSnapshot; alert: AlertState }>()
  const same = (a: StoredSnapshot, b: StoredSnapshot) => (typeof a === 'string' || typeof b === 'string' ? a === b : a.equals(b))
  return (alertId: number): { seq: number; alert: AlertState } | null => {
    const last = lastStmt.get(alertId) as { seq: number; base: number | null } | undefined
    if (!last) return null
    const seq = last.base ?? last.seq
    const stored = textStmt.get(seq) as StoredSnapshot
    const kept = held.get(alertId)
    if (kept && kept.seq === seq && same(kept.stored, stored)) return kept
    const alert = decodeSnapshot(stored, null)
    held.delete(alertId)
    if (held.size >= KEYFRAMES_HELD) held.delete(held.keys().next().value!)
    held.set(alertId, { seq, stored, alert })
    return { seq, alert }
  }
}

/**
 * The reader's side: decodes change rows, reading each keyframe once per call (a page of the
 * feed or one alert's history touches few alerts).
 */
export function snapshotDecoder(db: Database) {
  const textStmt = db.prepare('SELECT alert FROM alert_changes WHERE seq = ?').pluck()
  return () => {
    const keyframes = new Map<number, AlertState>()
    return (row: { seq: number; alert: StoredSnapshot; base: number | null }): AlertState => {
      if (row.base === null) {
        const whole = decodeSnapshot(row.alert, null)
        keyframes.set(row.seq, whole)
        // A keyframe is also handed out as a change: a copy keeps the cached one intact.
        return structuredClone(whole)
      }
      let kf = keyframes.get(row.base)
      if (!kf) {
        kf = decodeSnapshot(textStmt.get(row.base) as StoredSnapshot, null)
        keyframes.set(row.base, kf)
      }
      return decodeSnapshot(row.alert, kf)
    }
  }
}

/**
 * Migration 011's data step: rewrites every stored change of every alert as the live writer now
 * stores it (keyframes and patches). Runs inside the migration's transaction.
 */
export function compactAlertChanges(db: Database): { changes: number; patched: number } {
  const alertIds = db.prepare('SELECT DISTINCT alert_id FROM alert_changes WHERE base IS NULL').pluck().all() as number[]
  const rowsOf = db.prepare('SELECT seq, alert FROM alert_changes WHERE alert_id = ? AND base IS NULL ORDER BY seq')
  const write = db.prepare('UPDATE alert_changes SET alert = ?, base = ? WHERE seq = ?')
  let changes = 0
  let patched = 0
  for (const id of alertIds) {
    let keyframe: { seq: number; alert: AlertState } | null = null
    for (const row of rowsOf.all(id) as { seq: number; alert: StoredSnapshot }[]) {
      const snapshot = decodeSnapshot(row.alert, null)
      const enc = encodeSnapshot(snapshot, keyframe)
      changes++
      if (enc.base === null) {
        keyframe = { seq: row.seq, alert: snapshot }
      } else {
        patched++
        write.run(enc.alert, enc.base, row.seq)
      }
    }
  }
  return { changes, patched }
}
