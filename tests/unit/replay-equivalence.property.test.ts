import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { taxonomy, testApp, type TestApp } from '../helpers/test-app.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import { STANDARD_RULES_DIR } from '../../src/paths.js'
import { classifyReport, fingerprint, type Report } from '../../src/reports/report.js'
import { reportInputSchema } from '../../src/reports/report-schema.js'
import { placeIn } from '../../src/reports/report-place.js'
import { createMemoryEngine } from '../../src/engine/memory-engine.js'
import { labelOf } from '../../src/taxonomy/taxonomy.js'
import { replay } from '../../src/evaluate/replay.js'
import type { AlertChange } from '../../src/engine/alert-change.js'

/**
 * Replay against live: a randomised stream of report writes (several missions, revisions,
 * retractions, late reports, escalation cascades, expiries, radius and grouped scopes) goes
 * (a) through the service (app.inject on a real SQLite file, the clock moved to each write and
 * the expiry sweep run at each alert's own expiry, as the timer would) and (b) through the
 * in-memory engine that replays run on. Every alert change must agree: kind, indicator, scope,
 * level, grade, facts, inputs, times; alert ids are compared through a consistent renumbering.
 * `VIGIL_PROPERTY_RUNS` and `VIGIL_PROPERTY_SEED` run it longer or reproduce a failure.
 */

const RUNS = Number(process.env.VIGIL_PROPERTY_RUNS ?? 100)
const SEED = process.env.VIGIL_PROPERTY_SEED === undefined ? undefined : Number(process.env.VIGIL_PROPERTY_SEED)
const DAY = 86_400_000
const HOUR = 3_600_000
/** Each case starts this long after the last one ended: longer than any standard indicator's look-back, so nothing of one is in another's windows or alive in it. */
const ERA = 730 * DAY

const MISSIONS = ['MINUSMA', 'MONUSCO', 'MINUSCA'] as const
/** Points a few km apart and tens of km apart: radius scopes (20 km) both join and split them. */
const PLACES = [
  { lat: 16.2667, lon: -0.0447, admin1: 'Gao', admin2: 'Gao', route: 'MSR-1', site: 'Camp Alpha' },
  { lat: 16.30, lon: -0.02, admin1: 'Gao', admin2: 'Ansongo', route: 'MSR-1', site: 'Camp Alpha' },
  { lat: 16.50, lon: 0.10, admin1: 'Gao', admin2: 'Ansongo', route: 'MSR-2' },
  { lat: 18.44, lon: 1.41, admin1: 'Kidal', admin2: 'Tessalit', site: 'Camp Bravo' },
  { lat: 18.47, lon: 1.43, admin1: 'Kidal', admin2: 'Tessalit', route: 'MSR-3' },
]
const CATEGORIES = ['HOS.IED', 'ARM.IEDACT', 'HOS.INDIRECT', 'ARM.MOBIL', 'POC.INCITE', 'HOS.OBSTRUCT', 'COM.CLASH', 'POC.KILL'] as const

interface Content {
  mission: number
  place: number
  category: number
  killed: number
  civilians: number
  reliability: 'A' | 'B' | 'C' | 'E'
  credibility: number
  source: number
  /** How long before its write the report occurred (a late report when large). */
  lateMs: number
}

type Op =
  | { kind: 'create'; gapMs: number; content: Content }
  | { kind: 'revise'; gapMs: number; pick: number; content: Content }
  | { kind: 'retract'; gapMs: number; pick: number }

/** Picks with weights: most reports fall where the standard indicators count them together. */
const weighted = (...ws: [number, number][]) => fc.oneof(...ws.map(([weight, v]) => ({ weight, arbitrary: fc.constant(v) })))

const content: fc.Arbitrary<Content> = fc.record({
  mission: weighted([6, 0], [2, 1], [1, 2]),
  place: weighted([4, 0], [3, 1], [1, 2], [2, 3], [1, 4]),
  // IEDs on routes, massing near camps, indirect fire on sites: clusters, radius scopes, escalations.
  category: weighted([5, 0], [2, 1], [3, 2], [3, 3], [1, 4], [1, 5], [2, 6], [2, 7]),
  killed: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  civilians: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 }) }),
  reliability: fc.constantFrom('A', 'B', 'B', 'C', 'E'),
  credibility: fc.constantFrom(1, 2, 2, 3, 4, 5),
  source: fc.nat({ max: 3 }),
  lateMs: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 6 * HOUR }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((d) => d * DAY) }),
})

/** Gaps mostly of hours (clusters), sometimes of weeks (expiries in between). */
const gap = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 12 }).map((h) => h * HOUR) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 40 }).map((d) => d * DAY) })

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('create' as const), gapMs: gap, content }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revise' as const), gapMs: gap, pick: fc.nat(), content }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retract' as const), gapMs: gap, pick: fc.nat() }) },
)

/** One write of the stream, resolved against the reports written before it. */
type Write = { at: number; kind: 'create' | 'revise' | 'retract'; id: string; body?: Record<string, unknown> }

function body(id: string, c: Content, at: number): Record<string, unknown> {
  const p = PLACES[c.place]!
  return {
    id,
    mission: MISSIONS[c.mission],
    occurredAt: new Date(at - c.lateMs).toISOString(),
    location: { lat: p.lat, lon: p.lon, precision: 'exact', admin1: p.admin1, admin2: p.admin2, ...(p.route ? { route: p.route } : {}), ...(p.site ? { site: p.site } : {}) },
    category: CATEGORIES[c.category],
    source: { reliability: c.reliability, credibility: c.credibility, sourceId: `src-${c.source}` },
    casualties: { killed: { un: { military: c.killed }, civilian: c.civilians } },
    narrative: 'generated',
  }
}

/** The ops as writes from `start`: revisions and retractions pick among the live reports (none: skipped). */
function writes(ops: Op[], start: number, prefix: string): Write[] {
  const out: Write[] = []
  const live: string[] = []
  let at = start
  let n = 0
  for (const o of ops) {
    at += o.gapMs
    if (o.kind === 'create') {
      const id = `${prefix}-${++n}`
      live.push(id)
      out.push({ at, kind: 'create', id, body: body(id, o.content, at) })
    } else if (live.length > 0) {
      const id = live[o.pick % live.length]!
      if (o.kind === 'revise') out.push({ at, kind: 'revise', id, body: body(id, o.content, at) })
      else {
        live.splice(live.indexOf(id), 1)
        out.push({ at, kind: 'retract', id })
      }
    }
  }
  return out
}

/**
 * A change as compared: alert ids (the alert's own, in causes and reasons, `alert:<id>` inputs)
 * renumbered in order of appearance, the sequence number left out (both sides number from their own start).
 */
function comparable(changes: readonly AlertChange[]) {
  const ids = new Map<number, number>()
  const id = (n: number) => { if (!ids.has(n)) ids.set(n, ids.size + 1); return ids.get(n)! }
  return changes.map((c) => {
    id(c.alertId)
    const { seq: _s, id: _id, ...alert } = c.alert
    // Centroids are running sums differenced: their last bits depend on what else memory holds (the
    // service holds earlier cases' inputs too), so fractions are compared to 1e-9.
    const text = JSON.stringify({ kind: c.kind, at: c.at, cause: c.cause, inputIds: c.inputIds, alertId: c.alertId, alert },
      (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(9)) : v))
      .replace(/alert(:| )(\d+)/g, (_m, sep: string, n: string) => `alert${sep}#${id(Number(n))}`)
      .replace(/"alertId":(\d+)/g, (_m, n: string) => `"alertId":${id(Number(n))}`)
    return JSON.parse(text) as unknown
  })
}

let t: TestApp
beforeAll(async () => {
  // The timer stays out of it: the test sweeps at each expiry itself, and never marks overdue (replays do not).
  t = await testApp({ rulesDir: STANDARD_RULES_DIR, now: '2020-01-01T00:00:00Z', config: { expiryIntervalMs: 24 * 3_600_000 } })
})
afterAll(async () => { await t.close() })

/** The service's clock moved to `at`, the expiry sweep run at each alert's own expiry on the way (the timer's work). */
async function sweepTo(at: number) {
  let next: number | undefined
  while ((next = t.app.vigil.alerts.dueForExpiry(at)[0]?.expiresAt) !== undefined) {
    t.clock.set(Math.max(next, t.clock()))
    await t.app.vigil.sweep()
  }
  t.clock.set(at)
}

/** The service: expire what falls due on the way to the write, then write. */
async function live(w: Write) {
  await sweepTo(w.at)
  const res = w.kind === 'create' ? await t.app.inject({ method: 'POST', url: '/reports', payload: w.body })
    : w.kind === 'revise' ? await t.app.inject({ method: 'PUT', url: `/reports/${w.id}`, payload: w.body })
      : await t.app.inject({ method: 'DELETE', url: `/reports/${w.id}` })
  expect(res.statusCode, res.body).toBeLessThan(300)
}

/** The same stream through the in-memory engine, with the service's ingest decisions mirrored. */
async function memory(ws: Write[], end: number) {
  // As the service builds it: the taxonomy's labels for sentences, the gazetteers' bordering areas.
  const engine = createMemoryEngine(() => t.rules.current(), {
    categoryLabel: labelOf(taxonomy),
    neighbours: (mission, pcode) => t.gazetteers.current().get(mission)?.neighbours(pcode) ?? [],
  })
  const stored = new Map<string, Report>()
  const classify = (b: Record<string, unknown>, now: number): Report => {
    const gaz = t.gazetteers.current()
    const out = classifyReport(reportInputSchema.parse(b), { taxonomy, missions: DEFAULT_MISSIONS, now, place: (m, loc) => placeIn(gaz.get(m), loc) })
    if ('problems' in out) throw new Error(JSON.stringify(out.problems))
    return out.report
  }
  for (const w of ws) {
    engine.advance(w.at)
    const before = stored.get(w.id) ?? null
    const after = w.body ? classify(w.body, w.at) : null
    // An unchanged revision is not evaluated (the service answers 200 with nothing new).
    if (before && after && fingerprint(before) === fingerprint(after)) continue
    if (after) stored.set(w.id, after)
    else stored.delete(w.id)
    await engine.reportChanged({ reportId: w.id, before, after })
  }
  engine.advance(end)
  engine.sweep()
  return engine.alerts.changes()
}

let era = Date.parse('2021-01-01T00:00:00Z')
let cases = 0

describe('replay and live evaluation agree change for change', () => {
  it('on randomised streams of writes: revisions, retractions, late reports, cascades, expiries', async () => {
    let reached = 0
    const kinds = new Map<string, number>()
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 40, size: 'max' }), async (ops) => {
      const ws = writes(ops, era, `EQ${++cases}`)
      const end = (ws[ws.length - 1]?.at ?? era) + 120 * DAY
      era = end + ERA
      const from = t.app.vigil.alerts.lastSeq()
      for (const w of ws) await live(w)
      await sweepTo(end)
      await t.app.vigil.sweep()
      const served = t.app.vigil.alerts.changesAfter(from, 100_000, { silenced: 'include', inhibited: 'include' }).changes
      const replayed = await memory(ws, end)
      expect(comparable(replayed)).toEqual(comparable(served))
      reached += served.length
      for (const c of served) kinds.set(`${c.kind} ${c.alert.indicatorId}`, (kinds.get(`${c.kind} ${c.alert.indicatorId}`) ?? 0) + 1)
    }), { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true })
    // The streams must reach the engine's decisions, not only pass through it.
    if (process.env.VIGIL_PROPERTY_DEBUG) console.log([...kinds].sort().join('\n'))
    expect(reached).toBeGreaterThan(RUNS)
  }, 600_000)

  it('replay() over a stream of new reports gives the service\'s changes', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.record({ gapMs: gap, content: content.map((c) => ({ ...c, lateMs: 0 })) }), { minLength: 4, maxLength: 30, size: 'max' }), async (items) => {
      const ws = writes(items.map((i) => ({ kind: 'create' as const, ...i })), era, `RP${++cases}`)
      const end = ws[ws.length - 1]!.at + 120 * DAY
      era = end + ERA
      const from = t.app.vigil.alerts.lastSeq()
      for (const w of ws) await live(w)
      await sweepTo(end)
      await t.app.vigil.sweep()
      const served = t.app.vigil.alerts.changesAfter(from, 100_000, { silenced: 'include', inhibited: 'include' }).changes
      const gaz = t.gazetteers.current()
      const reports = ws.map((w) => {
        const out = classifyReport(reportInputSchema.parse(w.body), { taxonomy, missions: DEFAULT_MISSIONS, now: w.at, place: (m, loc) => placeIn(gaz.get(m), loc) })
        if ('problems' in out) throw new Error(JSON.stringify(out.problems))
        return out.report
      })
      const out = await replay({ reports, set: t.rules.current(), taxonomy, missions: DEFAULT_MISSIONS, until: end, gazetteers: t.gazetteers.current(), snapshots: true })
      expect(comparable(out.changes)).toEqual(comparable(served))
    }), { numRuns: Math.max(10, Math.round(RUNS / 4)), ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true })
  }, 600_000)
})
