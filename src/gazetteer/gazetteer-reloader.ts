import type { Logger } from 'pino'
import type { GazetteerRegistry, GazetteerReloadAttempt } from './gazetteer-registry.js'

export type ReloadGazetteers = (trigger: string) => GazetteerReloadAttempt

/**
 * The one way the service reloads its gazetteers (file watch, SIGHUP, POST /gazetteer/reload):
 * logged, never throwing into its caller. A swap is one assignment, and each report reads the
 * live set once when it is placed, so no report is placed with half of two sets.
 */
export function createGazetteerReloader(registry: GazetteerRegistry, logger: Logger): ReloadGazetteers {
  return (trigger: string) => {
    const attempt = registry.reload(trigger)
    const fields = { trigger, version: attempt.version, ok: attempt.ok, changed: attempt.changed, problems: attempt.problems.length }
    for (const p of attempt.warnings) logger.warn({ file: p.file, line: p.line, column: p.column, path: p.path }, p.message)
    if (attempt.ok) {
      logger.info({ ...fields, live: registry.current().version }, attempt.changed ? 'gazetteers reloaded' : 'gazetteers reloaded: no change')
    } else {
      for (const p of attempt.problems) logger.warn({ file: p.file, line: p.line, column: p.column, path: p.path }, p.message)
      logger.error({ ...fields, live: registry.current().version }, `gazetteer reload refused; version ${registry.current().version} stays live`)
    }
    return attempt
  }
}
