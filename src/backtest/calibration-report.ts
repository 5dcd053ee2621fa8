import { fixed, markdownTable, pct } from './level-table.js'
import type { CalibrationResult, SettingResult } from './calibration-run.js'
import type { SkillRow } from './skill-scoring.js'

/**
 * A calibration's outputs: the sweep table (Markdown, for the terminal and the README) and a
 * self-contained HTML page (inline SVG and CSS, no script, nothing fetched) plotting detection
 * against time under warning, the front joined, the chosen setting ringed, persistence and chance
 * drawn for comparison.
 */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const FIGURE_HEADER = ['POD', 'FAR', 'lead (median)', 'under warning', 'lift (95% CI)', 'skill vs persistence', 'Peirce', 'warnings / area-week', 'p (random)'] as const

function figures(r: SkillRow): string[] {
  const s = r.rules
  const ci = s.liftInterval ? ` (${fixed(s.liftInterval[0])}-${fixed(s.liftInterval[1])})` : ''
  return [pct(s.probabilityOfDetection), pct(s.falseAlarmRatio), s.leadTimeDays ? String(s.leadTimeDays.median) : 'n/a', pct(s.timeUnderWarning),
    `${fixed(s.lift)}${ci}`, fixed(r.skill), fixed(s.peirce), fixed(s.warningsPerAreaWeek, 3), r.random ? r.random.pValue.toFixed(3) : '-']
}

function mark(r: SettingResult, i: number, chosen: number, measured: boolean): string {
  if (measured) return 'as it is'
  return [i === chosen ? 'chosen' : '', r.onFront ? 'front' : '', r.current ? 'current' : ''].filter(Boolean).join(', ')
}

/** One row per setting on the training period. */
export function sweepTable(c: CalibrationResult): string {
  return markdownTable(
    ['#', ...c.sweeps.map((s) => s.label), ...FIGURE_HEADER, ''],
    c.settings.map((r, i) => [String(i + 1), ...r.setting.map(String), ...(r.row ? figures(r.row) : [r.error ?? 'n/a', ...FIGURE_HEADER.slice(1).map(() => '-')]), mark(r, i, c.chosen, c.measured)]),
  )
}

/** The chosen setting and the rule as found, on the validation period, persistence beside them. */
export function validationTable(c: CalibrationResult): string {
  const rows: string[][] = [[c.measured ? 'as it is' : 'chosen', ...figures(c.chosenValidation)]]
  if (c.currentValidation) rows.push(['as found', ...figures(c.currentValidation)])
  const p = c.chosenValidation.persistence
  rows.push([`persistence ${p.days} d`, pct(p.probabilityOfDetection), pct(p.falseAlarmRatio), p.leadTimeDays ? String(p.leadTimeDays.median) : 'n/a',
    pct(p.timeUnderWarning), `${fixed(p.lift)}${p.liftInterval ? ` (${fixed(p.liftInterval[0])}-${fixed(p.liftInterval[1])})` : ''}`, '1.00', fixed(p.peirce), fixed(p.warningsPerAreaWeek, 3), '-'])
  return markdownTable(['rules', ...FIGURE_HEADER], rows)
}

/** Why the chosen setting was chosen. */
const why = (c: CalibrationResult) => c.note ?? `best ${c.criterion} on the front with POD >= ${c.minPod} on the training period`

/** The line that says what was chosen, or that the rules were measured as they are. */
function chosenLine(c: CalibrationResult): string {
  if (c.measured) return 'Measured as it is: nothing swept, nothing chosen.'
  const chosen = c.settings[c.chosen]!
  return `Chosen: ${c.sweeps.map((s, i) => `${s.label} = ${chosen.setting[i]}`).join(', ')} (${why(c)}).`
}

export function calibrationMarkdown(c: CalibrationResult): string {
  return [
    `# Calibration of ${c.indicators.join(', ')}`,
    '',
    `Outcomes ${c.outcome}, ${c.scale}, ${c.level} or higher warnings. Training ${c.training.from} to ${c.training.to}; validation ${c.validation.from} to ${c.validation.to}.`,
    chosenLine(c),
    '',
    '## Training period, every setting',
    '',
    sweepTable(c),
    '',
    '## Validation period (untouched while choosing)',
    '',
    validationTable(c),
    '',
  ].join('\n')
}

const W = 640
const H = 420
const M = { left: 60, right: 20, top: 20, bottom: 50 }

/** The trade-off plot: POD (y) against time under warning (x), chance as the diagonal. */
function plot(c: CalibrationResult): string {
  const scored = c.settings.map((r, i) => ({ r, i })).filter((x) => x.r.row)
  const maxX = Math.min(1, Math.max(0.05, ...scored.map((x) => x.r.row!.rules.timeUnderWarning ?? 0), ...scored.map((x) => x.r.row!.persistence.timeUnderWarning ?? 0)) * 1.1)
  const px = (v: number) => M.left + (v / maxX) * (W - M.left - M.right)
  const py = (v: number) => H - M.bottom - v * (H - M.top - M.bottom)
  const label = (r: SettingResult) => c.sweeps.map((s, j) => `${s.label}=${r.setting[j]}`).join(' ')
  const front = scored.filter((x) => x.r.onFront).sort((a, b) => a.r.row!.rules.timeUnderWarning! - b.r.row!.rules.timeUnderWarning!)
  const parts: string[] = []
  for (let t = 0; t <= 4; t++) {
    const x = (maxX * t) / 4
    parts.push(`<line class="grid" x1="${px(x)}" y1="${py(0)}" x2="${px(x)}" y2="${py(1)}"/><text x="${px(x)}" y="${py(0) + 16}" text-anchor="middle">${(x * 100).toFixed(0)}%</text>`)
    parts.push(`<line class="grid" x1="${px(0)}" y1="${py(t / 4)}" x2="${px(maxX)}" y2="${py(t / 4)}"/><text x="${px(0) - 6}" y="${py(t / 4) + 4}" text-anchor="end">${t * 25}%</text>`)
  }
  parts.push(`<line class="chance" x1="${px(0)}" y1="${py(0)}" x2="${px(maxX)}" y2="${py(Math.min(1, maxX))}"><title>chance: lift 1</title></line>`)
  if (front.length > 1) parts.push(`<polyline class="front" points="${front.map((x) => `${px(x.r.row!.rules.timeUnderWarning!)},${py(x.r.row!.rules.probabilityOfDetection ?? 0)}`).join(' ')}"/>`)
  for (const { r, i } of scored) {
    const s = r.row!.rules
    const cls = i === c.chosen ? 'chosen' : r.onFront ? 'on-front' : 'off-front'
    parts.push(`<circle class="${cls}" cx="${px(s.timeUnderWarning ?? 0)}" cy="${py(s.probabilityOfDetection ?? 0)}" r="${i === c.chosen ? 7 : 4}"><title>${esc(`#${i + 1} ${label(r)}: POD ${pct(s.probabilityOfDetection)}, under warning ${pct(s.timeUnderWarning)}, lift ${fixed(s.lift)}, skill ${fixed(r.row!.skill)}`)}</title></circle>`)
  }
  const p = scored[0]?.r.row!.persistence
  if (p) parts.push(`<rect class="persistence" x="${px(p.timeUnderWarning ?? 0) - 5}" y="${py(p.probabilityOfDetection ?? 0) - 5}" width="10" height="10"><title>${esc(`persistence ${p.days} d: POD ${pct(p.probabilityOfDetection)}, under warning ${pct(p.timeUnderWarning)}, lift ${fixed(p.lift)}`)}</title></rect>`)
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">time under warning (${esc(c.scale)})</text>`)
  parts.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">probability of detection</text>`)
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="detection against time under warning, per setting">${parts.join('')}</svg>`
}

/** Minimal Markdown tables to HTML: the page shows the same tables as the terminal. */
function htmlTable(md: string): string {
  const lines = md.split('\n').filter((l) => l.startsWith('|'))
  const cells = (l: string) => l.slice(2, -2).split(' | ')
  const [head, , ...body] = lines
  return `<table><thead><tr>${cells(head!).map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${body.map((l) => `<tr>${cells(l).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
}

export function calibrationHtml(c: CalibrationResult): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Calibration of ${esc(c.indicators.join(', '))}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222 }
table { border-collapse: collapse; margin: 8px 0 24px } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right } th { background: #f3f3f3 }
svg text { font-size: 12px; fill: #444 } .grid { stroke: #eee } .chance { stroke: #999; stroke-dasharray: 4 4 }
.front { fill: none; stroke: #1565c0; stroke-width: 1.5 } .on-front { fill: #1565c0 } .off-front { fill: #b0bec5 }
.chosen { fill: #d32f2f; stroke: #000; stroke-width: 1.5 } .persistence { fill: #ff8f00 }
</style></head><body>
<h1>Calibration of ${esc(c.indicators.join(', '))}</h1>
<p>Outcomes <b>${esc(c.outcome)}</b>, ${esc(c.scale)}, ${esc(c.level)} or higher warnings. Training ${c.training.from} to ${c.training.to}; validation ${c.validation.from} to ${c.validation.to}.</p>
<p>${esc(chosenLine(c))}</p>
<h2>Trade-off on the training period</h2>
<p>Each dot a setting (hover for its figures); blue: the Pareto front, red: chosen, orange square: persistence, dashed: chance (lift 1).</p>
${plot(c)}
<h2>Validation period (untouched while choosing)</h2>
${htmlTable(validationTable(c))}
<h2>Training period, every setting</h2>
${htmlTable(sweepTable(c))}
</body></html>
`
}
