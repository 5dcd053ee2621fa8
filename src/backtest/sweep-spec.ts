import { BacktestError } from './backtest-error.js'

/**
 * What `vigil calibrate` sweeps: `--sweep '<path>=<values>'`, repeatable; every combination of the
 * sweeps is one setting. The path is a place in the rule file, dotted or with brackets
 * (`alerts[0].when.all[0].value`, `alerts.0.when.all.0.value`, `window`), optionally prefixed by
 * an indicator id (`POC-001:window`) when several indicators are calibrated; without one it
 * applies to each. Values: a whole-number range `2..8` (step 1) or `2..20/2`, or a list
 * `7d,14d,30d` (numbers stay numbers).
 */

export type SweepValue = number | string

export interface Sweep {
  /** As written, for the table's column header. */
  label: string
  indicator: string | null
  path: (string | number)[]
  values: SweepValue[]
}

/** One combination: the value of every sweep, in sweep order. */
export type Setting = SweepValue[]

const MAX_SETTINGS = 500

function parsePath(text: string, sweep: string): (string | number)[] {
  const parts = text.replace(/\[(\d+)\]/g, '.$1').split('.')
  if (parts.some((p) => p === '')) throw new BacktestError(`--sweep '${sweep}': '${text}' is no path such as alerts[0].when.all[0].value or window`)
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p))
}

function parseValues(text: string, sweep: string): SweepValue[] {
  const range = /^(-?\d+)\.\.(-?\d+)(?:\/(\d+))?$/.exec(text)
  if (range) {
    const [lo, hi, step] = [Number(range[1]), Number(range[2]), Number(range[3] ?? 1)]
    if (hi < lo || step < 1) throw new BacktestError(`--sweep '${sweep}': the range ${text} is empty (low..high, step at least 1)`)
    const out: number[] = []
    for (let v = lo; v <= hi; v += step) out.push(v)
    return out
  }
  const list = text.split(',').map((v) => v.trim())
  if (list.some((v) => v === '')) throw new BacktestError(`--sweep '${sweep}': give a range 2..8 or a list 7d,14d,30d`)
  return list.map((v) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v))
}

export function parseSweep(text: string): Sweep {
  const eq = text.indexOf('=')
  if (eq <= 0) throw new BacktestError(`--sweep '${text}': write <path>=<values>, e.g. 'alerts[0].when.all[0].value=2..8' or 'window=7d,14d,30d'`)
  const left = text.slice(0, eq).trim()
  const m = /^([A-Z]{3}-\d{3}[a-z]?):(.+)$/.exec(left)
  return {
    label: left,
    indicator: m ? m[1]! : null,
    path: parsePath(m ? m[2]! : left, text),
    values: parseValues(text.slice(eq + 1).trim(), text),
  }
}

/** Every combination of the sweeps' values, the first sweep varying slowest. */
export function settingsOf(sweeps: readonly Sweep[]): Setting[] {
  let out: Setting[] = [[]]
  for (const s of sweeps) out = out.flatMap((prefix) => s.values.map((v) => [...prefix, v]))
  if (out.length > MAX_SETTINGS) throw new BacktestError(`the sweeps make ${out.length} settings; at most ${MAX_SETTINGS} (each is a replay)`)
  return out
}
