/**
 * 8. Start-up: seconds from spawning the service on a history (1M full, 100k quick) until it
 * listens and until it is ready (GET /readyz 200: window state loaded), restarted `repeats`
 * times on the same copy (the first start also applies pending migrations; the figure is the
 * median). The load's own time is read from the service's log ('indicator inputs loaded into
 * memory'). Target: ready within 10 s on the 1M history.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { BenchContext } from './lib/context.js'
import { row, summarize, type BenchResult } from './lib/stats.js'
import { startVigil } from './lib/vigil-server.js'

async function untilReady(url: string, deadlineMs: number): Promise<boolean> {
  const end = performance.now() + deadlineMs
  while (performance.now() < end) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return true
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

export async function startup(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const size = ctx.ingestHistories[ctx.ingestHistories.length - 1]!
  const history = ctx.histories.get(size) ?? null
  const db = ctx.workCopy(size)
  const listen: number[] = []
  const ready: number[] = []
  const load: number[] = []
  for (let i = 0; i < ctx.repeats; i++) {
    const logFile = path.join(ctx.workDir, `startup-${i}.log`)
    fs.rmSync(logFile, { force: true })
    const started = performance.now()
    const server = await startVigil({ db, history, logFile })
    listen.push((performance.now() - started) / 1000)
    const ok = await untilReady(server.url, 300_000)
    ready.push(ok ? (performance.now() - started) / 1000 : NaN)
    await server.stop()
    const line = fs.readFileSync(logFile, 'utf8').split('\n').find((l) => l.includes('indicator inputs loaded into memory'))
    if (line) load.push((JSON.parse(line) as { ms: number }).ms / 1000)
  }
  return {
    name: 'startup',
    title: `Start-up on the ${size.toLocaleString('en-US')}-report history (${ctx.repeats} starts)`,
    rows: [
      row({ figure: 'spawn to /readyz 200', unit: 's', value: summarize(ready), target: { on: 'value', op: '<=', limit: 10, text: '<= 10 s' } }),
      row({ figure: 'spawn to listening', unit: 's', value: summarize(listen) }),
      row({ figure: 'window state load (index check + look-back into memory)', unit: 's', value: summarize(load) }),
    ],
    notes: ['The load runs after the app is ready, outside fastify\'s plugin timeout: /healthz answers and /readyz says "loading" meanwhile.'],
    seconds: (performance.now() - t0) / 1000,
  }
}
