import { parentPort, workerData } from 'node:worker_threads'
import { parseCalibrate } from './calibrate-args.js'
import { prepareCalibration, trainSetting } from '../backtest/calibration-run.js'
import type { WorkerMessage } from './calibrate-pool.js'
import { revivedSource, type PortableSource } from '../backtest/backtest-reports.js'

/**
 * A calibration worker (calibrate-pool.ts): the command line parsed and its rules loaded as the
 * main thread did, the reports taken as it loaded them, then each setting index it is sent
 * replayed on the training period and handed back.
 */
const port = parentPort!
const send = (m: WorkerMessage) => port.postMessage(m)
const fail = (err: unknown) => send({ kind: 'failed', message: (err as Error).message ?? String(err), ...((err as Error).stack ? { stack: (err as Error).stack! } : {}) })

try {
  const { argv, reports } = workerData as { argv: string[]; reports: PortableSource }
  const parsed = parseCalibrate(argv)
  // The main thread parsed the same line first: a problem here would have stopped it there.
  if (typeof parsed === 'string') throw new Error(parsed)
  // The reports as the main thread loaded them: a file is not read and placed again per worker.
  const ctx = prepareCalibration({ ...parsed.opts, reports: revivedSource(reports) })
  port.on('message', (n: number) => {
    trainSetting(ctx, n).then((value) => send({ kind: 'trained', n, value }), fail)
  })
  send({ kind: 'ready' })
} catch (err) {
  fail(err)
}
