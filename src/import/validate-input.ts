import type { ReportInput } from '../reports/report-schema.js'
import { validateReport, type ClassifyContext, type Report } from '../reports/report.js'
import type { RowProblem } from './source-row.js'
import { problemsOf } from './rejections.js'

/**
 * The normal validation without the database: the report schema and classification against
 * the taxonomy and the missions, exactly as the ingest does them. For NDJSON output and for
 * replays from files; a database import goes through the ingest itself.
 */
export function validateInput(input: Record<string, unknown>, ctx: ClassifyContext):
  { ok: true; input: ReportInput; report: Report } | { ok: false; id: string | null; problems: RowProblem[] } {
  const id = typeof input.id === 'string' ? input.id : null
  const out = validateReport(input, ctx)
  if ('problems' in out) return { ok: false, id, problems: problemsOf(id, 'invalid report', out.problems) }
  return { ok: true, input: out.input, report: out.report }
}

/**
 * The clock historic events are classified against when no database is involved: far enough
 * ahead that no past event lies "in the future" (the service refuses occurredAt > now + 1 h).
 */
export const HISTORIC_NOW = Number.MAX_SAFE_INTEGER
