import { TimeRows } from './time-rows.js'
import type { SeriesRow } from './window-types.js'

export type { SeriesRow }

/** Row properties by field name; any other field is a path stored in `vals`. */
const PROPS: Record<string, keyof SeriesRow> = {
  admin1: 'admin1', admin2: 'admin2', route: 'route', site: 'site', category: 'category',
  topCategory: 'topCategory', source: 'source', report: 'inputId',
  unKilled: 'unKilled', unInjured: 'unInjured', unAbducted: 'unAbducted', civiliansKilled: 'civiliansKilled',
}

/** How a `vals` key is spelled in storage: the characters the stored JSON path keeps. */
const valsKey = (path: string) => path.replace(/[^A-Za-z0-9_.]/g, '')

/** Reads a measure or group field of a row, null when it has none. */
export function fieldReader(field: string): (r: SeriesRow) => unknown {
  const prop = Object.hasOwn(PROPS, field) ? PROPS[field]! : null
  if (prop) return (r) => r[prop] ?? null
  const key = valsKey(field)
  return (r) => (r.vals && Object.hasOwn(r.vals, key) ? r.vals[key] ?? null : null)
}

/** The rows of one group (equal values of some fields), kept beside the whole series. */
interface Partition {
  readers: ((r: SeriesRow) => unknown)[]
  groups: Map<string, TimeRows>
}

/** The group key of a row for a partition's fields; null when one is missing (it is in no group). */
function groupKey(p: Partition, r: SeriesRow): string | null {
  let key = ''
  for (const read of p.readers) {
    const v = read(r)
    if (typeof v !== 'string') return null
    key += `${v}\u0000`
  }
  return key
}

/**
 * One indicator's inputs in one mission, complete for every time after `from`: what its
 * windowed aggregates read, in memory so an evaluation scans only its own group's rows instead
 * of re-reading the mission's look-back from SQLite (tens of thousands of rows for a strategic
 * indicator). Groups (by admin1, site, report...) are partitioned lazily, the first time a
 * scope asks for them. The database stays the record; this is a write-through copy.
 */
export class InputSeries {
  readonly all = new TimeRows()
  private readonly byInput = new Map<string, SeriesRow>()
  private readonly partitions = new Map<string, Partition>()

  /** `rows` sorted by (occurredAt, inputId), every one after `from`. */
  constructor(public from: number, rows: SeriesRow[]) {
    for (const r of rows) {
      this.byInput.set(r.inputId, r)
      this.all.rows.push(r)
    }
  }

  get(inputId: string): SeriesRow | undefined {
    return this.byInput.get(inputId)
  }

  /** The rows whose fields equal `eq` (all rows for none). */
  group(eq: Record<string, string>): TimeRows | undefined {
    const fields = Object.keys(eq).sort()
    if (fields.length === 0) return this.all
    const p = this.partition(fields)
    return p.groups.get(fields.map((f) => `${eq[f]}\u0000`).join(''))
  }

  /** Inserts or replaces the input (INSERT OR REPLACE); a row at or before `from` is not held. */
  put(row: SeriesRow) {
    this.remove(row.inputId)
    if (row.occurredAt <= this.from) return
    this.byInput.set(row.inputId, row)
    this.all.insert(row)
    for (const p of this.partitions.values()) {
      const key = groupKey(p, row)
      if (key === null) continue
      let g = p.groups.get(key)
      if (!g) p.groups.set(key, g = new TimeRows())
      g.insert(row)
    }
  }

  remove(inputId: string) {
    const row = this.byInput.get(inputId)
    if (!row) return
    this.byInput.delete(inputId)
    this.all.delete(row)
    for (const p of this.partitions.values()) {
      const key = groupKey(p, row)
      const g = key === null ? undefined : p.groups.get(key)
      if (g && g.delete(row) && g.rows.length === 0) p.groups.delete(key!)
    }
  }

  /** The input stops counting (its alert expired or was resolved) but stays in the history. */
  deactivate(inputId: string): boolean {
    const row = this.byInput.get(inputId)
    if (!row) return false
    row.active = false
    this.all.touched(row)
    for (const p of this.partitions.values()) {
      const key = groupKey(p, row)
      if (key !== null) p.groups.get(key)?.touched(row)
    }
    return true
  }

  /** Drops the rows at or before `t`: the look-backs have moved past them. */
  trim(t: number) {
    if (t <= this.from) return
    const n = this.all.firstAfter(t)
    for (let i = 0; i < n; i++) this.byInput.delete(this.all.rows[i]!.inputId)
    this.all.dropThrough(t)
    for (const p of this.partitions.values()) {
      for (const [key, g] of p.groups) {
        g.dropThrough(t)
        if (g.rows.length === 0) p.groups.delete(key)
      }
    }
    this.from = t
  }

  private partition(fields: string[]): Partition {
    const name = fields.join('\u0000')
    let p = this.partitions.get(name)
    if (p) return p
    p = { readers: fields.map(fieldReader), groups: new Map() }
    for (const r of this.all.rows) {
      const key = groupKey(p, r)
      if (key === null) continue
      let g = p.groups.get(key)
      if (!g) p.groups.set(key, g = new TimeRows())
      // In time order already: every insert is an append.
      g.insert(r)
    }
    this.partitions.set(name, p)
    return p
  }
}
