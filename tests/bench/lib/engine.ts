/**
 * The engine in-process, exactly as the service and the backtest build it (createServices on a
 * real SQLite file), with a manual clock: for building histories and for per-report timings.
 */
import { manualClock } from '../../../src/clock.js'
import { createServices } from '../../../src/services.js'
import { openStore, type Store } from '../../../src/storage/store.js'
import { loadTaxonomy } from '../../../src/taxonomy/taxonomy.js'
import { ALIASES_DIR, STANDARD_RULES_DIR, TAXONOMY_FILE } from '../../../src/paths.js'
import { checkRuleDir } from '../../../src/rules/rule-registry.js'
import { buildRuleSet, type RuleSet } from '../../../src/rules/rule-set.js'
import type { Report } from '../../../src/reports/report.js'
import { MISSIONS } from './synthetic.js'

export const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)

/** A rule directory, checked and compiled; throws on any problem. */
export function ruleSetFrom(dir: string = STANDARD_RULES_DIR): RuleSet {
  const checked = checkRuleDir(dir, taxonomy)
  if (checked.problems.length > 0) {
    throw new Error(`rules in ${dir} fail their check:\n${checked.problems.slice(0, 10).map((p) => `${p.file}:${p.line} ${p.path} ${p.message}`).join('\n')}`)
  }
  return buildRuleSet(checked.rules, checked.version, Date.now())
}

export interface Engine {
  store: Store
  clock: ReturnType<typeof manualClock>
  services: ReturnType<typeof createServices>
  /** Seconds of each evaluation since the last drain (the service's own evaluation metric). */
  evaluations: number[]
  close(): Promise<void>
}

export function openEngine(file: string, set: RuleSet, opts: { synchronous?: 'FULL' | 'NORMAL'; now?: number } = {}): Engine {
  const store = openStore(file, { synchronous: opts.synchronous ?? 'NORMAL', backgroundCheckpoint: true })
  const clock = manualClock(opts.now ?? 0)
  const evaluations: number[] = []
  const services = createServices({
    store, taxonomy, missions: MISSIONS, rules: { current: () => set }, clock,
    onEvaluated: (s) => { evaluations.push(s) },
  })
  return {
    store, clock, services, evaluations,
    async close() {
      await services.queue.close()
      store.close()
    },
  }
}

/**
 * Moves the clock to `t`, expiring on the way every alert that falls due before it at its own
 * expiry time, as the service's expiry timer would have (as src/evaluate/replay.ts does).
 */
export function advance(engine: Engine, t: number) {
  let next: number | undefined
  // The engine's own index: inside this job, the alerts it expires are not in SQLite yet.
  while ((next = engine.services.nextExpiry(t)) !== undefined) {
    const at = Math.max(next, engine.clock())
    engine.clock.set(at)
    engine.services.evaluator.expire(at)
  }
  engine.clock.set(t)
}

/**
 * Feeds classified reports in occurredAt order with the clock at each report's time, a chunk at
 * a time, as src/evaluate/replay.ts does (the queue commits a chunk in a few transactions).
 */
export async function feed(engine: Engine, reports: Iterable<Report>, opts: { chunk?: number; clockAt?: (r: Report) => number; onProgress?: (n: number) => void } = {}) {
  const chunkSize = opts.chunk ?? 250
  let chunk: Promise<unknown>[] = []
  let n = 0
  let rejected = 0
  for (const report of reports) {
    const t = opts.clockAt ? opts.clockAt(report) : Date.parse(report.occurredAt)
    engine.services.queue.run(() => advance(engine, t)).catch(() => undefined)
    chunk.push(engine.services.ingest.createClassified(report).catch(() => { rejected++ }))
    n++
    if (chunk.length >= chunkSize) {
      await Promise.all(chunk)
      chunk = []
      opts.onProgress?.(n)
    }
  }
  await Promise.all(chunk)
  return { fed: n, rejected }
}
