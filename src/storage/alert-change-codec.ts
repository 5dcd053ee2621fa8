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
  /** A keyframe's JSON text (base null): what the next change of the alert patches against. */
  whole?: string
}

/** A stored snapshot or patch: JSON text, or packed. */
export type StoredSnapshot = string | Buffer

/** The keyframe a change is encoded against: its seq, its snapshot, and its JSON length when known. */
export interface Keyframe {
  seq: number
  alert: AlertState
  length?: number
}

/** Encodes a snapshot against the alert's current keyframe (or none). */
export function encodeSnapshot(alert: AlertState, keyframe: Keyframe | null): EncodedChange {
  if (!keyframe) return asKeyframe(JSON.stringify(alert))
  const patch = diff(keyframe.alert as unknown as Json, alert as unknown as Json)
  // Fields added or moved since the keyframe (a raised alert is built in another key order than
  // an updated one): every later change would repeat the key list, so this one starts afresh.
  const reordered = patch !== null && !Array.isArray(patch) && '~' in patch
  const text = JSON.stringify(patch ?? {})
  if (reordered) return asKeyframe(JSON.stringify(alert))
  // The share is taken of the keyframe's length when known (the snapshot's differs by a few
  // characters): the whole snapshot is then serialised only for a change that becomes a keyframe.
  if (keyframe.length !== undefined && text.length < keyframe.length * KEYFRAME_SHARE) return asPatch(text, keyframe.seq)
  const whole = JSON.stringify(alert)
  return text.length < whole.length * KEYFRAME_SHARE ? asPatch(text, keyframe.seq) : asKeyframe(whole)
}

const asKeyframe = (whole: string): EncodedChange => ({ alert: packJson(whole, DICTIONARY.alertChange), base: null, whole })
const asPatch = (text: string, base: number): EncodedChange => ({ alert: packJson(text, DICTIONARY.alertChange), base })

/** Rebuilds a snapshot from its stored text and its keyframe's (already decoded) snapshot. */
export function decodeSnapshot(stored: StoredSnapshot, keyframe: AlertState | null): AlertState {
  const parsed = JSON.parse(unpackJson(stored)) as Json
  return keyframe ? applyPatch(keyframe as unknown as Json, parsed as Patch) as unknown as AlertState : parsed as unknown as AlertState
}

/** Keyframes the writer keeps: about one per active alert. */
const KEYFRAMES_HELD = 4096

/**
 * The writer's side: the keyframe a new change of an alert patches against. The writer keeps
 * each alert's latest keyframe as the JSON text it wrote (parsed on the next change of the
 * alert, so no caller's object is shared with it), and reads one from the database only for an
 * alert it has not written since it started. What it keeps is valid while the log ends at the
 * last change it wrote itself: a rolled-back change, or a change another writer appended, moves
 * that end, and then everything kept is dropped (`lastSeq` is read before every change).
 */
export function keyframeWriter(db: Database) {
  const lastStmt = db.prepare('SELECT seq, base FROM alert_changes WHERE alert_id = ? ORDER BY seq DESC LIMIT 1')
  const textStmt = db.prepare('SELECT alert FROM alert_changes WHERE seq = ?').pluck()
  const held = new Map<number, { seq: number; whole: string | null; alert: AlertState | null }>()
  /** The seq of the last change this writer wrote; -1: none yet. */
  let lastWritten = -1

  function hold(alertId: number, kf: { seq: number; whole: string | null; alert: AlertState | null }) {
    held.delete(alertId)
    if (held.size >= KEYFRAMES_HELD) held.delete(held.keys().next().value!)
    held.set(alertId, kf)
  }

  return {
    /** The alert's current keyframe, given the seq the log ends at now. */
    find(alertId: number, lastSeq: number): Keyframe | null {
      if (lastSeq !== lastWritten) held.clear()
      const kept = held.get(alertId)
      if (kept) {
        kept.alert ??= JSON.parse(kept.whole!) as AlertState
        return kept.whole === null ? { seq: kept.seq, alert: kept.alert } : { seq: kept.seq, alert: kept.alert, length: kept.whole.length }
      }
      const last = lastStmt.get(alertId) as { seq: number; base: number | null } | undefined
      if (!last) return null
      const seq = last.base ?? last.seq
      const alert = decodeSnapshot(textStmt.get(seq) as StoredSnapshot, null)
      hold(alertId, { seq, whole: null, alert })
      return { seq, alert }
    },

    /** A change of the alert was written at `seq`: a keyframe replaces the one kept. */
    written(alertId: number, seq: number, encoded: EncodedChange) {
      lastWritten = seq
      if (encoded.whole !== undefined) hold(alertId, { seq, whole: encoded.whole, alert: null })
    },
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
