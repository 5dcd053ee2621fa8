/** Plain-text tables for stdout. */
import type { BenchResult, Summary } from './stats.js'

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '-'
  const a = Math.abs(x)
  if (a >= 1000) return Math.round(x).toLocaleString('en-US')
  if (a >= 100) return x.toFixed(0)
  if (a >= 10) return x.toFixed(1)
  if (a >= 1) return x.toFixed(2)
  return x.toPrecision(2)
}

const range = (s: Summary) => (s.n > 1 ? `${fmt(s.median)} (${fmt(s.min)}..${fmt(s.max)})` : fmt(s.median))

export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

export function renderBench(b: BenchResult): string {
  const rows = b.rows.map((r) => [
    r.figure,
    `${range(r.value)} ${r.unit}`,
    r.baseline ? `${range(r.baseline.value)} (${r.baseline.label})` : '',
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '',
    r.target?.text ?? '',
    r.met === undefined ? '' : r.met ? 'met' : 'NOT MET',
  ])
  const out = [`\n=== ${b.title} (${Math.round(b.seconds)} s) ===`, renderTable(['figure', 'median (min..max)', 'baseline median (min..max)', 'ratio', 'target', 'status'], rows)]
  for (const n of b.notes) out.push(`  - ${n}`)
  return out.join('\n')
}
