import fs from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Config } from './config.js'
import { createLogger } from './logger.js'
import { systemClock } from './clock.js'
import { openStore } from './storage/store.js'
import { loadTaxonomy } from './taxonomy/taxonomy.js'
import { ALIASES_DIR, TAXONOMY_FILE } from './paths.js'
import { RuleRegistry } from './rules/rule-registry.js'
import { GazetteerRegistry } from './gazetteer/gazetteer-registry.js'
import { watchRules, type RuleWatcher } from './rules/rule-watcher.js'
import { buildApp } from './app.js'
import { ensureFirstAdminKey } from './auth/first-admin-key.js'
import path from 'node:path'
import { RoutingRegistry } from './notify/routing-registry.js'

/** Longer than the app's own wait for writes in flight (twice the request timeout). */
const SHUTDOWN_DEADLINE_MS = 90_000

/**
 * The process entry: reads the configuration, opens and migrates the database, loads the
 * taxonomy and the rules, listens, reloads the rules when their files change or on SIGHUP, and
 * closes cleanly on SIGTERM/SIGINT.
 */
export async function serve(config: Config = loadConfig()): Promise<FastifyInstance> {
  const started = performance.now()
  const logger = createLogger(config.logLevel)
  const store = openStore(config.dbPath, { synchronous: config.synchronous, backgroundCheckpoint: true })
  const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)
  const rules = new RuleRegistry(config.rulesDir, taxonomy, systemClock)
  const attempt = rules.reload('startup')
  if (!attempt.ok) {
    for (const p of attempt.problems) logger.error({ file: p.file, line: p.line, column: p.column, path: p.path }, p.message)
    logger.error({ dir: config.rulesDir, problems: attempt.problems.length }, 'rules failed their check; serving with no indicators')
  } else {
    logger.info({ version: attempt.version, rules: rules.current().indicators.length }, 'rules loaded')
  }
  const gazetteers = new GazetteerRegistry(config.gazetteerDir, systemClock)
  const loaded = gazetteers.reload('startup')
  if (!loaded.ok) {
    for (const p of loaded.problems) logger.error({ file: p.file, line: p.line, column: p.column, path: p.path }, p.message)
    logger.error({ dir: config.gazetteerDir, problems: loaded.problems.length }, 'gazetteers failed their check; place names are kept as given')
  } else {
    logger.info({ version: loaded.version, missions: gazetteers.current().missions() }, 'gazetteers loaded')
  }
  const routing = new RoutingRegistry(config.routingFile, systemClock, { taxonomy, missions: config.missions })
  const routed = routing.reload('startup')
  if (!routed.ok) {
    for (const p of routed.problems) logger.error({ file: p.file, line: p.line, column: p.column, path: p.path }, p.message)
    logger.error({ file: config.routingFile, problems: routed.problems.length }, 'routing failed its check; nothing is sent until it is fixed')
  } else {
    logger.info({ file: config.routingFile, version: routed.version, missing: routed.missing }, routed.missing ? 'no routing file: nothing is sent' : 'routing loaded')
  }
  const app = await buildApp({ config, store, taxonomy, rules, gazetteers, clock: systemClock, logger, routing })
  if (config.auth === 'on') {
    const written = await app.vigil.queue.run(() => ensureFirstAdminKey({
      keys: app.vigil.keys, admin: app.vigil.keyAdmin, file: config.adminTokenFile, now: systemClock(),
    }))
    if (written) logger.warn({ file: written }, 'no admin key existed: one was created; its token is in this file, readable only by its owner')
  }

  const watchers: RuleWatcher[] = []
  const onHangup = () => {
    app.reloadGazetteers('SIGHUP')
    void app.reloadRules('SIGHUP')
    void app.reloadRouting('SIGHUP')
  }

  let closing = false
  const close = async (signal: string) => {
    if (closing) return
    closing = true
    logger.info({ signal }, 'shutting down: finishing in-flight requests')
    // A shutdown that cannot finish must still end: every 2xx is already committed.
    setTimeout(() => {
      logger.error({ afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting')
      process.exit(1)
    }, SHUTDOWN_DEADLINE_MS).unref()
    for (const w of watchers) w.close()
    process.off('SIGHUP', onHangup)
    try {
      await app.close()
      store.close()
      logger.info('closed cleanly')
      // Exit when the last buffered bytes (an ended stream's backlog) are written, not before;
      // the timer only guards against a handle that would keep the process alive.
      process.exitCode = 0
      setTimeout(() => process.exit(0), 10_000).unref()
    } catch (err) {
      logger.error({ err }, 'unclean shutdown')
      process.exit(1)
    }
  }
  process.once('SIGTERM', () => void close('SIGTERM'))
  process.once('SIGINT', () => void close('SIGINT'))

  // Before listening: SIGHUP's default action would end the process.
  process.on('SIGHUP', onHangup)

  await app.listen({ port: config.port, host: config.host })
  if (config.watchRules) {
    const watch = (dir: string, reload: () => void, what: string) => {
      const watchFailed = (err: unknown) => logger.error({ err, dir }, `${what} watch failed; reload with SIGHUP or POST /${what}/reload`)
      try {
        if (fs.existsSync(dir)) watchers.push(watchRules(dir, reload, { onError: watchFailed }))
      } catch (err) {
        watchFailed(err)
      }
    }
    watch(config.rulesDir, () => void app.reloadRules('watch'), 'rules')
    watch(config.gazetteerDir, () => app.reloadGazetteers('watch'), 'gazetteer')
    // The routing file's folder, not the file: an editor's save replaces the file.
    watch(path.dirname(config.routingFile), () => void app.reloadRouting('watch'), 'routing')
  }
  logger.info({ db: config.dbPath, rules: config.rulesDir, gazetteer: config.gazetteerDir, taxonomy: taxonomy.version, ms: Math.round(performance.now() - started) }, 'vigil listening; loading the window state')
  // Ready (GET /readyz 200) once the window state is in memory; the load logs its own time.
  void app.windowState.done.then(() => {
    const problem = app.windowState.problem()
    if (problem) logger.error({ problem }, 'vigil is not ready')
    else logger.info({ startupMs: Math.round(performance.now() - started) }, 'vigil ready')
  })
  return app
}
