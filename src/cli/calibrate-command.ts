import fs from 'node:fs'
import path from 'node:path'
import { isUsageError, missionNotes } from './backtest-command.js'
import { CALIBRATE_USAGE } from './usage.js'
import { parseCalibrate } from './calibrate-args.js'
import { workerPool } from './calibrate-pool.js'
import { runCalibration, type CalibrationResult } from '../backtest/calibration-run.js'
import { calibrationHtml, calibrationMarkdown } from '../backtest/calibration-report.js'
import { withValidation } from '../backtest/validation-block.js'

type Out = { write(s: string): unknown }

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
  const parsed = parseCalibrate(argv)
  if (typeof parsed === 'string') {
    err.write(`vigil calibrate: ${parsed}\n\n${CALIBRATE_USAGE}`)
    return 2
  }
  err.write(missionNotes(parsed.opts))
  let result: CalibrationResult
  try {
    result = await runCalibration({
      ...parsed.opts,
      onSetting: (n, total) => err.write(`setting ${n} of ${total} replayed\n`),
      // The settings' replays share nothing: each worker loads the same inputs and takes the next one.
      ...(parsed.jobs > 1 ? { trainAll: workerPool(argv, parsed.jobs) } : {}),
    })
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
