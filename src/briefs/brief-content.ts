import type { AlertCounts } from '../alerts/alert-summary.js'
import { figuresMarkdown, type ReportFigures } from './brief-figures.js'

/** What a brief says, as data: the service stores it and renders it as Markdown. */
export interface BriefData {
  mission: string
  every: 'day' | 'week'
  from: string
  to: string
  /** Alerts live in the period, counted; and in the period before, for comparison. */
  counts: AlertCounts
  previous: AlertCounts
  /** Alert changes in the period, by kind (raised, escalated, resolved...). */
  changes: Record<string, number>
  /** Open alerts of grade high and above, worst first. */
  open: { id: number; level: string; grade: string; status: string; indicator: string; area: string; summary: string }[]
  /** Open alerts by area (admin1, else the mission). */
  byArea: Record<string, number>
  /** Casualties in the period's reports, and in the period before. */
  casualties: { killed: number; injured: number; unKilled: number; unInjured: number; reports: number }
  previousCasualties: { killed: number; injured: number; unKilled: number; unInjured: number; reports: number }
  /** The period's reports by channel, victims by sex and age, CASEVAC against 10-1-2 (absent in briefs made before). */
  figures?: ReportFigures
}

const change = (now: number, before: number) => {
  const d = now - before
  return d === 0 ? 'as in the previous period' : `${d > 0 ? '+' : ''}${d} on the previous period`
}

const cell = (s: string) => s.replace(/\|/g, '/').replace(/\n/g, ' ')

/** The brief as Markdown, for e-mail, chat and the API. */
export function briefMarkdown(b: BriefData): string {
  const title = `${b.every === 'day' ? 'Daily' : 'Weekly'} brief: ${b.mission === 'HQ' ? 'all missions' : b.mission}`
  const period = `${b.from.slice(0, 16).replace('T', ' ')} to ${b.to.slice(0, 16).replace('T', ' ')} UTC`
  const c = b.casualties
  const p = b.previousCasualties
  const lines = [
    `# ${title}`,
    '',
    period,
    '',
    `- Alerts live in the period: ${b.counts.total} (${change(b.counts.total, b.previous.total)})`,
    `- Changes: ${Object.entries(b.changes).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`,
    `- Reports: ${c.reports} (${change(c.reports, p.reports)}); killed ${c.killed} (${change(c.killed, p.killed)}), injured ${c.injured}; UN personnel killed ${c.unKilled} (${change(c.unKilled, p.unKilled)}), injured ${c.unInjured}`,
    '',
    '## Open alerts of grade high and above',
    '',
    ...(b.open.length === 0 ? ['None.'] : [
      '| alert | level | grade | status | indicator | area | what |',
      '| ---: | --- | --- | --- | --- | --- | --- |',
      ...b.open.map((a) => `| ${a.id} | ${a.level} | ${a.grade} | ${a.status} | ${a.indicator} | ${cell(a.area)} | ${cell(a.summary)} |`),
    ]),
    '',
    '## By level and grade',
    '',
    '| | this period | previous period |',
    '| --- | ---: | ---: |',
    ...Object.keys({ ...b.counts.byLevel, ...b.previous.byLevel }).map((k) => `| ${k} | ${b.counts.byLevel[k] ?? 0} | ${b.previous.byLevel[k] ?? 0} |`),
    ...Object.keys({ ...b.counts.byGrade, ...b.previous.byGrade }).map((k) => `| ${k} | ${b.counts.byGrade[k] ?? 0} | ${b.previous.byGrade[k] ?? 0} |`),
    '',
    '## Open alerts of grade high and above, by area',
    '',
    ...(Object.keys(b.byArea).length === 0 ? ['None.'] : Object.entries(b.byArea).sort((x, y) => y[1] - x[1]).map(([area, n]) => `- ${area}: ${n}`)),
    '',
    ...(b.figures ? figuresMarkdown(b.figures) : []),
  ]
  return lines.join('\n')
}
