import type { FastifyBaseLogger } from 'fastify'
import type { Services } from './services.js'
import type { RuleSet } from './rules/rule-set.js'
import type { Clock } from './clock.js'

/** The load of the window state at start, as readiness and start-up logging see it. */
export interface WindowStateLoad {
  /** Queues the load behind nothing (called once the app is ready; never awaited by a hook). */
  start(): void
  /** Null once loaded; while loading or after a failure, why the service is not ready. */
  problem(): string | null
  /** Settles when the load has ended, loaded or failed (it never rejects: a failure is logged). */
  readonly done: Promise<void>
}

/**
 * Brings the live indicators' input indexes up to date and loads their look-back, and the active
 * alerts, into the engine's memory,
 * through the write queue: one job for the index check, then one per indicator, so the queue's
 * short transactions leave the event loop free in between (`/healthz` answers, `/readyz` says
 * "loading") and no fastify plugin or ready-hook timeout can cut the start-up short, however
 * long the history. Writes that arrive meanwhile queue behind the load, so every report is
 * evaluated on the loaded state.
 */
export function windowStateLoad(deps: { services: Services; rules: () => RuleSet; clock: Clock; logger: FastifyBaseLogger }): WindowStateLoad {
  const { services, logger } = deps
  let problem: string | null = 'loading indicator inputs'
  let settle: () => void = () => {}
  const done = new Promise<void>((resolve) => { settle = resolve })

  async function load() {
    const started = performance.now()
    const result = await services.queue.run(() => services.reindex(deps.rules(), deps.clock()))
    if (result.rebuilt.length + result.dropped.length > 0) logger.info(result, 'indicator indexes brought up to date')
    const ids = deps.rules().indicators.map((i) => i.rule.id)
    let held: ReturnType<Services['warmInputs']> | undefined
    for (const id of ids) {
      held = await services.queue.run(() => {
        const indicators = deps.rules().indicators.filter((i) => i.rule.id === id)
        return services.warmInputs({ indicators }, deps.clock())
      })
    }
    logger.info({ ...(held ?? services.inputsInMemory()), indicators: ids.length, ms: Math.round(performance.now() - started) }, 'indicator inputs loaded into memory')
    const alertsStarted = performance.now()
    const alerts = await services.queue.run(() => services.warmAlerts())
    logger.info({ ...alerts, ms: Math.round(performance.now() - alertsStarted) }, "active alerts loaded into the engine's index")
  }

  return {
    start() {
      load().then(
        () => { problem = null },
        (err: unknown) => {
          problem = `loading indicator inputs failed: ${(err as Error).message}`
          logger.error({ err }, 'loading the indicator inputs failed; the service stays not ready')
        },
      ).finally(settle)
    },
    problem: () => problem,
    done,
  }
}
