import fs from 'node:fs'
import path from 'node:path'
import { parseCommand, UsageError } from './args.js'
import { BACKTEST_OPTIONS, backtestOptions, isUsageError, missionNotes } from './backtest-command.js'
import { CALIBRATE_USAGE } from './usage.js'
import { CRITERIA, runCalibration, type CalibrateOptions, type CalibrationResult, type Criterion } from '../backtest/calibration-run.js'
import { parseSweep } from '../backtest/sweep-spec.js'
import { calibrationHtml, calibrationMarkdown } from '../backtest/calibration-report.js'
import { withValidation } from '../backtest/validation-block.js'
import { BacktestError } from '../backtest/backtest-error.js'

type Out = { write(s: string): unknown }

const OPTIONS = {
  ...BACKTEST_OPTIONS,
  indicator: { type: 'string', multiple: true }, sweep: { type: 'string', multiple: true },
  choose: { type: 'string' }, 'min-pod': { type: 'string' }, write: { type: 'boolean' }, dataset: { type: 'string' },
} as const

interface Parsed {
  opts: CalibrateOptions
  out?: string
  write: boolean
  dataset: string
}

function parse(argv: string[]): Parsed | string {
  let v
  try {
    v = parseCommand(argv, { options: OPTIONS }).values
  } catch (err) {
    if (err instanceof UsageError) return err.message
    throw err
  }
  if (!v.indicator?.length) return '--indicator is required (the id of an indicator to calibrate; repeat for several)'
  if (!v.split) return '--split is required: the first day of the validation period (the days before are training)'
  if (v.choose !== undefined && !(CRITERIA as readonly string[]).includes(v.choose)) return `--choose must be one of ${CRITERIA.join(', ')}`
  const minPod = v['min-pod'] === undefined ? 0.5 : Number(v['min-pod'])
  if (!(minPod >= 0 && minPod <= 1)) return '--min-pod must be a number from 0 to 1'
  const { indicator, sweep, choose, 'min-pod': _m, write, dataset, split, ...rest } = v
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
  }
}

function writeOutputs(dir: string, c: CalibrationResult): string[] {
  fs.mkdirSync(dir, { recursive: true })
  const files = {
    'calibration.md': calibrationMarkdown(c),
    'calibration.html': calibrationHtml(c),
    'calibration.json': `${JSON.stringify({ ...c, chosenTexts: c.chosenTexts.map(({ text: _t, ...t }) => t) }, null, 2)}\n`,
  }
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, text)
    return file
  })
}

/** `vigil calibrate`: sweep, choose on training, score on validation, print; --out writes the page, --write the rule. */
export async function calibrateCommand(argv: string[], out: Out, err: Out, today: () => string = () => new Date().toISOString().slice(0, 10)): Promise<number> {
  const parsed = parse(argv)
  if (typeof parsed === 'string') {
    err.write(`vigil calibrate: ${parsed}\n\n${CALIBRATE_USAGE}`)
    return 2
  }
  err.write(missionNotes(parsed.opts))
  let result: CalibrationResult
  try {
    result = await runCalibration({ ...parsed.opts, onSetting: (n, total) => err.write(`setting ${n} of ${total} replayed\n`) })
  } catch (e) {
    if (!isUsageError(e)) throw e
    err.write(`${(e as Error).message}\n`)
    return 2
  }
  out.write(calibrationMarkdown(result))
  if (parsed.out) for (const f of writeOutputs(parsed.out, result)) out.write(`wrote ${f}\n`)
  if (parsed.write) {
    const meta = { dataset: parsed.dataset, mission: parsed.opts.mission ?? 'any', date: today() }
    for (const variant of result.chosenTexts) {
      const file = path.join(parsed.opts.rulesDir, variant.file)
      fs.writeFileSync(file, withValidation(variant, result, meta))
      out.write(`wrote ${file}${variant.changed ? ' (the chosen setting, version raised)' : ''} with its validation record\n`)
    }
  }
  return 0
}
