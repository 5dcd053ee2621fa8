/**
 * Pre-filled histories: synthetic reports replayed through the real engine (createServices, the
 * standard library, a manual clock at each report's time, synchronous=NORMAL), so the database
 * holds what the service would have stored: reports, revisions, indicator inputs, alerts and
 * their change log. Built once per (size, seed, rate, rules, migrations, generator) into
 * tmp/bench-cache/ and copied for each run.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT, STANDARD_RULES_DIR } from '../../../src/paths.js'
import { loadRuleDir } from '../../../src/rules/rule-loader.js'

export const CACHE_DIR = path.join(ROOT, 'tmp', 'bench-cache')
export const WORK_DIR = path.join(ROOT, 'tmp', 'bench-work')
/** Bump when the synthetic generator changes what it produces. */
export const GENERATOR_VERSION = 1
/** Bump when the way a history is built changes. */
export const BUILD_VERSION = 3
export const HISTORY_SEED = 42
/**
 * Reports per day across the three missions: about ten times what their JMACs record, so a
 * 1M history is 2.7 years, 100k is 100 days, 10k is 10 days. The rate is constant, so a
 * bigger history is a longer one, not a denser one.
 */
export const HISTORY_PER_DAY = 1000

export interface HistoryMeta {
  count: number
  seed: number
  perDay: number
  /** The time of the last report (epoch ms): the history's "now". */
  end: number
  buildSeconds: number
  reportsPerSecond: number
  bytes: number
  alerts: number
  changes: number
  inputs: number
  builtAt: string
  /** Reports older than the longest look-back, stored without evaluating their (long expired) alerts. */
  fastForwarded?: number
  /** Reports replayed through the engine, from `replayFrom`. */
  replayed?: number
  replayFrom?: number
  replayedPerSecond?: number
}

/**
 * What the history's content depends on: the standard rules (without their tests) and the
 * generator. Migrations are not part of it: the service migrates its copy at start, as it would
 * migrate a production database.
 */
function contentHash(): string {
  const h = createHash('sha256')
  for (const r of loadRuleDir(STANDARD_RULES_DIR).rules) h.update(JSON.stringify({ ...r.rule, tests: [] }))
  h.update(`gen${GENERATOR_VERSION}`)
  h.update(`build${BUILD_VERSION}`)
  return h.digest('hex').slice(0, 10)
}

export function historyFile(count: number): string {
  return path.join(CACHE_DIR, `history-${count}-s${HISTORY_SEED}-r${HISTORY_PER_DAY}-${contentHash()}.db`)
}

export function historyMeta(count: number): HistoryMeta | null {
  const f = `${historyFile(count)}.json`
  return fs.existsSync(f) && fs.existsSync(historyFile(count)) ? JSON.parse(fs.readFileSync(f, 'utf8')) as HistoryMeta : null
}

function buildOne(count: number, log: (s: string) => void): Promise<HistoryMeta> {
  const out = historyFile(count)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/bench/lib/history-build.ts'),
      String(count), String(HISTORY_SEED), String(HISTORY_PER_DAY), out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout!.on('data', (d: Buffer) => { for (const line of d.toString().split('\n')) if (line.trim()) log(`  [history ${count}] ${line.trim()}`) })
    child.on('exit', (code) => {
      const meta = historyMeta(count)
      if (code === 0 && meta) resolve(meta)
      else reject(new Error(`building the ${count}-report history failed (exit ${code})`))
    })
  })
}

/** Builds the missing histories, at most two at a time (one per core), biggest first. */
export async function ensureHistories(counts: number[], log: (s: string) => void): Promise<Map<number, HistoryMeta & { built: boolean }>> {
  fs.mkdirSync(CACHE_DIR, { recursive: true })
  const result = new Map<number, HistoryMeta & { built: boolean }>()
  const missing: number[] = []
  for (const c of counts) {
    const m = historyMeta(c)
    if (m) result.set(c, { ...m, built: false })
    else missing.push(c)
  }
  missing.sort((a, b) => b - a)
  if (missing.length > 0) log(`building histories ${missing.join(', ')} (cached in ${path.relative(ROOT, CACHE_DIR)}/ for the next runs)`)
  const lanes = [[] as number[], [] as number[]]
  for (const c of missing) {
    // The biggest gets a lane of its own; the others share the second.
    const lane = lanes[0]!.length === 0 ? lanes[0]! : lanes[1]!
    lane.push(c)
  }
  await Promise.all(lanes.map(async (lane) => {
    for (const c of lane) result.set(c, { ...(await buildOne(c, log)), built: true })
  }))
  return result
}

/**
 * Starts the service once on the cached file itself, so its start-up work (pending migrations,
 * rebuilding the input index of indicators whose definition changed) is done once and kept in
 * the cache, as a production database keeps it after an upgrade. The index rebuild runs after
 * the service listens, so it is waited for (/readyz 200): stopped before, every later start
 * would rebuild every index again (a history is built without them). Returns the seconds until
 * the service listened and until it was ready: a freshly built history has no index yet, so
 * its first start is an upgrade that rebuilds every indicator's.
 */
export async function upgradeHistory(count: number, meta: HistoryMeta): Promise<{ listening: number; ready: number }> {
  const { startVigil, untilReady } = await import('./vigil-server.js')
  const t0 = performance.now()
  const server = await startVigil({ db: historyFile(count), history: meta })
  const listening = (performance.now() - t0) / 1000
  try {
    const ready = await untilReady(server.url, 3_600_000, 500) ? (performance.now() - t0) / 1000 : NaN
    return { listening, ready }
  } finally {
    await server.stop()
  }
}

/** A private copy of a cached history to run against (the cache itself is never written). */
export function copyHistory(count: number, name: string): string {
  fs.mkdirSync(WORK_DIR, { recursive: true })
  const dest = path.join(WORK_DIR, `${name}.db`)
  removeDb(dest)
  fs.copyFileSync(historyFile(count), dest)
  return dest
}

export function removeDb(file: string) {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.admin-token`]) fs.rmSync(f, { force: true })
}
