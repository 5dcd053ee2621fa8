import type { Grade, Level } from '../alerts/levels.js'
import type { BacktestResult } from './backtest-run.js'
import { LEVEL_TABLE_HEADER, levelTableRows } from './level-table.js'
import type { Warning } from './warnings.js'

/**
 * timeline.html: one self-contained page (inline SVG and CSS, no script, nothing fetched) that
 * draws every warning as a bar in its level's lane, coloured by grade, with the fatal incidents
 * as vertical markers: filled when a warning of operational level or higher was up a day ahead,
 * hollow when missed. Hovering any mark shows what it is.
 */

const WIDTH = 1400
const LEFT = 120
const RIGHT = 20
/** Year labels at the very top, then the incident markers' row, then the lanes. */
const LABEL_Y = 14
const MARKER_Y = 32
const TOP = 48
const LANE_MAX = 120
const LANES: readonly Level[] = ['strategic', 'operational', 'tactical']
const GRADE_COLOURS: Record<Grade, string> = { low: '#7cb342', medium: '#fbc02d', high: '#fb8c00', critical: '#d32f2f' }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10)

/** Greedy interval packing: each warning in the first track free at its start. */
export function packTracks(warnings: readonly Warning[]): { warning: Warning; track: number }[] {
  const ends: number[] = []
  return [...warnings].sort((a, b) => a.start - b.start).map((warning) => {
    let track = ends.findIndex((e) => e <= warning.start)
    if (track < 0) track = ends.push(0) - 1
    ends[track] = warning.end
    return { warning, track }
  })
}

function axis(from: number, to: number, x: (t: number) => number, height: number): string {
  const out: string[] = []
  const startYear = new Date(from).getUTCFullYear()
  const endYear = new Date(to).getUTCFullYear()
  const monthly = endYear - startYear < 2
  for (let y = startYear; y <= endYear; y++) {
    for (let m = 0; m < 12; m += monthly ? 1 : 12) {
      const t = Date.UTC(y, m, 1)
      if (t < from || t > to) continue
      const label = monthly ? isoDay(t).slice(0, 7) : String(y)
      out.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${LABEL_Y + 4}" y2="${height}" class="grid"/>`)
      out.push(`<text x="${(x(t) + 3).toFixed(1)}" y="${LABEL_Y}" class="tick">${label}</text>`)
    }
  }
  return out.join('\n')
}

function lane(level: Level, warnings: readonly Warning[], y: number, x: (t: number) => number): { svg: string; height: number } {
  const packed = packTracks(warnings)
  const tracks = Math.max(1, ...packed.map((p) => p.track + 1))
  const trackH = Math.max(1, Math.min(8, LANE_MAX / tracks))
  const height = Math.max(28, tracks * trackH) + 8
  const bars = packed.map(({ warning: w, track }) => {
    const x0 = x(w.start)
    const width = Math.max(1, x(w.end) - x0)
    const title = `${w.indicatorId} ${w.level} ${w.grade}: ${w.summary} (${isoDay(w.start)} to ${isoDay(w.end)}${w.open ? ', still active' : ''})`
    return `<rect x="${x0.toFixed(1)}" y="${(y + 4 + track * trackH).toFixed(1)}" width="${width.toFixed(1)}" height="${Math.max(0.8, trackH - 0.4).toFixed(1)}" fill="${GRADE_COLOURS[w.grade]}"><title>${esc(title)}</title></rect>`
  })
  const label = `<text x="${LEFT - 8}" y="${y + height / 2 + 4}" class="lane">${level} (${warnings.length})</text>`
  const band = `<rect x="${LEFT}" y="${y}" width="${WIDTH - LEFT - RIGHT}" height="${height}" class="band"/>`
  return { svg: [band, label, ...bars].join('\n'), height }
}

function markers(result: BacktestResult, x: (t: number) => number, bottom: number): string {
  const op = result.summary.levels.find((l) => l.key === 'operational+')
  const leads = new Map(result.summary.levels.flatMap((l) => l.perIncident.map((i) => [`${l.key}|${i.date}`, i.leadDays] as const)))
  const { from, to } = result.period
  return result.incidents.filter((i) => i.day >= from && i.day < to).map((i) => {
    const cx = x(i.day + 43_200_000)
    const detected = op?.perIncident.find((p) => p.date === i.date)?.leadDays != null
    const ahead = result.summary.levels.map((l) => {
      const d = leads.get(`${l.key}|${i.date}`)
      return `${l.label}: ${d == null ? 'missed' : `${d} d ahead`}`
    }).join('; ')
    const r = 3 + Math.sqrt(i.fatalities) * 1.5
    return `<g class="incident"><title>${esc(`${i.date}: ${i.fatalities} fatalit${i.fatalities === 1 ? 'y' : 'ies'} (malicious act). ${ahead}`)}</title>`
      + `<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${MARKER_Y}" y2="${bottom}" class="mark"/>`
      + `<circle cx="${cx.toFixed(1)}" cy="${MARKER_Y}" r="${r.toFixed(1)}" class="${detected ? 'hit' : 'miss'}"/></g>`
  }).join('\n')
}

/** The page. */
export function renderTimeline(result: BacktestResult): string {
  const s = result.summary
  const { from, to } = result.period
  const x = (t: number) => LEFT + ((Math.min(Math.max(t, from), to) - from) / (to - from)) * (WIDTH - LEFT - RIGHT)
  let y = TOP + 8
  const lanes: string[] = []
  for (const level of LANES) {
    const ws = (result.warnings[level] ?? []).filter((w) => w.end > from && w.start < to)
    const l = lane(level, ws, y, x)
    lanes.push(l.svg)
    y += l.height + 6
  }
  const height = y + 10
  const legend = Object.entries(GRADE_COLOURS).map(([g, c]) => `<span class="key" style="background:${c}"></span>${g}`).join(' ')
  const title = `Backtest${s.mission ? ` ${s.mission}` : ''}, ${s.period.from} to ${s.period.to}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}
svg{width:100%;height:auto;border:1px solid #ddd}
.grid{stroke:#e4e4e4}.tick{font-size:11px;fill:#666}.lane{font-size:12px;text-anchor:end;fill:#333}
.band{fill:#fafafa;stroke:#eee}.mark{stroke:#222;stroke-width:1;opacity:.45}
.hit{fill:#222}.miss{fill:#fff;stroke:#222;stroke-width:1.5}
.key{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${s.reports.replayed} reports replayed through ${s.rules.indicators} indicators; ${s.alerts.raised} alerts raised in the period.
${s.outcomes ? `${s.outcomes.incidents} fatal incidents (${s.outcomes.fatalities} malicious-act fatalities): filled circle = a warning of operational level or higher was active and raised at least a day before; hollow = missed.` : 'No outcome list given.'}</p>
<p>Warnings by grade: ${legend}. Hover a bar or a circle for details.</p>
<svg viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}">
${axis(from, to, x, height - 10)}
${lanes.join('\n')}
${markers(result, x, height - 10)}
</svg>
${s.outcomes ? levelTableHtml(result) : ''}
</body></html>
`
}

/** The level table as HTML, from the same rows the report's Markdown table uses. */
function levelTableHtml(result: BacktestResult): string {
  const cells = (tag: string, row: readonly string[]) => `<tr>${row.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('')}</tr>`
  return `<table>${cells('th', LEVEL_TABLE_HEADER)}\n${levelTableRows(result.summary.levels).map((r) => cells('td', r)).join('\n')}</table>`
}
