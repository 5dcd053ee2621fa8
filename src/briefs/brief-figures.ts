import type { Report } from '../reports/report.js'
import { VICTIM_FACTS, victimCounts, type VictimFact } from '../reports/victim-facts.js'
import { casevacView, LIFE_SUPPORT_TARGET_MIN, SURGERY_TARGET_MIN } from '../reports/report-view.js'

/** The reports of a brief's period by channel, their victims by sex and age, and CASEVAC against 10-1-2. */
export interface ReportFigures {
  /** Reports by `source.channel`; `unspecified` for those that name none. */
  byChannel: Record<string, number>
  /** The victim facts summed over the period's breakdowns; only those above 0. */
  victims: Partial<Record<VictimFact, number>>
  casevac: {
    /** Reports with CASEVAC timings. */
    evacuations: number
    /** Of those giving the time life support was reached: how many, and how many within the hour. */
    lifeSupport: { known: number; withinTarget: number }
    /** Of those giving the time surgery was reached: how many, and how many within two hours. */
    surgery: { known: number; withinTarget: number }
  }
}

/** Adds up the figures of a period's active reports. */
export function reportFigures(reports: Iterable<Report>): ReportFigures {
  const byChannel: Record<string, number> = {}
  const victims: Partial<Record<VictimFact, number>> = {}
  const casevac = { evacuations: 0, lifeSupport: { known: 0, withinTarget: 0 }, surgery: { known: 0, withinTarget: 0 } }
  for (const r of reports) {
    const channel = r.source.channel ?? 'unspecified'
    byChannel[channel] = (byChannel[channel] ?? 0) + 1
    for (const [fact, n] of Object.entries(victimCounts(r.casualties)) as [VictimFact, number][]) {
      if (n > 0) victims[fact] = (victims[fact] ?? 0) + n
    }
    const c = casevacView(r.casevac)
    if (!c) continue
    casevac.evacuations++
    const life = (c as { minutesToLifeSupport?: number }).minutesToLifeSupport
    const surgery = (c as { minutesToSurgery?: number }).minutesToSurgery
    if (life !== undefined) {
      casevac.lifeSupport.known++
      if (life <= LIFE_SUPPORT_TARGET_MIN) casevac.lifeSupport.withinTarget++
    }
    if (surgery !== undefined) {
      casevac.surgery.known++
      if (surgery <= SURGERY_TARGET_MIN) casevac.surgery.withinTarget++
    }
  }
  return { byChannel, victims, casevac }
}

const share = (x: { known: number; withinTarget: number }) =>
  x.known === 0 ? 'no times given' : `${x.withinTarget} of ${x.known} (${Math.round((100 * x.withinTarget) / x.known)}%)`

/** The figures as Markdown sections of the brief. */
export function figuresMarkdown(f: ReportFigures): string[] {
  const victims = (Object.keys(VICTIM_FACTS) as VictimFact[]).filter((k) => (f.victims[k] ?? 0) > 0)
  const channels = Object.entries(f.byChannel).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
  return [
    '## Victims by sex and age (where reports break them down)',
    '',
    ...(victims.length === 0 ? ['None reported.'] : victims.map((k) => `- ${VICTIM_FACTS[k].label}: ${f.victims[k]}`)),
    '',
    '## Reports by channel',
    '',
    ...(channels.length === 0 ? ['None.'] : channels.map(([c, n]) => `- ${c}: ${n}`)),
    '',
    '## CASEVAC against the 10-1-2 targets',
    '',
    ...(f.casevac.evacuations === 0 ? ['No evacuation timings reported.'] : [
      `- Evacuations with timings: ${f.casevac.evacuations}`,
      `- Advanced life support within 1 hour: ${share(f.casevac.lifeSupport)}`,
      `- Surgery within 2 hours: ${share(f.casevac.surgery)}`,
    ]),
    '',
  ]
}
