import { RELIABILITY, type Sensitivity } from './report-schema.js'
import { placeOf, type Report } from './report.js'

/** A report's sensitivity: internal when it was not given (every report before issue 20). */
export function sensitivityOf(report: Pick<Report, 'sensitivity'>): Sensitivity {
  return report.sensitivity ?? 'internal'
}

/**
 * Whether a partner organisation may read a report: one it posted itself, or one released to it
 * by name. A restricted report is never released (the schema refuses the combination; checked
 * again here for reports revised into restricted).
 */
export function releasedTo(report: Report, org: string): boolean {
  if (report.partnerOrg === org) return true
  return sensitivityOf(report) !== 'restricted' && (report.releasableTo ?? []).includes(org)
}

/**
 * The most a partner's own grading of its source counts for: C (fairly reliable). A partner
 * cannot be graded by the mission as its own sources are, so its report alone never makes a
 * strong-source (A/B) alert; a JMAC analyst who corroborates it posts its own report.
 */
export const PARTNER_RELIABILITY_CAP = 'C'

/** A report posted with a partner's key: marked as the organisation's, its reliability capped. */
export function asPartnerReport(report: Report, org: string): Report {
  const capped = RELIABILITY.indexOf(report.source.reliability) < RELIABILITY.indexOf(PARTNER_RELIABILITY_CAP)
  return {
    ...report,
    partnerOrg: org,
    source: { ...report.source, ...(capped ? { reliability: PARTNER_RELIABILITY_CAP } : {}) },
  }
}

/**
 * What a partner sees of a report: when, where, what, who was harmed and by whom. Never the
 * narrative, the source, the tags, the CASEVAC timings, nor whom else it was released to. An
 * allow-list, so a field added later stays hidden until someone decides it may be shared.
 */
export function partnerView(report: Report, status: string) {
  return {
    id: report.id,
    mission: report.mission,
    occurredAt: report.occurredAt,
    datePrecision: report.datePrecision,
    reportedAt: report.reportedAt,
    category: report.category,
    categories: report.categories,
    place: placeForPartner(report),
    casualties: report.casualties,
    targets: report.targets,
    actors: report.actors,
    sensitivity: sensitivityOf(report),
    status,
    ...(report.partnerOrg ? { postedBy: report.partnerOrg } : {}),
  }
}

/** The resolved place without the gazetteer's bookkeeping. */
function placeForPartner(report: Report) {
  const { lat, lon, precision, admin1, admin1Pcode, admin2, admin2Pcode, site, route } = placeOf(report)
  return { lat, lon, precision, admin1, admin1Pcode, admin2, admin2Pcode, site, route }
}
