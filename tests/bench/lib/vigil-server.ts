/** The vigil service under test, as a child process, on a given database. */
import path from 'node:path'
import { STANDARD_RULES_DIR } from '../../../src/paths.js'
import type { HistoryMeta } from './history.js'
import { startServer, type ServerProcess } from './server-process.js'
import { startFlags } from '../../helpers/start-flags.js'

export interface VigilOptions {
  db: string
  /** The history on the database: the service's clock is shifted so the history ends "now". */
  history?: HistoryMeta | null
  env?: Record<string, string>
  nodeArgs?: string[]
  logFile?: string
}

/**
 * Starts vigil as a mission runs it: npm start's node flags, the standard library,
 * synchronous=FULL (the default), info logging to /dev/null, authentication on (every request
 * carries the bench key, bench-auth.ts). The per-key rate limit is raised out of the way (all
 * load comes from one key); the plugin still runs on every request.
 */
export function startVigil(o: VigilOptions): Promise<ServerProcess> {
  const offset = o.history ? Date.now() - o.history.end : 0
  return startServer({
    kind: 'vigil',
    env: {
      VIGIL_DB: o.db,
      VIGIL_RULES_DIR: STANDARD_RULES_DIR,
      VIGIL_AUTH: 'on',
      VIGIL_RATE_LIMIT_PER_MINUTE: '1000000000',
      LOG_LEVEL: 'info',
      BENCH_CLOCK_OFFSET_MS: String(offset),
      ...o.env,
    },
    // As npm start runs it (its node flags), plus any the caller adds.
    nodeArgs: [...startFlags(), ...(o.nodeArgs ?? [])],
    ...(o.logFile ? { logFile: o.logFile } : {}),
  })
}

export const startBare = () => startServer({ kind: 'bare' })

/** Polls GET /readyz until it answers 200 (the window state is in memory); false at the deadline. */
export async function untilReady(url: string, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const until = performance.now() + timeoutMs
  while (performance.now() < until) {
    if (await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false)) return true
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
  return false
}

export const dbIn = (dir: string, name: string) => path.join(dir, `${name}.db`)
