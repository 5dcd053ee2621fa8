/**
 * A measuring instrument for issue 22's "second core", not a product mode: the write path of
 * POST /reports (classification, the write queue's job: idempotency check, store, evaluation,
 * group commit, its audit record) on a worker thread that owns its own writer connection and
 * engine, while the main thread keeps HTTP parsing, access, rate limit, body validation and
 * serialisation. Only POST /reports is routed to the worker, so only the ingest benchmark may
 * run it (BENCH_SPLIT=1): it shows what the split could win before the whole write side (every
 * write job, rule reloads, sweeps) is moved behind a message protocol.
 */
import { Worker } from 'node:worker_threads'
import type { FastifyInstance } from 'fastify'
import { VigilError } from '../../../src/errors.js'
import type { ReportInput } from '../../../src/reports/report-schema.js'
import type { AfterWrite } from '../../../src/ingest/ingest.js'

type Reply = { n: number; ok: true; value: unknown } | { n: number; ok: false; err: { statusCode: number; code: string; message: string; problems?: unknown } }

export async function splitIngest(app: FastifyInstance, env: { clockOffsetMs: number }): Promise<() => Promise<void>> {
  // The main thread's own window-state load finishes first: two writers never load at once.
  await app.ready()
  await app.windowState.done
  // A worker does not inherit the main thread's tsx loader: it registers its own, then loads the TypeScript.
  const entry = new URL('./split-worker.ts', import.meta.url).href
  const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`, {
    eval: true,
    workerData: { clockOffsetMs: env.clockOffsetMs },
  })
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>()
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m: unknown) => (m === 'ready' ? resolve() : reject(new Error(String(m)))))
    worker.once('error', reject)
  })
  worker.on('message', (m: Reply) => {
    const w = waiting.get(m.n)
    if (!w) return
    waiting.delete(m.n)
    if (m.ok) w.resolve(m.value)
    else w.reject(new VigilError(m.err.code, m.err.statusCode, m.err.message, (m.err.problems ?? []) as VigilError['problems']))
  })
  let n = 0
  // The worker writes the audit record in the job's transaction; the main thread's `after` only
  // marks the request audited (its append is a no-op here, so no second writer takes the lock).
  app.vigil.audit.append = () => {}
  const ingest = app.vigil.ingest as { create: (input: ReportInput, after?: AfterWrite) => Promise<unknown> }
  ingest.create = (input: ReportInput, after?: AfterWrite) => new Promise((resolve, reject) => {
    const id = n++
    waiting.set(id, {
      resolve: (v) => { after?.({ ok: true, value: v }); resolve(v) },
      reject: (e) => { after?.({ ok: false, err: e }); reject(e) },
    })
    worker.postMessage({ n: id, input })
  })
  return async () => {
    worker.postMessage('stop')
    await new Promise((resolve) => worker.once('exit', resolve))
  }
}
