/**
 * Reading raw cell values, which arrive as strings from CSV and as numbers or strings from
 * GeoJSON. Blank means absent everywhere, so a missing column and an empty cell read alike.
 */

/** The trimmed text of a value, or null when blank or absent. */
export function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null
  const s = String(v).trim()
  return s === '' ? null : s
}

/**
 * A number, or null when blank; NaN when present but not a number. A decimal comma is
 * accepted when it is the only separator ("12,5"), as spreadsheets in French write it.
 */
export function numberOf(v: unknown): number | null {
  if (typeof v === 'number') return v
  const s = textOf(v)
  if (s === null) return null
  const n = Number(/^-?\d+,\d+$/.test(s) ? s.replace(',', '.') : s)
  return Number.isFinite(n) ? n : Number.NaN
}

/** A calendar date `YYYY-MM-DD` at the start of a value ("2017-05-08T00:00:00", "2017-05-08 00:00:00.000"), as epoch ms at 00:00 UTC. */
export function dayOf(v: unknown): number | null {
  const s = textOf(v)
  const m = s === null ? null : /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(s)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = Date.UTC(y, mo - 1, d)
  // Date.UTC rolls 2017-02-30 over into March; a real date survives the round trip.
  const back = new Date(t)
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : null
}

/** Cuts text to a field's limit, marking the cut. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`
}
