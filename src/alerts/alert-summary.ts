import type { AlertState } from './alert.js'

/** Counts of the alerts live in a period, by level, grade, status and top category. */
export interface AlertCounts {
  total: number
  byLevel: Record<string, number>
  byGrade: Record<string, number>
  byStatus: Record<string, number>
  byCategory: Record<string, number>
}

/** Adds up alerts into the summary's counts. */
export function countAlerts(alerts: readonly AlertState[]): AlertCounts {
  const counts: AlertCounts = { total: alerts.length, byLevel: {}, byGrade: {}, byStatus: {}, byCategory: {} }
  const bump = (table: Record<string, number>, key: string) => { table[key] = (table[key] ?? 0) + 1 }
  for (const a of alerts) {
    bump(counts.byLevel, a.level)
    bump(counts.byGrade, a.grade)
    bump(counts.byStatus, a.status)
    bump(counts.byCategory, a.topCategory)
  }
  return counts
}

type SummaryBody = AlertCounts & {
  mission: string | null
  from: string
  to: string
  open: (BriefAlert & OpenAlertLine)[]
}

/** What the brief shows of an alert's response. */
interface BriefAlert {
  id: number
  summary: string
  indicator: { id: string }
  response?: { actions: string[]; responsible: string; acknowledgeBy: string | null; actBy: string | null; references: string[] } | null
  overdue?: { acknowledge: boolean; act: boolean }
  assignee?: { to: string } | null
}

/** Each open alert's expected response: who, by when, what; overdue ones say so first. */
function responseLines(open: readonly BriefAlert[]): string[] {
  const withResponse = open.filter((a) => a.response)
  if (withResponse.length === 0) return []
  const lines = ['## Expected response', '']
  for (const a of withResponse) {
    const r = a.response!
    const late = [a.overdue?.acknowledge ? 'acknowledgement' : '', a.overdue?.act ? 'action' : ''].filter(Boolean)
    lines.push(`- **${a.id}** ${a.indicator.id}${late.length > 0 ? ` **OVERDUE (${late.join(', ')})**` : ''}: ${r.responsible}`
      + `${a.assignee ? `, assigned to ${a.assignee.to}` : ''}; acknowledge by ${(r.acknowledgeBy ?? '').slice(0, 16)}, act by ${(r.actBy ?? '').slice(0, 16)}`)
    for (const action of r.actions) lines.push(`  - ${action}`)
    if (r.references.length > 0) lines.push(`  - see: ${r.references.join('; ')}`)
  }
  return [...lines, '']
}

interface OpenAlertLine {
  id: number; level: string; grade: string; confidence: string; status: string; summary: string
  indicator: { id: string }; lastSeen: string | null
  inhibited: boolean
  /** The alert whose area covers this inhibited one, when known. */
  coveredBy: number | null
}

/**
 * The open alerts in brief order: each inhibited alert right after the alert covering it, so the
 * reader sees the two together and knows which one to act on.
 */
function briefOrder(open: readonly OpenAlertLine[]): OpenAlertLine[] {
  const listed = new Set(open.map((a) => a.id))
  const placed = (a: OpenAlertLine) => a.inhibited && a.coveredBy !== null && listed.has(a.coveredBy)
  const out: OpenAlertLine[] = []
  for (const a of open) {
    if (placed(a)) continue
    out.push(a, ...open.filter((b) => placed(b) && b.coveredBy === a.id))
  }
  return out
}

const statusCell = (a: OpenAlertLine) => (a.inhibited
  ? `${a.status}, inhibited${a.coveredBy !== null ? ` (covered by alert ${a.coveredBy})` : ''}`
  : a.status)

const table = (title: string, counts: Record<string, number>) => [
  `| ${title} | alerts |`, '| --- | ---: |',
  ...Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `| ${k} | ${v} |`),
  '',
]

/** The summary as a Markdown brief for a morning meeting or a strategic report. */
export function summaryMarkdown(s: SummaryBody): string {
  const lines = [
    `# Alert summary${s.mission ? `: ${s.mission}` : ''}`,
    '',
    `${s.from.slice(0, 10)} to ${s.to.slice(0, 10)}: ${s.total} alert(s).`,
    '',
    '## Open alerts of grade high and above',
    '',
    ...(s.open.length === 0 ? ['None.', ''] : [
      '| alert | level | grade | confidence | status | indicator | last seen | what |',
      '| ---: | --- | --- | --- | --- | --- | --- | --- |',
      ...briefOrder(s.open).map((a) => `| ${a.id} | ${a.level} | ${a.grade} | ${a.confidence} | ${statusCell(a)} | ${a.indicator.id} | ${(a.lastSeen ?? '').slice(0, 16)} | ${a.summary.replace(/\|/g, '/')} |`),
      '',
    ]),
    ...responseLines(s.open),
    '## Counts',
    '',
    ...table('level', s.byLevel),
    ...table('grade', s.byGrade),
    ...table('status', s.byStatus),
    ...table('category', s.byCategory),
  ]
  return `${lines.join('\n')}\n`
}
