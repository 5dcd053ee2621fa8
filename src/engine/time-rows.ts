import type { SeriesRow } from './window-types.js'

const before = (a: SeriesRow, b: SeriesRow) => a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.inputId < b.inputId)

/**
 * Indicator inputs in time order, with running totals kept on demand: a total over a time range
 * is then two look-ups instead of a pass over every row in it (a trend baseline spans four
 * windows, tens of thousands of rows for a strategic indicator). A change at position k only
 * cuts the totals back to k; they are extended again when next read.
 */
export class TimeRows {
  readonly rows: SeriesRow[] = []
  /** Running totals by name: totals[i] is the total over rows[0..i-1]. */
  private readonly totals = new Map<string, { value: (r: SeriesRow) => number; sums: number[] }>()
  /** Keys counted over a range of rows that slides forward as the anchor does, by name. */
  private readonly tallies = new Map<string, Tally>()
  /** Per distinct field: how many rows (any flags) hold each value, so a count can stop early. */
  private readonly values = new Map<string, { key: (r: SeriesRow) => string | null; rows: Map<string, number> }>()

  /** The index of the first row with occurredAt > t. */
  firstAfter(t: number): number {
    const rows = this.rows
    let lo = 0
    let hi = rows.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (rows[mid]!.occurredAt <= t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  insert(row: SeriesRow) {
    const rows = this.rows
    this.countValues(row, 1)
    // Reports mostly arrive in time order: appending is the common case.
    if (rows.length === 0 || before(rows[rows.length - 1]!, row)) {
      rows.push(row)
      return
    }
    let lo = 0
    let hi = rows.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (before(rows[mid]!, row)) lo = mid + 1
      else hi = mid
    }
    rows.splice(lo, 0, row)
    this.cutTotals(lo)
    for (const t of this.tallies.values()) {
      if (lo < t.lo) { t.lo++; t.hi++ } else if (lo < t.hi) { t.hi++; tallyAdd(t, row) }
    }
  }

  /** Counts the row's values (an insert); `by` -1 uncounts them (a delete). */
  private countValues(row: SeriesRow, by: 1 | -1) {
    for (const v of this.values.values()) {
      const k = v.key(row)
      if (k === null) continue
      const n = (v.rows.get(k) ?? 0) + by
      if (n === 0) v.rows.delete(k)
      else v.rows.set(k, n)
    }
  }

  /** Removes the row (the same object); false when it is not here. */
  delete(row: SeriesRow): boolean {
    const at = this.indexOf(row)
    if (at < 0) return false
    this.rows.splice(at, 1)
    this.countValues(row, -1)
    this.cutTotals(at)
    // A tally follows the row out instead of being counted again: a replaced input (an alert's,
    // updated with the alert) sits near the end, inside every tally's range.
    for (const t of this.tallies.values()) {
      if (at < t.lo) { t.lo--; t.hi-- } else if (at < t.hi) { t.hi--; this.tallyRemove(t, row) }
    }
    return true
  }

  /** Uncounts a row that left a tally's range; a key's latest time and row are found again when it was theirs. */
  private tallyRemove(t: Tally, row: SeriesRow) {
    if (!t.accept(row)) return
    const k = t.key(row)
    if (k === null) return
    const e = t.counts.get(k)!
    if (--e.n === 0) {
      t.counts.delete(k)
      return
    }
    if (e.row !== row && e.last !== row.occurredAt) return
    // Rows are in time order: the first of the key read from the end is its latest.
    for (let i = t.hi - 1; i >= t.lo; i--) {
      const r = this.rows[i]!
      if (t.accept(r) && t.key(r) === k) {
        e.last = r.occurredAt
        e.row = r
        return
      }
    }
  }

  /** The row's flags changed (it stopped counting): totals from it on are stale. */
  touched(row: SeriesRow) {
    const at = this.indexOf(row)
    if (at >= 0) this.changedAt(at)
  }

  /** Drops the rows at or before t. */
  dropThrough(t: number) {
    const n = this.firstAfter(t)
    if (n === 0) return
    this.rows.splice(0, n)
    this.totals.clear()
    this.values.clear()
    this.tallies.clear()
  }

  /**
   * The rows[from..to-1] that `accept` takes, counted by `key` (null keys left out), with the
   * latest occurredAt and a row of each key. Kept between reads: as the window slides forward,
   * only the rows that entered and left it are read, not the whole window (a mission-wide
   * indicator's 90 days are tens of thousands of rows). `name` identifies key and accept.
   * The map is the tally's own: read it before the next call.
   */
  tally(name: string, key: (r: SeriesRow) => string | null, accept: (r: SeriesRow) => boolean, from: number, to: number): ReadonlyMap<string, TallyEntry> {
    let t = this.tallies.get(name)
    if (!t || from < t.lo || to < t.hi || from >= t.hi) {
      t = { key, accept, lo: from, hi: from, counts: new Map() }
      this.tallies.set(name, t)
    }
    const rows = this.rows
    for (let i = t.hi; i < to; i++) tallyAdd(t, rows[i]!)
    t.hi = to
    for (let i = t.lo; i < from; i++) {
      const r = rows[i]!
      if (!t.accept(r)) continue
      const k = t.key(r)
      if (k === null) continue
      const e = t.counts.get(k)!
      // Rows leave oldest first, so the latest of a key leaves only with the key's last row.
      if (--e.n === 0) t.counts.delete(k)
    }
    t.lo = from
    return t.counts
  }

  /** The total of `value` over rows[from..to-1]; `name` identifies `value` (same name, same function). */
  total(name: string, value: (r: SeriesRow) => number, from: number, to: number): number {
    let t = this.totals.get(name)
    if (!t) this.totals.set(name, t = { value, sums: [0] })
    const sums = t.sums
    for (let i = sums.length - 1; i < to; i++) sums.push(sums[i]! + t.value(this.rows[i]!))
    return sums[to]! - sums[from]!
  }

  /**
   * How many distinct keys the rows[from..to-1] that `accept` takes hold (null keys left out).
   * Read from the newest back, it stops once it has seen every key any row here holds: with a
   * few dozen sources, a 90-day window is a few hundred rows read, not thousands.
   */
  distinct(name: string, key: (r: SeriesRow) => string | null, accept: (r: SeriesRow) => boolean, from: number, to: number): number {
    let v = this.values.get(name)
    if (!v) {
      this.values.set(name, v = { key, rows: new Map() })
      for (const r of this.rows) {
        const k = key(r)
        if (k !== null) v.rows.set(k, (v.rows.get(k) ?? 0) + 1)
      }
    }
    const seen = new Set<string>()
    const all = v.rows.size
    for (let i = to - 1; i >= from && seen.size < all; i--) {
      const r = this.rows[i]!
      if (!accept(r)) continue
      const k = key(r)
      if (k !== null) seen.add(k)
    }
    return seen.size
  }

  private indexOf(row: SeriesRow): number {
    return this.rows.indexOf(row, this.firstAfter(row.occurredAt - 1))
  }

  /** Running totals from position k on are stale (a row went in or out there). */
  private cutTotals(k: number) {
    for (const t of this.totals.values()) if (t.sums.length > k + 1) t.sums.length = k + 1
  }

  private changedAt(k: number) {
    this.cutTotals(k)
    // A change inside (or before) a tally's range moves its rows: it is counted again when next read.
    for (const [name, t] of this.tallies) if (k < t.hi) this.tallies.delete(name)
  }
}

/** One key of a tally: how many rows, the latest occurredAt, and one row of the key (keys say all a reader needs of it). */
export interface TallyEntry {
  n: number
  last: number
  row: SeriesRow
}

/** Counts a row into a tally (a row entering its range). */
function tallyAdd(t: Tally, r: SeriesRow) {
  if (!t.accept(r)) return
  const k = t.key(r)
  if (k === null) return
  const e = t.counts.get(k)
  if (e) {
    e.n++
    if (r.occurredAt > e.last) e.last = r.occurredAt
  } else t.counts.set(k, { n: 1, last: r.occurredAt, row: r })
}

interface Tally {
  key: (r: SeriesRow) => string | null
  accept: (r: SeriesRow) => boolean
  lo: number
  hi: number
  counts: Map<string, TallyEntry>
}
