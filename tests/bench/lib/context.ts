/** What every benchmark gets from run.ts: the mode, its sizes and budgets, shared copies and figures. */
import fs from 'node:fs'
import path from 'node:path'
import { copyHistory, removeDb, WORK_DIR, type HistoryMeta } from './history.js'
import type { Summary } from './stats.js'

export interface BenchContext {
  quick: boolean
  /** Repeated runs per figure (min/median/max). */
  repeats: number
  /** Seconds per HTTP load run. */
  durationS: number
  /** History sizes for the HTTP ingest, and for the engine-scaling history rows. */
  ingestHistories: number[]
  engineHistories: number[]
  /** Reports in the batch/import benchmark, the backtest. */
  batchReports: number
  backtestReports: number
  /** Longest a time-boxed phase may run, seconds (the suite must finish in 15 minutes). */
  budgets: { batch: number; import: number; backtest: number; prefill: number }
  histories: Map<number, HistoryMeta & { built: boolean }>
  log: (s: string) => void
  /** One private copy of a history per run, shared by the benchmarks that read it. */
  workCopy(size: number): string
  /** Figures one benchmark measures and another uses as its baseline. */
  shared: { rawInsert?: Summary }
  /** Where the server logs and profiles go. */
  workDir: string
}

export function makeContext(base: Omit<BenchContext, 'workCopy' | 'workDir'>): BenchContext & { cleanup(): void } {
  fs.mkdirSync(WORK_DIR, { recursive: true })
  const copies = new Map<number, string>()
  return {
    ...base,
    workDir: WORK_DIR,
    workCopy(size: number) {
      let f = copies.get(size)
      if (!f) {
        const t0 = performance.now()
        f = copyHistory(size, `history-${size}`)
        base.log(`  copied the ${size.toLocaleString('en-US')}-report history (${Math.round(fs.statSync(f).size / 1e6)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
        copies.set(size, f)
      }
      return f
    },
    cleanup() {
      for (const f of copies.values()) removeDb(f)
      for (const f of fs.readdirSync(WORK_DIR)) if (f.endsWith('.db')) removeDb(path.join(WORK_DIR, f))
    },
  }
}
