/**
 * 8. Start-up: seconds from spawning the service on a history (1M full, 100k quick) until it
 * listens and until it is ready (GET /readyz 200: window state loaded), restarted `repeats`
 * times on the same copy (the first start also applies pending migrations; the figure is the
 * median). The loads' own times are read from the service's log ('indicator inputs loaded into
 * memory', 'active alerts loaded into the engine's index'); the server's CPU seconds and peak
 * RSS (VmHWM) are read from /proc when it is ready, and /healthz is polled throughout the load
 * (its slowest answer shows whether the load holds the event loop). Target: ready within 10 s
 * on the 1M history.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { BenchContext } from './lib/context.js'
import { row, summarize, type BenchResult } from './lib/stats.js'
import { startVigil, untilReady } from './lib/vigil-server.js'

/** Polls /readyz until 200 and /healthz beside it; the slowest /healthz answer meanwhile. */
async function readyWatchingHealth(url: string, deadlineMs: number): Promise<{ ready: boolean; worstHealthMs: number }> {
  let worstHealthMs = 0
  let loading = true
  const health = (async () => {
    while (loading) {
      const t = performance.now()
      await fetch(`${url}/healthz`).catch(() => null)
      worstHealthMs = Math.max(worstHealthMs, performance.now() - t)
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  const ready = await untilReady(url, deadlineMs, 50)
  loading = false
  await health
  return { ready, worstHealthMs }
}

/** Peak resident set of a live process, MB. */
function peakRssMb(pid: number): number {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)\s+kB/)
  return m ? Number(m[1]) / 1024 : NaN
}

/** The log line with this message, parsed; null when the service never wrote it. */
function logged(lines: string[], msg: string): { ms: number; rows?: number } | null {
  const line = lines.find((l) => l.includes(msg))
  return line ? JSON.parse(line) as { ms: number; rows?: number } : null
}

export async function startup(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const size = ctx.ingestHistories[ctx.ingestHistories.length - 1]!
  const history = ctx.histories.get(size) ?? null
  const db = ctx.workCopy(size)
  const figures = { listen: [] as number[], ready: [] as number[], inputs: [] as number[], alerts: [] as number[], cpu: [] as number[], rss: [] as number[], health: [] as number[] }
  const loads: string[] = []
  let rows = ''
  for (let i = 0; i < ctx.repeats; i++) {
    const logFile = path.join(ctx.workDir, `startup-${i}.log`)
    fs.rmSync(logFile, { force: true })
    loads.push(os.loadavg()[0]!.toFixed(1))
    const started = performance.now()
    const server = await startVigil({ db, history, logFile })
    figures.listen.push((performance.now() - started) / 1000)
    const { ready, worstHealthMs } = await readyWatchingHealth(server.url, 300_000)
    figures.ready.push(ready ? (performance.now() - started) / 1000 : NaN)
    figures.cpu.push(server.cpuSeconds())
    figures.rss.push(peakRssMb(server.pid))
    figures.health.push(worstHealthMs)
    await server.stop()
    const lines = fs.readFileSync(logFile, 'utf8').split('\n')
    const inputs = logged(lines, 'indicator inputs loaded into memory')
    figures.inputs.push(inputs ? inputs.ms / 1000 : NaN)
    figures.alerts.push((logged(lines, "active alerts loaded into the engine's index")?.ms ?? NaN) / 1000)
    if (inputs?.rows !== undefined) rows = `${inputs.rows.toLocaleString('en-US')} inputs`
  }
  return {
    name: 'startup',
    title: `Start-up on the ${size.toLocaleString('en-US')}-report history (${ctx.repeats} starts)`,
    rows: [
      row({ figure: 'spawn to /readyz 200', unit: 's', value: summarize(figures.ready), target: { on: 'value', op: '<=', limit: 10, text: '<= 10 s' } }),
      row({ figure: 'spawn to listening', unit: 's', value: summarize(figures.listen) }),
      row({ figure: `window state load (index check + look-back into memory, ${rows})`, unit: 's', value: summarize(figures.inputs) }),
      row({ figure: "active alerts into the engine's index", unit: 's', value: summarize(figures.alerts) }),
      row({ figure: 'server CPU, spawn to ready', unit: 's', value: summarize(figures.cpu) }),
      row({ figure: 'server peak RSS at ready', unit: 'MB', value: summarize(figures.rss) }),
      row({ figure: 'slowest /healthz answer while loading', unit: 'ms', value: summarize(figures.health) }),
    ],
    notes: [
      'The load runs after the service listens, outside fastify\'s plugin timeout: /healthz answers and /readyz says "loading" meanwhile.',
      `1-minute load average at each start: ${loads.join(', ')} (2 cores).`,
    ],
    seconds: (performance.now() - t0) / 1000,
  }
}
