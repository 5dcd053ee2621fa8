import type { AlertState } from '../alerts/alert.js'
import { placeOf, type StoredReport } from '../reports/report.js'

/** One CSV column: its header, its HXL hashtag (the humanitarian exchange language), its value. */
export interface Column<T> {
  header: string
  hxl: string
  value: (row: T) => string | number | null | undefined
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet never runs a cell as a formula. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return ''
  let s = String(v)
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const line = (cells: (string | number | null | undefined)[]) => `${cells.map(csvCell).join(',')}\r\n`

/** The header row, the HXL hashtag row, then a row per item, a line at a time. */
export function* hxlCsv<T>(columns: readonly Column<T>[], rows: Iterable<T>): Generator<string> {
  yield line(columns.map((c) => c.header))
  yield line(columns.map((c) => c.hxl))
  for (const row of rows) yield line(columns.map((c) => c.value(row)))
}

const sum = (g: { un: { military: number; police: number; civilian: number }; civilian: number; other: number }) =>
  g.un.military + g.un.police + g.un.civilian + g.civilian + g.other
const unSum = (g: { un: { military: number; police: number; civilian: number } }) => g.un.military + g.un.police + g.un.civilian

/** Report columns, tagged as the conflict datasets on HDX tag theirs. */
export const REPORT_COLUMNS: readonly Column<StoredReport>[] = [
  { header: 'id', hxl: '#event+id', value: (s) => s.report.id },
  { header: 'mission', hxl: '#org+mission', value: (s) => s.report.mission },
  { header: 'occurred_at', hxl: '#date+occurred', value: (s) => s.report.occurredAt },
  { header: 'reported_at', hxl: '#date+reported', value: (s) => s.report.reportedAt },
  { header: 'category', hxl: '#event+type+code', value: (s) => s.report.category },
  { header: 'category_term', hxl: '#event+type+name', value: (s) => s.report.categoryTerm },
  { header: 'admin1', hxl: '#adm1+name', value: (s) => placeOf(s.report).admin1 },
  { header: 'admin1_pcode', hxl: '#adm1+code', value: (s) => placeOf(s.report).admin1Pcode },
  { header: 'admin2', hxl: '#adm2+name', value: (s) => placeOf(s.report).admin2 },
  { header: 'admin2_pcode', hxl: '#adm2+code', value: (s) => placeOf(s.report).admin2Pcode },
  { header: 'place', hxl: '#loc+name', value: (s) => s.report.location.place },
  { header: 'route', hxl: '#loc+route', value: (s) => placeOf(s.report).route },
  { header: 'site', hxl: '#loc+site', value: (s) => placeOf(s.report).site },
  { header: 'lat', hxl: '#geo+lat', value: (s) => placeOf(s.report).lat },
  { header: 'lon', hxl: '#geo+lon', value: (s) => placeOf(s.report).lon },
  { header: 'location_precision', hxl: '#geo+precision', value: (s) => placeOf(s.report).precision },
  { header: 'killed', hxl: '#affected+killed', value: (s) => sum(s.report.casualties.killed) },
  { header: 'injured', hxl: '#affected+injured', value: (s) => sum(s.report.casualties.injured) },
  { header: 'abducted', hxl: '#affected+abducted', value: (s) => sum(s.report.casualties.abducted) },
  { header: 'un_killed', hxl: '#affected+killed+un', value: (s) => unSum(s.report.casualties.killed) },
  { header: 'un_injured', hxl: '#affected+injured+un', value: (s) => unSum(s.report.casualties.injured) },
  { header: 'perpetrator', hxl: '#group+name+first', value: (s) => s.report.actors?.[0]?.name },
  { header: 'source_grade', hxl: '#meta+source+grade', value: (s) => `${s.report.source.reliability}${s.report.source.credibility}` },
  { header: 'status', hxl: '#status', value: (s) => s.status },
]

/** Alert columns; HXL has no alert hashtag, so attributes are coined on #event (as HXL allows). */
export const ALERT_COLUMNS: readonly Column<AlertState>[] = [
  { header: 'id', hxl: '#event+alert+id', value: (a) => a.id },
  { header: 'mission', hxl: '#org+mission', value: (a) => a.mission },
  { header: 'indicator', hxl: '#indicator+code', value: (a) => a.indicatorId },
  { header: 'category', hxl: '#event+type+code', value: (a) => a.topCategory },
  { header: 'level', hxl: '#event+alert+level', value: (a) => a.level },
  { header: 'grade', hxl: '#severity', value: (a) => a.grade },
  { header: 'confidence', hxl: '#meta+confidence', value: (a) => a.confidence },
  { header: 'status', hxl: '#status', value: (a) => a.status },
  { header: 'summary', hxl: '#description', value: (a) => a.summary },
  { header: 'admin1', hxl: '#adm1+name', value: (a) => a.scope.admin1 },
  { header: 'admin2', hxl: '#adm2+name', value: (a) => a.scope.admin2 },
  { header: 'route', hxl: '#loc+route', value: (a) => a.scope.route },
  { header: 'site', hxl: '#loc+site', value: (a) => a.scope.site },
  { header: 'lat', hxl: '#geo+lat', value: (a) => (a.scope.center ?? a.scope.centroid)?.lat },
  { header: 'lon', hxl: '#geo+lon', value: (a) => (a.scope.center ?? a.scope.centroid)?.lon },
  { header: 'reports', hxl: '#event+num', value: (a) => a.count },
  { header: 'un_killed', hxl: '#affected+killed+un', value: (a) => a.facts.unKilled },
  { header: 'un_injured', hxl: '#affected+injured+un', value: (a) => a.facts.unInjured },
  { header: 'raised_at', hxl: '#date+start', value: (a) => new Date(a.raisedAt).toISOString() },
  { header: 'updated_at', hxl: '#date+updated', value: (a) => new Date(a.updatedAt).toISOString() },
  { header: 'expires_at', hxl: '#date+end', value: (a) => new Date(a.expiresAt).toISOString() },
]
