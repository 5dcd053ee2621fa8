import type { SeriesRow } from './input-series.js'

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
    this.changedAt(lo)
  }

  /** Removes the row (the same object); false when it is not here. */
  delete(row: SeriesRow): boolean {
    const at = this.indexOf(row)
    if (at < 0) return false
    this.rows.splice(at, 1)
    this.changedAt(at)
    return true
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
  }

  /** The total of `value` over rows[from..to-1]; `name` identifies `value` (same name, same function). */
  total(name: string, value: (r: SeriesRow) => number, from: number, to: number): number {
    let t = this.totals.get(name)
    if (!t) this.totals.set(name, t = { value, sums: [0] })
    const sums = t.sums
    for (let i = sums.length - 1; i < to; i++) sums.push(sums[i]! + t.value(this.rows[i]!))
    return sums[to]! - sums[from]!
  }

  private indexOf(row: SeriesRow): number {
    return this.rows.indexOf(row, this.firstAfter(row.occurredAt - 1))
  }

  private changedAt(k: number) {
    for (const t of this.totals.values()) if (t.sums.length > k + 1) t.sums.length = k + 1
  }
}
