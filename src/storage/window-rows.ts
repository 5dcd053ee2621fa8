import type { Db } from './db.js'
import type { SeriesLoader } from '../engine/window-state.js'
import type { SeriesRow } from '../engine/window-types.js'

/** A stored input as the page's JSON holds it: the columns below, in their order. */
type PackedRow = [
  inputId: string, category: string, topCategory: string, occurredAt: number, lat: number | null, lon: number | null,
  admin1: string | null, admin2: string | null, admin1Pcode: string | null, admin2Pcode: string | null, route: string | null, site: string | null,
  source: string, reliability: string, credibility: number, assessed: number, active: number,
  unKilled: number, unInjured: number, unAbducted: number, civiliansKilled: number, vals: Record<string, unknown> | null,
]

/**
 * Reads an (indicator, mission) series of the input index for the window state, as SQLite
 * builds it: one JSON array of the series' rows (each an array of its columns, `vals` inlined),
 * parsed once. Handing each row over as an object of 23 columns cost about 16 µs a row, most of
 * a 1M history's start-up (230k rows); one parse of the whole series costs about a tenth.
 * Numbers survive the trip exactly (SQLite writes a REAL's shortest round-trip form).
 */
export function createSeriesLoader(db: Db): SeriesLoader {
  // No ORDER BY: the window index hands the rows over in (occurred_at, input_id) order, and
  // sorting them again inside the aggregate doubled its cost; the order is checked below.
  const series = db.prepare(`SELECT json_group_array(json_array(input_id, category, top_category, occurred_at, lat, lon,
      admin1, admin2, admin1_pcode, admin2_pcode, route, site, source, reliability, credibility, assessed, active,
      un_killed, un_injured, un_abducted, civilians_killed, json(vals)))
    FROM indicator_inputs INDEXED BY indicator_inputs_window WHERE indicator_id = ? AND mission = ? AND occurred_at > ?`).pluck()
  return (indicatorId, mission, from) => {
    const rows = JSON.parse(series.get(indicatorId, mission, from) as string) as PackedRow[]
    if (!inOrder(rows)) rows.sort(byTimeThenId)
    return rows.map((r): SeriesRow => ({
      indicatorId, inputId: r[0], mission, category: r[1], topCategory: r[2],
      occurredAt: r[3], lat: r[4], lon: r[5], admin1: r[6], admin2: r[7],
      admin1Pcode: r[8], admin2Pcode: r[9], route: r[10], site: r[11],
      source: r[12], reliability: r[13], credibility: r[14], assessed: r[15] === 1,
      unKilled: r[17], unInjured: r[18], unAbducted: r[19], civiliansKilled: r[20],
      vals: r[21], active: r[16] === 1,
    }))
  }
}

/** SQLite's order of TEXT (BINARY: UTF-8 bytes) is JavaScript's code point order, not its UTF-16 `<`. */
function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

function byTimeThenId(a: PackedRow, b: PackedRow): number {
  return a[3] - b[3] || compareText(a[0], b[0])
}

function inOrder(rows: readonly PackedRow[]): boolean {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!
    const b = rows[i]!
    if (a[3] > b[3] || (a[3] === b[3] && a[0] !== b[0] && compareText(a[0], b[0]) > 0)) return false
  }
  return true
}
