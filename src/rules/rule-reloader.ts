import type { Logger } from 'pino'
import type { Clock } from '../clock.js'
import type { ReloadAttempt, RuleRegistry } from './rule-registry.js'
import type { RuleSet } from './rule-set.js'

/** Runs a job between two writes: the service's write queue. */
export interface Serializer {
  run<T>(fn: () => T | Promise<T>): Promise<T>
}

export type ReloadRules = (trigger: string) => Promise<ReloadAttempt>

/** Logs one reload attempt: a line for the attempt, and each refused file's problem at warn. */
export function logReloadAttempt(logger: Logger, attempt: ReloadAttempt, liveVersion: string) {
  const fields = { trigger: attempt.trigger, version: attempt.version, ok: attempt.ok, changed: attempt.changed, problems: attempt.problems.length }
  if (attempt.ok) {
    logger.info({ ...fields, live: liveVersion }, attempt.changed ? 'rules reloaded' : 'rules reloaded: no change')
    return
  }
  for (const p of attempt.problems) logger.warn({ file: p.file, line: p.line, column: p.column, path: p.path }, p.message)
  logger.error({ ...fields, live: liveVersion }, `rules reload refused; version ${liveVersion} stays live`)
}

/**
 * The one way the service reloads its rules (file watch, SIGHUP, POST /rules/reload): through
 * the write queue, so a swap never falls inside an evaluation, logged, and never throwing into
 * its caller (a watcher callback or a signal handler has nobody to catch for it).
 */
export function createRuleReloader(registry: RuleRegistry, queue: Serializer, logger: Logger, clock: Clock,
  afterSwap?: (set: RuleSet, now: number) => Promise<unknown>): ReloadRules {
  return async (trigger: string) => {
    let attempt: ReloadAttempt
    try {
      // The swap and the rebuild of what it changed run in one job: no evaluation sees one without the other.
      attempt = await queue.run(async () => {
        const a = registry.reload(trigger)
        if (a.ok && a.changed && afterSwap) logger.info({ trigger, ...(await afterSwap(registry.current(), clock()) as object) }, 'indicator indexes brought up to date')
        return a
      })
    } catch (err) {
      // The queue refuses work while the service shuts down; the live set simply stays.
      attempt = {
        at: new Date(clock()).toISOString(), trigger, ok: false, changed: false, version: '',
        problems: [{ file: registry.dir, line: 1, column: 1, path: '', message: `reload not run: ${(err as Error).message}` }],
      }
    }
    logReloadAttempt(logger, attempt, registry.current().version)
    return attempt
  }
}
