import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { Db } from './db.js'

/**
 * The worker's code, plain CommonJS so it runs the same under tsx, vitest and the built service.
 * It owns its own connection: a PASSIVE checkpoint copies committed WAL frames into the
 * database file without taking any lock the writer or readers wait on.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { fileMustExist: true })
db.pragma('synchronous = ' + workerData.synchronous)
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)') } catch {} }
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.once('message', () => {
  clearInterval(timer)
  db.close()
  const done = new Int32Array(workerData.done)
  Atomics.store(done, 0, 1)
  Atomics.notify(done, 0)
  parentPort.close()
})
`

/** WAL pages after which the writer checkpoints itself: only if the worker has fallen behind. */
const WRITER_BACKSTOP_PAGES = 4096
const SQLITE_DEFAULT_PAGES = 1000
/** Longest close() waits for the worker to let go of the file (it may be mid-checkpoint). */
const STOP_WAIT_MS = 5000

export interface BackgroundCheckpoint {
  stop(): void
}

/**
 * Moves WAL checkpoints off the writer. By default SQLite checkpoints inside the COMMIT that
 * crosses 1,000 WAL pages, on the one thread that also serves HTTP: about a fifth of ingest time
 * on a large database. A worker thread checkpoints every `intervalMs` instead; the writer keeps
 * a far higher threshold of its own as a backstop, and its default if the worker ever fails.
 */
export function startBackgroundCheckpoint(writer: Db, opts: { synchronous: 'FULL' | 'NORMAL'; intervalMs?: number }): BackgroundCheckpoint {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const done = new SharedArrayBuffer(4)
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file: writer.name, synchronous: opts.synchronous, intervalMs: opts.intervalMs ?? 100, done },
  })
  worker.unref()
  writer.pragma(`wal_autocheckpoint = ${WRITER_BACKSTOP_PAGES}`)
  let stopped = false
  const fallBack = () => {
    if (!stopped && writer.open) writer.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`)
  }
  worker.on('error', fallBack)
  worker.on('exit', fallBack)
  return {
    /**
     * Closes the worker's connection before returning, so the store's own connections close
     * last and the last one checkpoints and removes the WAL (a clean shutdown leaves none).
     */
    stop() {
      if (stopped) return
      stopped = true
      worker.postMessage('stop')
      Atomics.wait(new Int32Array(done), 0, 0, STOP_WAIT_MS)
    },
  }
}
