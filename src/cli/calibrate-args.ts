import path from 'node:path'
import { parseCommandOrProblem } from './args.js'
import { BACKTEST_OPTIONS, backtestOptions } from './backtest-command.js'
import { CRITERIA, type CalibrateOptions, type Criterion } from '../backtest/calibration-run.js'
import { parseSweep } from '../backtest/sweep-spec.js'
import { BacktestError } from '../backtest/backtest-error.js'

const OPTIONS = {
  ...BACKTEST_OPTIONS,
  indicator: { type: 'string', multiple: true }, sweep: { type: 'string', multiple: true },
  choose: { type: 'string' }, 'min-pod': { type: 'string' }, write: { type: 'boolean' }, dataset: { type: 'string' }, jobs: { type: 'string' },
} as const

export interface ParsedCalibrate {
  opts: CalibrateOptions
  out?: string
  write: boolean
  dataset: string
  /** How many settings are replayed at once, each on its own worker thread (1: in this thread). */
  jobs: number
}

/** The command line of `vigil calibrate` as options, or what is wrong with it. */
export function parseCalibrate(argv: string[]): ParsedCalibrate | string {
  const line = parseCommandOrProblem(argv, { options: OPTIONS })
  if (typeof line === 'string') return line
  const v = line.values
  if (!v.indicator?.length) return '--indicator is required (the id of an indicator to calibrate; repeat for several)'
  if (!v.split) return '--split is required: the first day of the validation period (the days before are training)'
  if (v.choose !== undefined && !(CRITERIA as readonly string[]).includes(v.choose)) return `--choose must be one of ${CRITERIA.join(', ')}`
  const minPod = v['min-pod'] === undefined ? 0.5 : Number(v['min-pod'])
  if (!(minPod >= 0 && minPod <= 1)) return '--min-pod must be a number from 0 to 1'
  // One thread unless asked: a worker's start-up costs more than a light setting's replay.
  const jobs = v.jobs === undefined ? 1 : Number(v.jobs)
  if (!Number.isInteger(jobs) || jobs < 1) return '--jobs must be a whole number, 1 or more'
  const { indicator, sweep, choose, 'min-pod': _m, write, dataset, split, jobs: _j, ...rest } = v
  const base = backtestOptions(rest)
  if (typeof base === 'string') return base
  let sweeps
  try {
    // No --sweep: the rules measured as they are (a validation record of the rule unchanged).
    sweeps = (sweep ?? []).map(parseSweep)
  } catch (err) {
    if (err instanceof BacktestError) return err.message
    throw err
  }
  const { out, ...backtest } = base
  return {
    opts: { ...backtest, indicators: indicator, sweeps, split, minPod, ...(choose ? { choose: choose as Criterion } : {}) },
    ...(out ? { out } : {}),
    write: write ?? false,
    dataset: dataset ?? path.basename(v.reports!),
    jobs,
  }
}

