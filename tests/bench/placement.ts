/**
 * 6. Placement: what resolving a report's place against its mission's gazetteer costs per
 * report (the shipped MINUSCA gazetteer: 17 prefecture polygons, 28 sites), for points spread
 * over the Central African Republic and for names-only reports, against the report's schema
 * validation measured in the same run (a cost every report pays anyway).
 */
import { GAZETTEER_DIR } from '../../src/paths.js'
import { loadGazetteers } from '../../src/gazetteer/gazetteer-loader.js'
import { placeIn } from '../../src/reports/report-place.js'
import { reportInputSchema } from '../../src/reports/report-schema.js'
import type { BenchContext } from './lib/context.js'
import { row, summarize, type BenchResult } from './lib/stats.js'

/** A small deterministic generator (mulberry32): the same points every run. */
function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const NAMES = ['Ouaka', 'OUAKA province', 'Ouham-Pendé prefecture', 'Bangui', 'Haute-Kotto', 'Nana-Grébizi']

/** Per-operation microseconds of `fn` over `inputs`, after a warm-up pass. */
function perOp<T>(inputs: T[], fn: (x: T) => unknown): number {
  for (const x of inputs) fn(x)
  const t0 = performance.now()
  for (const x of inputs) fn(x)
  return ((performance.now() - t0) * 1000) / inputs.length
}

export async function placement(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const loaded = loadGazetteers(GAZETTEER_DIR)
  if (!loaded.set) throw new Error('the shipped gazetteers fail their check')
  const gaz = loaded.set.get('MINUSCA')
  const n = ctx.quick ? 20_000 : 100_000
  const next = rng(42)
  // The country's bounding box: some points fall outside every prefecture, as real typos do.
  const points = Array.from({ length: n }, () => ({ lat: 2.2 + next() * 8.8, lon: 14.4 + next() * 13.1, precision: 'exact' as const }))
  const named = Array.from({ length: n }, (_, i) => ({ admin1: NAMES[i % NAMES.length]! }))
  const bodies = points.map((location, i) => ({
    id: `BENCH-${i}`, mission: 'MINUSCA', occurredAt: '2026-03-01T08:00:00Z', location, category: 'ARM.CLASH',
    source: { reliability: 'B', credibility: 2 }, narrative: 'clashes reported near the town',
  }))
  const repeats = ctx.repeats
  const coords: number[] = []
  const names: number[] = []
  const validate: number[] = []
  for (let r = 0; r < repeats; r++) {
    validate.push(perOp(bodies, (b) => reportInputSchema.safeParse(b)))
    coords.push(perOp(points, (p) => placeIn(gaz, p)))
    names.push(perOp(named, (p) => placeIn(gaz, p)))
  }
  const baseline = { label: 'report schema validation', value: summarize(validate) }
  const target = { on: 'ratio' as const, op: '<=' as const, limit: 1, text: '<= 1x validation' }
  return {
    name: 'placement',
    title: `Placement against the MINUSCA gazetteer (${n.toLocaleString('en-US')} reports, ${repeats} repeats)`,
    rows: [
      row({ figure: 'by coordinates (point in polygon, nearest site and route)', unit: 'µs/report', value: summarize(coords), baseline, target }),
      row({ figure: 'by names only (alternate spellings)', unit: 'µs/report', value: summarize(names), baseline, target }),
    ],
    notes: ['Placement runs once per report at intake, before the write queue; the evaluation that follows costs ~1 ms per report.'],
    seconds: (performance.now() - t0) / 1000,
  }
}
