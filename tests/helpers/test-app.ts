import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { DEFAULT_MISSIONS, defaultConfig, type Config } from '../../src/config.js'
import { manualClock } from '../../src/clock.js'
import { openStore } from '../../src/storage/store.js'
import { loadTaxonomy } from '../../src/taxonomy/taxonomy.js'
import { ALIASES_DIR, GAZETTEER_DIR, TAXONOMY_FILE } from '../../src/paths.js'
import { RuleRegistry } from '../../src/rules/rule-registry.js'
import { GazetteerRegistry } from '../../src/gazetteer/gazetteer-registry.js'
import { createServices } from '../../src/services.js'
import { reportInputSchema } from '../../src/reports/report-schema.js'
import { RoutingRegistry } from '../../src/notify/routing-registry.js'

export const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'vigil-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** Writes rule files (relative path -> YAML text) into a new rules directory. */
export function writeRules(files: Record<string, string>, dir = tempDir('vigil-rules-')): string {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    fs.writeFileSync(path.join(dir, rel), text)
  }
  return dir
}

export interface TestApp {
  app: FastifyInstance
  clock: ReturnType<typeof manualClock>
  dbFile: string
  rules: RuleRegistry
  gazetteers: GazetteerRegistry
  close(): Promise<void>
}

/**
 * The real app on a real SQLite file in a temp folder, with a fixed clock and a silent logger.
 * `rulesDir` defaults to an empty directory; rules must pass their check or this throws.
 */
export async function testApp(opts: { rulesDir?: string; now?: string; config?: Partial<Config>; dbFile?: string; auth?: boolean; gazetteerDir?: string; routing?: string } = {}): Promise<TestApp> {
  const dir = tempDir()
  const dbFile = opts.dbFile ?? path.join(dir, 'vigil.db')
  const clock = manualClock(opts.now ?? '2026-03-01T12:00:00Z')
  // Tests of other features run with the development switch; access tests ask for auth.
  const config = defaultConfig({ dbPath: dbFile, logLevel: 'silent', auth: opts.auth ? 'on' : 'off', ...opts.config })
  const store = openStore(dbFile)
  const rules = new RuleRegistry(opts.rulesDir ?? writeRules({}), taxonomy, clock)
  const attempt = rules.reload()
  if (!attempt.ok) throw new Error(`test rules failed their check:\n${attempt.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.path} ${p.message}`).join('\n')}`)
  // A routing file's text, when the test sends notifications; it must pass its check.
  let routing: RoutingRegistry | undefined
  if (opts.routing !== undefined) {
    fs.writeFileSync(path.join(dir, 'routing.yaml'), opts.routing)
    routing = new RoutingRegistry(path.join(dir, 'routing.yaml'), clock, { taxonomy })
    const routed = routing.reload('startup')
    if (!routed.ok) throw new Error(`test routing failed its check:\n${routed.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`).join('\n')}`)
  }
  // The shipped gazetteers (MINUSCA) unless a test brings its own.
  const gazetteers = new GazetteerRegistry(opts.gazetteerDir ?? GAZETTEER_DIR, clock)
  const placed = gazetteers.reload('startup')
  if (!placed.ok) throw new Error(`test gazetteers failed their check:\n${placed.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.path} ${p.message}`).join('\n')}`)
  const app = await buildApp({ config, store, taxonomy, rules, gazetteers, clock, logger: pino({ level: 'silent' }), ...(routing ? { routing } : {}) })
  await app.ready()
  // Tests start from a loaded service, as a client would wait for /readyz.
  await app.windowState.done
  return {
    app,
    clock,
    dbFile,
    rules,
    gazetteers,
    async close() {
      await app.close()
      store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Creates a report through a second writer on the app's database file, as `vigil import` does
 * beside a running service: the app learns of it only through the database. Returns the status.
 */
export async function createBeside(t: TestApp, body: Record<string, unknown>, at: string): Promise<number> {
  const other = openStore(t.dbFile)
  const services = createServices({ store: other, taxonomy, missions: DEFAULT_MISSIONS, rules: { current: () => t.rules.current() }, clock: manualClock(at) })
  try {
    return (await services.ingest.create(reportInputSchema.parse(body))).status
  } finally {
    await services.queue.close()
    other.close()
  }
}
