import type { StoredReport, Report } from '../reports/report.js'

/** A report as the API shows it: the classified report plus its revision and status. */
export interface PresentedReport extends Report {
  revision: number
  status: StoredReport['status']
  receivedAt: string
  updatedAt: string
  retractedReason?: string
}

export function presentReport(stored: StoredReport): PresentedReport {
  return {
    ...stored.report,
    revision: stored.revision,
    status: stored.status,
    receivedAt: stored.receivedAt,
    updatedAt: stored.updatedAt,
    ...(stored.retractedReason !== null ? { retractedReason: stored.retractedReason } : {}),
  }
}
