import fs from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { openDb } from '../storage/db.js'
import { createReportsRepo } from '../storage/reports-repo.js'
import type { Report } from '../reports/report.js'
import type { Placer } from '../reports/report-place.js'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import { rowConverter, type ImportFormat } from '../import/import-format.js'
import { estimateRows, readSourceRows } from '../import/source-rows.js'
import { RejectionTally, type RejectionGroup } from '../import/rejections.js'
import type { Conversion, RowConverter, SourceRow } from '../import/source-row.js'
import { HISTORIC_NOW, validateInput } from '../import/validate-input.js'
import type { Progress } from '../import/progress.js'
import { BacktestError } from './backtest-error.js'

/**
 * Where a backtest's reports come from: a vigil database (its active reports, streamed in
 * occurredAt order), or a file read through the importer (UCDP GED, a mapped CSV export, or the
 * NDJSON `vigil import --out` writes), validated as the intake would.
 */

export const REPORT_FILE_FORMATS = ['ucdp-ged', 'csv', 'ndjson'] as const
export type ReportFileFormat = (typeof REPORT_FILE_FORMATS)[number]

export type ReportSource =
  | { kind: 'db'; file: string }
  | { kind: 'file'; file: string; format: ReportFileFormat; mapFile?: string; crosswalkFile?: string }
  /** A file read once already (a calibration replays it many times): its reports, validated and sorted. */
  | { kind: 'loaded'; file: string; format: ReportFileFormat; loaded: LoadedReports }

/** A source as plain data, for a worker thread: a loaded file's rejection tally as its rows and list. */
export type PortableSource = Exclude<ReportSource, { kind: 'loaded' }>
  | (Omit<Extract<ReportSource, { kind: 'loaded' }>, 'loaded'> & { loaded: Omit<LoadedReports, 'rejected'> & { rejected: { rows: number; groups: RejectionGroup[] } } })

export function portableSource(src: ReportSource): PortableSource {
  if (src.kind !== 'loaded') return src
  return { ...src, loaded: { ...src.loaded, rejected: { rows: src.loaded.rejected.rows, groups: src.loaded.rejected.list() } } }
}

export function revivedSource(src: PortableSource): ReportSource {
  if (src.kind !== 'loaded') return src
  return { ...src, loaded: { ...src.loaded, rejected: RejectionTally.of(src.loaded.rejected.rows, src.loaded.rejected.groups) } }
}

/** Guesses the source from the file name when no format is given: .db/.sqlite, .ndjson/.jsonl, else UCDP GED (or csv with a mapping). */
export function guessSource(file: string, format: string | undefined, mapFile: string | undefined): ReportSource {
  if (format === 'db' || (!format && /\.(db|sqlite3?)$/i.test(file))) return { kind: 'db', file }
  const f = (format ?? (/\.(ndjson|jsonl)$/i.test(file) ? 'ndjson' : mapFile ? 'csv' : 'ucdp-ged')) as ReportFileFormat
  if (!REPORT_FILE_FORMATS.includes(f)) throw new BacktestError(`unknown --format '${format}': one of db, ${REPORT_FILE_FORMATS.join(', ')}`)
  return { kind: 'file', file, format: f, ...(mapFile ? { mapFile } : {}) }
}

/** The lines of an NDJSON file as rows, read a chunk at a time. */
export function* readNdjsonRows(file: string): Generator<SourceRow> {
  const fd = fs.openSync(file, 'r')
  try {
    const decoder = new StringDecoder('utf8')
    const buf = Buffer.alloc(1 << 20)
    let rest = ''
    let line = 0
    let n: number
    const parse = function* (text: string): Generator<SourceRow> {
      line++
      if (text.trim() === '') return
      try {
        yield { ref: `line ${line}`, values: JSON.parse(text) as Record<string, unknown> }
      } catch (err) {
        yield { ref: `line ${line}`, values: { __error: (err as Error).message } }
      }
    }
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      const lines = (rest + decoder.write(buf.subarray(0, n))).split('\n')
      rest = lines.pop()!
      for (const l of lines) yield* parse(l)
    }
    yield* parse(rest + decoder.end())
  } finally {
    fs.closeSync(fd)
  }
}

const ndjsonConverter: RowConverter = (row): Conversion => typeof row.values.__error === 'string'
  ? { ok: false, id: null, problems: [{ reason: 'not JSON', detail: row.values.__error }] }
  : { ok: true, input: row.values }

export interface LoadedReports {
  reports: Report[]
  read: number
  rejected: RejectionTally
}

/**
 * Every report of a file of one mission, validated against the taxonomy with a clock far ahead
 * (history is never "in the future"), sorted by occurredAt (stable: ties keep file order).
 */
export function loadReportFile(source: Extract<ReportSource, { kind: 'file' }>, opts: { mission?: string; taxonomy: Taxonomy; missions: readonly string[]; progress?: Progress; place?: Placer }): LoadedReports {
  const ndjson = source.format === 'ndjson'
  if (!ndjson && !opts.mission) throw new BacktestError(`--mission is needed to read ${source.format} files`)
  const convert = ndjson ? ndjsonConverter : rowConverter({
    format: source.format as ImportFormat, mission: opts.mission!, taxonomy: opts.taxonomy,
    ...(source.mapFile ? { mapFile: source.mapFile } : {}), ...(source.crosswalkFile ? { crosswalkFile: source.crosswalkFile } : {}),
  })
  const rows = ndjson ? readNdjsonRows(source.file) : readSourceRows(source.file)
  const rejected = new RejectionTally()
  const reports: Report[] = []
  let read = 0
  opts.progress?.start('reading', Array.isArray(rows) ? rows.length : estimateRows(source.file))
  for (const row of rows) {
    read++
    opts.progress?.update(read)
    const c = convert(row)
    const v = c.ok ? validateInput(c.input, { taxonomy: opts.taxonomy, missions: opts.missions, now: HISTORIC_NOW, ...(opts.place ? { place: opts.place } : {}) }) : c
    if (!v.ok) rejected.add(row.ref, v.id, v.problems)
    else if (!opts.mission || v.report.mission === opts.mission) reports.push(v.report)
  }
  opts.progress?.finish()
  reports.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
  return { reports, read, rejected }
}

/** A vigil database opened read-only: the backtest never writes to it. */
export function openReportDb(file: string) {
  if (!fs.existsSync(file)) throw new BacktestError(`${file}: no such database`)
  const db = openDb(file, { readonly: true })
  const repo = createReportsRepo(db)
  return {
    /** The first report's occurredAt (of the mission), or null when there is none. */
    first(mission?: string): number | null {
      const page = repo.list({ status: 'active', ...(mission ? { mission } : {}) }, null, 1)
      return page.items[0] ? Date.parse(page.items[0].report.occurredAt) : null
    },
    /** Active reports in [from, to) in occurredAt order, read a page at a time. */
    inRange: (from: number, to: number, mission?: string) => repo.activeInRange({ from, to, ...(mission ? { mission } : {}) }),
    close: () => db.close(),
  }
}
