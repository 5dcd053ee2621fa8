import { Worker, type WorkerOptions } from 'node:worker_threads'
import type { TrainedSetting } from '../backtest/calibration-run.js'
import { portableSource, type ReportSource } from '../backtest/backtest-reports.js'

/** What a calibration worker says: ready, a setting's result, or why it failed. */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'trained'; n: number; value: TrainedSetting }
  | { kind: 'failed'; message: string; stack?: string }

/** The CLI runs from source (tsx, in development and tests) or built (dist). */
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const ENTRY = new URL(`./calibrate-worker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url)

/** A worker thread does not inherit the main thread's tsx loader: from source, it registers its own first. */
function startWorker(options: WorkerOptions): Worker {
  if (!FROM_SOURCE) return new Worker(ENTRY, options)
  const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ENTRY.href)}) })`
  return new Worker(code, { ...options, eval: true })
}

/** A worker that failed, with the worker's own message and stack. */
function failure(m: { message: string; stack?: string }): Error {
  const err = new Error(m.message)
  if (m.stack) err.stack = m.stack
  return err
}

/**
 * The training replays of a calibration on `jobs` worker threads: each worker parses the same
 * command line and loads the same rules, is handed the reports as loaded here (read and placed
 * once, copied to it), then replays the next setting not yet taken until none is left. Results
 * come back in the sweep's order, whoever replayed them. The first failure stops every worker.
 */
export function workerPool(argv: readonly string[], jobs: number) {
  return async (count: number, done: () => void, reports: ReportSource): Promise<TrainedSetting[]> => {
    const results: TrainedSetting[] = new Array(count)
    let next = 0
    const workers: Worker[] = []
    const one = (): Promise<void> => new Promise((resolve, reject) => {
      // Its stderr is its own: a note the main thread printed already is not repeated per worker.
      const worker = startWorker({ workerData: { argv: [...argv], reports: portableSource(reports) }, stderr: true, stdout: true })
      workers.push(worker)
      worker.stderr.resume()
      worker.stdout.resume()
      const take = () => {
        if (next >= count) {
          void worker.terminate().then(() => resolve())
          return
        }
        worker.postMessage(next++)
      }
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'failed') return reject(failure(m))
        if (m.kind === 'trained') {
          results[m.n] = m.value
          done()
        }
        take()
      })
      worker.on('error', reject)
      worker.on('exit', (code) => { if (code !== 0 && code !== 1) reject(new Error(`a calibration worker stopped with code ${code}`)) })
    })
    try {
      await Promise.all(Array.from({ length: Math.min(jobs, count) }, one))
    } finally {
      await Promise.all(workers.map((w) => w.terminate()))
    }
    return results
  }
}
