import { locationView, type Report } from './report.js'
import { victimCounts } from './victim-facts.js'

const MINUTE = 60_000
/** The 10-1-2 targets: advanced life support within an hour of injury, surgery within two. */
export const LIFE_SUPPORT_TARGET_MIN = 60
export const SURGERY_TARGET_MIN = 120

/** Whole minutes from injury to a later step, or undefined when the step's time is not given. */
function minutesFrom(injuredAt: string, at: string | undefined): number | undefined {
  return at === undefined ? undefined : Math.floor((Date.parse(at) - Date.parse(injuredAt)) / MINUTE)
}

/** The derived CASEVAC figures: minutes from injury to life support, surgery and evacuation. */
export function casevacView(casevac: Report['casevac']) {
  if (!casevac) return undefined
  const m = {
    minutesToLifeSupport: minutesFrom(casevac.injuredAt, casevac.lifeSupportAt),
    minutesToSurgery: minutesFrom(casevac.injuredAt, casevac.surgeryAt),
    minutesToEvacuation: minutesFrom(casevac.injuredAt, casevac.evacuatedAt),
  }
  return { ...casevac, ...Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) }
}

/**
 * What rules read as `report`: the report with its resolved place, the sensitivity it has by
 * default, the victim facts of its breakdowns (`victims.childrenAbducted`) and the CASEVAC
 * minutes. Derived here, never stored: a report keeps what was sent.
 */
export function evaluatedView(report: Report): Record<string, unknown> {
  const casevac = casevacView(report.casevac)
  return {
    ...report,
    location: locationView(report),
    sensitivity: report.sensitivity ?? 'internal',
    victims: victimCounts(report.casualties),
    ...(casevac ? { casevac } : {}),
  }
}
