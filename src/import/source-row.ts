/** One row of an external file: where it is (for rejections) and its raw values by field name. */
export interface SourceRow {
  /** "line 12" of a CSV file, "feature 3" of a GeoJSON collection. */
  ref: string
  values: Record<string, unknown>
}

/**
 * Why a row cannot become a report. `reason` is stable across rows (rejections are grouped by
 * it); `detail` holds this row's offending value.
 */
export interface RowProblem {
  reason: string
  detail?: string
}

/** What a row became before validation: a report input for the normal intake, or its problems. */
export type Conversion =
  | { ok: true; input: Record<string, unknown> }
  | { ok: false; id: string | null; problems: RowProblem[] }

/** Turns one source row into a report input. */
export type RowConverter = (row: SourceRow) => Conversion
