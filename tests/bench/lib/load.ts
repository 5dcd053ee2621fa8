/** autocannon from the parent process, with the parent's own CPU use recorded. */
import autocannon from 'autocannon'
import { BENCH_HEADERS } from './bench-auth.js'

export interface LoadOptions {
  url: string
  method?: 'GET' | 'POST'
  path: string
  /** A fresh body per request (unique ids); omitted for GET. */
  body?: () => string
  headers?: Record<string, string>
  connections: number
  durationS: number
  /** Requests per second across all connections (fixed-rate runs). */
  overallRate?: number
}

export interface LoadResult {
  /** 2xx responses per second over the run. */
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  /** CPU seconds the load generator (this process) used per wall second: it shares the 2 cores. */
  clientCpu: number
  seconds: number
}

export async function load(o: LoadOptions): Promise<LoadResult> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const body = o.body
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationS,
    ...(o.overallRate ? { overallRate: o.overallRate } : {}),
    requests: [{
      method: o.method ?? 'GET',
      path: o.path,
      headers: { ...BENCH_HEADERS, ...(body ? { 'content-type': 'application/json' } : {}), ...o.headers },
      ...(body ? { setupRequest: (req: Record<string, unknown>) => { req.body = body(); return req } } : {}),
    }] as autocannon.Request[],
  })
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const ok = result['2xx']
  return {
    rps: ok / seconds,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
    seconds,
  }
}
