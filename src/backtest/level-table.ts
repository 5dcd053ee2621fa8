import type { Score } from './scoring.js'

/** The level table, in Markdown: the report's main table, also shown on the timeline page. */

export interface LevelRowScore extends Score {
  label: string
}

export const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`)
export const fixed = (x: number | null, digits = 2) => (x === null ? 'n/a' : x.toFixed(digits))
const days = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1))

export function leadCell(s: Score): string {
  return s.leadTimeDays ? `${days(s.leadTimeDays.median)} (${days(s.leadTimeDays.q1)}-${days(s.leadTimeDays.q3)})` : 'n/a'
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export const LEVEL_TABLE_HEADER = [
  'level', 'warnings', 'detected / incidents', 'probability of detection', 'lead time, days: median (q1-q3)',
  'time under warning', 'lift', 'false alarms', 'false-alarm ratio',
] as const

/** One row per level (and operational or higher). */
export function levelTableRows(levels: readonly LevelRowScore[]): string[][] {
  return levels.map((l) => [
    l.label, String(l.warnings), `${l.detected} / ${l.incidents}`, pct(l.probabilityOfDetection), leadCell(l),
    pct(l.timeUnderWarning), fixed(l.lift), l.falseAlarms === null ? 'n/a' : String(l.falseAlarms), pct(l.falseAlarmRatio),
  ])
}

export function levelTable(levels: readonly LevelRowScore[]): string {
  return markdownTable(LEVEL_TABLE_HEADER, levelTableRows(levels))
}
