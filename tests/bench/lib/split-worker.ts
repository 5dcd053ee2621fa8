/**
 * The worker thread of split-ingest.ts: opens its own store (writer, background checkpoints),
 * loads the taxonomy, the standard rules and the gazetteers as the service does, builds the
 * services graph and loads the window state, then runs each posted report through
 * `ingest.create` (its own write queue: group commit, answered after the commit) with the
 * audit record in the same transaction, as the single-thread service does.
 */
import { parentPort, workerData } from 'node:worker_threads'
import pino from 'pino'
import { loadConfig } from '../../../src/config.js'
import { openStore } from '../../../src/storage/store.js'
import { loadTaxonomy } from '../../../src/taxonomy/taxonomy.js'
import { ALIASES_DIR, TAXONOMY_FILE } from '../../../src/paths.js'
import { RuleRegistry } from '../../../src/rules/rule-registry.js'
import { GazetteerRegistry } from '../../../src/gazetteer/gazetteer-registry.js'
import { createServices } from '../../../src/services.js'
import { windowStateLoad } from '../../../src/window-state-load.js'
import { VigilError } from '../../../src/errors.js'
import type { ReportInput } from '../../../src/reports/report-schema.js'
import type { JobOutcome } from '../../../src/storage/write-queue.js'

const port = parentPort!
const config = loadConfig()
const offset = (workerData as { clockOffsetMs: number }).clockOffsetMs
const clock = () => Date.now() - offset
const logger = pino({ level: 'warn' })
const store = openStore(config.dbPath, { synchronous: config.synchronous })
const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)
const rules = new RuleRegistry(config.rulesDir, taxonomy, clock)
rules.reload('startup')
const gazetteers = new GazetteerRegistry(config.gazetteerDir, clock)
gazetteers.reload('startup')
const services = createServices({ store, taxonomy, missions: config.missions, rules, clock, gazetteers: () => gazetteers.current() })
const load = windowStateLoad({ services, rules: () => rules.current(), clock, logger })
load.start()
await load.done
if (load.problem()) throw new Error(load.problem()!)

const outcomeOf = (o: JobOutcome) => (o.ok ? 'success' : o.err instanceof VigilError ? o.err.code : 'VIGIL_INTERNAL')
port.on('message', (m: { n: number; input: ReportInput } | 'stop') => {
  if (m === 'stop') {
    void services.queue.close().then(() => { store.close(); port.close() })
    return
  }
  const { n, input } = m
  const after = (o: JobOutcome) => services.audit.append({
    at: clock(), keyId: 'bench', keyName: 'bench', action: 'report.create', target: input.id, mission: input.mission, requestId: null, outcome: outcomeOf(o),
  })
  services.ingest.create(input, after).then(
    (value) => port.postMessage({ n, ok: true, value }),
    (err: unknown) => {
      const e = err instanceof VigilError ? err : new VigilError('VIGIL_INTERNAL', 500, (err as Error).message)
      port.postMessage({ n, ok: false, err: { statusCode: e.statusCode, code: e.code, message: e.message, problems: e.problems } })
    },
  )
})
port.postMessage('ready')
