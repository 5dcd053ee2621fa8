import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { envInt, fcParams, fcTimeout, prng } from '../helpers/seeded.js'
import { alertKey } from '../helpers/db-checks.js'
import { MONOTONE_RULES } from '../helpers/reliability-rules.js'
import type { AlertState } from '../../src/alerts/alert.js'

/**
 * Concurrency: many clients posting related reports at once (one mission, a couple of routes and
 * districts, all within the indicators' windows) must produce exactly the alerts of posting the
 * same reports one by one in occurredAt order. Both runs use the same fixed clock, so the only
 * difference is the interleaving; the rules are monotone (tests/helpers/reliability-rules.ts), so
 * the final alerts may not depend on it.
 */

const NOW = Date.parse('2026-03-15T12:00:00Z')
const CATEGORIES = ['HOS.IED', 'HOS.IED', 'ARM.IEDACT', 'COM.CLASH', 'COM.CLASH', 'POC.KILL', 'POC.ABDUCT', 'SAF.ROAD', 'HOS.DIRECT'] as const

interface Spec {
  category: string
  minutesAgo: number
  route: string | null
  admin2: string
  reliability: string
  credibility: number
  source: number
  unKilled: number
  civInjured: number
}

function body(s: Spec, i: number): Record<string, unknown> {
  return {
    id: `C-${String(i).padStart(4, '0')}`,
    mission: 'MINUSMA',
    occurredAt: new Date(NOW - s.minutesAgo * 60_000).toISOString(),
    location: { lat: 16.27, lon: -0.04, admin1: 'Gao', admin2: s.admin2, ...(s.route ? { route: s.route } : {}) },
    category: s.category,
    casualties: { killed: { un: { military: s.unKilled } }, injured: { civilian: s.civInjured } },
    source: { reliability: s.reliability, credibility: s.credibility, sourceId: `src-${s.source}` },
    narrative: 'concurrency test report',
  }
}

const spec: fc.Arbitrary<Spec> = fc.record({
  category: fc.constantFrom(...CATEGORIES),
  // Up to 13 days back: inside the 14-day windows, across the 1- and 7-day ones.
  minutesAgo: fc.integer({ min: 0, max: 13 * 24 * 60 }),
  route: fc.constantFrom('MSR-1', 'MSR-1', 'MSR-2', null),
  admin2: fc.constantFrom('Gao', 'Gao', 'Ansongo'),
  reliability: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'),
  credibility: fc.integer({ min: 1, max: 6 }),
  source: fc.integer({ min: 1, max: 3 }),
  unKilled: fc.constantFrom(0, 0, 0, 1),
  civInjured: fc.integer({ min: 0, max: 4 }),
})

/** The final alerts of an app, comparable across runs; with the inhibition flag each one ends with. */
function finalAlerts(t: TestApp) {
  const all: AlertState[] = t.app.vigil.alerts.all()
  return { alerts: all.map(alertKey).sort(), inhibited: all.filter((a) => a.inhibited).map((a) => a.identity).sort() }
}

async function fresh() {
  // Rate limiting is not under test: every request of a burst must reach the engine.
  return testApp({ rulesDir: writeRules(MONOTONE_RULES), now: new Date(NOW).toISOString(), config: { rateLimitPerMinute: 1_000_000 } })
}

/** Posts every report one at a time in occurredAt order (stable for equal times). */
async function sequential(bodies: Record<string, unknown>[]) {
  const t = await fresh()
  try {
    const ordered = bodies.map((b, i) => ({ b, i })).sort((x, y) => Date.parse(String(x.b.occurredAt)) - Date.parse(String(y.b.occurredAt)) || x.i - y.i)
    for (const { b } of ordered) {
      const res = await t.app.inject({ method: 'POST', url: '/reports', payload: b })
      expect(res.statusCode, res.body).toBe(201)
    }
    return finalAlerts(t)
  } finally {
    await t.close()
  }
}

/** Posts the reports all at once from `clients` clients, each sending singles and batches in its own order. */
async function concurrent(groups: { batch: boolean; bodies: Record<string, unknown>[] }[]) {
  const t = await fresh()
  try {
    const answers = await Promise.all(groups.map((g) => (g.batch
      ? t.app.inject({ method: 'POST', url: '/reports/batch', payload: g.bodies }).then((r) => (r.json() as { results: { status: number }[] }).results.map((x) => x.status))
      : Promise.all(g.bodies.map((b) => t.app.inject({ method: 'POST', url: '/reports', payload: b }).then((r) => r.statusCode))))))
    expect(answers.flat().every((s) => s === 201), `statuses ${JSON.stringify(answers)}`).toBe(true)
    return finalAlerts(t)
  } finally {
    await t.close()
  }
}

describe('concurrent posts equal a sequential replay in occurredAt order', () => {
  it('for random sets of related reports, posted concurrently as singles and batches in random order', { timeout: fcTimeout(25, 60_000) }, async () => {
    const scenario = fc.array(spec, { minLength: 3, maxLength: 40 }).chain((specs) => {
      const bodies = specs.map(body)
      // A random arrival order, cut into groups; each group is one batch or a burst of singles.
      return fc.tuple(fc.shuffledSubarray(bodies, { minLength: bodies.length, maxLength: bodies.length }), fc.array(fc.boolean(), { minLength: bodies.length, maxLength: bodies.length }), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: bodies.length, maxLength: bodies.length }))
        .map(([order, batch, sizes]) => {
          const groups: { batch: boolean; bodies: Record<string, unknown>[] }[] = []
          for (let i = 0, g = 0; i < order.length; g++) {
            groups.push({ batch: batch[g]!, bodies: order.slice(i, i + sizes[g]!) })
            i += sizes[g]!
          }
          return { bodies, groups }
        })
    })
    let raised = 0
    await fc.assert(fc.asyncProperty(scenario, async ({ bodies, groups }) => {
      const one = await sequential(bodies)
      const many = await concurrent(groups)
      expect(many.alerts, 'alert sets (identity, level, grade, count, status)').toEqual(one.alerts)
      expect(many.inhibited, 'alerts left inhibited').toEqual(one.inhibited)
      raised += one.alerts.length
    }), fcParams(25))
    // The generated reports did pile up into alerts: the comparison was not of two empty sets.
    expect(raised).toBeGreaterThan(25)
  })

  it('for a burst of 400 related reports from 40 clients at once', { timeout: 60_000 }, async () => {
    const seed = envInt('VIGIL_CONCURRENCY_SEED', 20260315)
    console.log(`concurrency burst: seed ${seed}; rerun with VIGIL_CONCURRENCY_SEED=${seed}`)
    const rand = prng(seed)
    const specs = Array.from({ length: 400 }, () => fc.sample(spec, { seed: rand.int(0, 2 ** 31 - 1), numRuns: 1 })[0]!)
    const bodies = specs.map(body)
    const shuffled = rand.shuffle(bodies)
    const groups = Array.from({ length: 40 }, (_, c) => ({ batch: c % 3 === 0, bodies: shuffled.filter((_, i) => i % 40 === c) }))
    const one = await sequential(bodies)
    const many = await concurrent(groups)
    expect(one.alerts.length).toBeGreaterThan(10)
    expect(many.alerts).toEqual(one.alerts)
    expect(many.inhibited).toEqual(one.inhibited)
  })
})
