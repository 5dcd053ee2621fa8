/**
 * Child process: the server under test, one per run, driven from the parent over HTTP.
 *
 *   BENCH_SERVER=vigil  the real app (buildApp) as src/main.ts builds it: config from the
 *                       environment, openStore, the rule registry, pino logs on stdout. The only
 *                       difference: the clock may be shifted back (BENCH_CLOCK_OFFSET_MS) so a
 *                       cached history ends "now" for the service.
 *   BENCH_SERVER=bare   a bare fastify app: POST /reports parses the JSON body and answers 201,
 *                       GET /alerts answers a small JSON page. The baseline, same process shape.
 *
 * Tells the parent {port} over IPC once listening; answers {cpu} to 'cpu' messages with
 * process.cpuUsage(); records a CPU profile between {profile:'start'} and {profile:'stop',file}
 * (the inspector's Profiler, as --cpu-prof, without the start-up); closes cleanly on 'stop'.
 */
import fs from 'node:fs'
import inspector from 'node:inspector'
import Fastify, { type FastifyInstance } from 'fastify'

async function vigil(): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const { loadConfig } = await import('../../../src/config.js')
  const { createLogger } = await import('../../../src/logger.js')
  const { openStore } = await import('../../../src/storage/store.js')
  const { loadTaxonomy } = await import('../../../src/taxonomy/taxonomy.js')
  const { ALIASES_DIR, TAXONOMY_FILE } = await import('../../../src/paths.js')
  const { RuleRegistry } = await import('../../../src/rules/rule-registry.js')
  const { buildApp } = await import('../../../src/app.js')
  const config = loadConfig()
  const offset = Number(process.env.BENCH_CLOCK_OFFSET_MS ?? 0)
  const clock = () => Date.now() - offset
  const logger = createLogger(config.logLevel)
  const store = openStore(config.dbPath, { synchronous: config.synchronous, backgroundCheckpoint: true })
  const { ensureBenchKey } = await import('./bench-auth.js')
  ensureBenchKey(store, clock())
  const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)
  const rules = new RuleRegistry(config.rulesDir, taxonomy, clock)
  const attempt = rules.reload('startup')
  if (!attempt.ok) throw new Error(`rules failed their check: ${attempt.problems.map((p) => p.message).join('; ')}`)
  const { GazetteerRegistry } = await import('../../../src/gazetteer/gazetteer-registry.js')
  const gazetteers = new GazetteerRegistry(config.gazetteerDir, clock)
  gazetteers.reload('startup')
  const app = await buildApp({ config, store, taxonomy, rules, gazetteers, clock, logger })
  // BENCH_SPLIT=1: POST /reports' write path on a worker thread (a measuring prototype, split-ingest.ts).
  const stopSplit = process.env.BENCH_SPLIT === '1' ? await (await import('./split-ingest.js')).splitIngest(app, { clockOffsetMs: offset }) : null
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, close: async () => { await stopSplit?.(); await app.close(); store.close() } }
}

async function bare(): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const app = Fastify({ bodyLimit: 1_048_576 })
  let n = 0
  app.post('/reports', async (req, reply) => {
    const body = req.body as { id?: string }
    n++
    return reply.code(201).send({ report: { id: body.id, revision: 1 }, alerts: [] })
  })
  app.get('/alerts', async () => ({ changes: [], nextCursor: n }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, close: () => app.close() }
}

const kind = process.env.BENCH_SERVER ?? 'vigil'
const server = kind === 'bare' ? await bare() : await vigil()
const address = server.app.server.address()
const port = typeof address === 'object' && address ? address.port : 0

let closing = false
async function stop() {
  if (closing) return
  closing = true
  try {
    await server.close()
  } finally {
    process.exit(0)
  }
}
// CPU profile of a window of the run (what --cpu-prof records, without the start-up).
const session = new inspector.Session()
function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))))
}
async function profile(msg: { profile: 'start' | 'stop'; file?: string }) {
  if (msg.profile === 'start') {
    session.connect()
    await post('Profiler.enable')
    await post('Profiler.start')
    process.send!({ profiling: true })
  } else {
    const { profile: p } = await post<{ profile: object }>('Profiler.stop')
    session.disconnect()
    fs.writeFileSync(msg.file!, JSON.stringify(p))
    process.send!({ profiled: msg.file })
  }
}

process.on('message', (msg: unknown) => {
  if (msg === 'cpu') process.send!({ cpu: process.cpuUsage(), mem: process.memoryUsage().rss })
  else if (msg === 'stop') void stop()
  else if (msg && typeof msg === 'object' && 'profile' in msg) void profile(msg as { profile: 'start' | 'stop'; file?: string })
})
process.once('SIGTERM', () => void stop())
process.send!({ port })
