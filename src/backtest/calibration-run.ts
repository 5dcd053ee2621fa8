import { checkRuleDir } from '../rules/rule-registry.js'
import { checkRule } from '../rules/rule-check.js'
import { parseRuleText, type LoadedRule } from '../rules/rule-loader.js'
import { buildRuleSet } from '../rules/rule-set.js'
import { withWatches } from '../rules/taxonomy-watch.js'
import { loadReportFile, type ReportSource } from './backtest-reports.js'
import { areasOfReports, runBacktest, type BacktestOptions, type BacktestSummary } from './backtest-run.js'
import { BacktestError } from './backtest-error.js'
import { DAY_MS } from './scoring.js'
import { settingsOf, type Setting, type Sweep } from './sweep-spec.js'
import { applySetting, currentValues } from './rule-variant.js'
import { paretoFront } from './pareto-front.js'
import type { OutcomeClassResult, SkillRow } from './skill-scoring.js'

/**
 * `vigil calibrate`: every setting of the swept values replayed on the training period and
 * scored against the first outcome class (by admin1-day when it has places, else mission-wide by
 * day), the Pareto front of detection against time under warning marked, one setting chosen on
 * the training figures alone, and only then the chosen setting scored on the validation period.
 */

export const CRITERIA = ['skill', 'lift', 'peirce', 'pod'] as const
export type Criterion = (typeof CRITERIA)[number]

export interface CalibrateOptions extends Omit<BacktestOptions, 'split' | 'ruleSet' | 'scoreIndicators' | 'progress'> {
  indicators: readonly string[]
  /** None: the rules are measured as they are (one setting, nothing chosen), for a validation record. */
  sweeps: readonly Sweep[]
  /** First day of the validation period. */
  split: string
  choose?: Criterion
  /** The least POD a chosen setting must reach on the training period (default 0.5). */
  minPod?: number
  /** Called after each setting's replay (for a progress line). */
  onSetting?: (done: number, total: number) => void
  /**
   * Replays the training settings elsewhere (the CLI's pool of worker threads), each by its index
   * in the sweep's order, calling `done` as each one ends; `reports` is the source as loaded here
   * (a file's reports read and placed once). Default: here, one after another.
   */
  trainAll?: (count: number, done: () => void, reports: ReportSource) => Promise<TrainedSetting[]>
}

/** One setting replayed and scored on the training period: plain data, so a worker can hand it back. */
export interface TrainedSetting {
  row: SkillRow | null
  /** Why the setting could not run (a value the rule check refuses). */
  error: string | null
  /** The training period as the replay scored it. */
  period: { from: string; to: string } | null
}

export interface SettingResult {
  setting: Setting
  /** The rule as it is now. */
  current: boolean
  /** Why the setting could not run (a value the rule check refuses). */
  error: string | null
  row: SkillRow | null
  onFront: boolean
}

export interface CalibrationResult {
  indicators: string[]
  sweeps: { label: string; values: (number | string)[] }[]
  outcome: string
  scale: 'admin1-day' | 'mission-day'
  level: string
  training: { from: string; to: string }
  validation: { from: string; to: string }
  settings: SettingResult[]
  /** No sweep: the rules as they are, measured, nothing chosen. */
  measured: boolean
  criterion: Criterion
  minPod: number
  chosen: number
  /** Why the choice fell back (no setting on the front reached minPod). */
  note: string | null
  /** The chosen setting and the rule as found, on the validation period (N of persistence from training). */
  chosenValidation: SkillRow
  currentValidation: SkillRow | null
  ruleSetVersion: string
  /** The chosen variants' texts by file, ready for --write. */
  chosenTexts: { file: string; indicator: string; text: string; changed: boolean }[]
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10)

/** The figure a row is judged by: by admin1-day when the class has places, else mission-wide by day. */
function dayRow(c: OutcomeClassResult, period: 'whole' | 'training' | 'validation'): SkillRow | null {
  const p = c.periods.find((x) => x.name === period)
  return p ? ((p.byArea ?? p.missionWide).find((r) => r.scale === 'day') ?? null) : null
}

function criterionValue(row: SkillRow, c: Criterion): number {
  const v = c === 'skill' ? row.skill ?? row.rules.lift : c === 'lift' ? row.rules.lift : c === 'peirce' ? row.rules.peirce : row.rules.probabilityOfDetection
  return v ?? Number.NEGATIVE_INFINITY
}

/** Chooses among the front: the best by the criterion with POD at least minPod, else the highest POD on the front. */
export function chooseSetting(results: readonly SettingResult[], criterion: Criterion, minPod: number): { index: number; note: string | null } {
  const front = results.map((r, i) => ({ r, i })).filter((x) => x.r.onFront && x.r.row)
  const best = (xs: typeof front) => xs.reduce((a, b) => (criterionValue(b.r.row!, criterion) > criterionValue(a.r.row!, criterion) ? b : a))
  const enough = front.filter((x) => (x.r.row!.rules.probabilityOfDetection ?? 0) >= minPod)
  if (enough.length > 0) return { index: best(enough).i, note: null }
  if (front.length === 0) throw new BacktestError('no setting could be scored')
  // None detects enough: the one that comes closest (the highest POD on the front), not the rarest warner.
  const closest = front.reduce((a, b) => ((b.r.row!.rules.probabilityOfDetection ?? 0) > (a.r.row!.rules.probabilityOfDetection ?? 0) ? b : a))
  return { index: closest.i, note: `no setting on the front reaches POD ${minPod} on the training period: chose the one with the highest POD` }
}

function variantRules(base: readonly LoadedRule[], targets: readonly string[], sweeps: readonly Sweep[], setting: Setting): LoadedRule[] {
  return base.map((r) => {
    if (!targets.includes(r.rule.id)) return r
    const text = applySetting(r.text, r.file, r.rule.id, sweeps, setting)
    const parsed = parseRuleText(r.file, text)
    if ('problems' in parsed) throw new BacktestError(parsed.problems.map((p) => `${p.path} ${p.message}`).join('; '))
    return parsed.rule
  })
}

/** The rules a setting replays: the targets alone, unless one of them reads alerts (then every rule). */
function replayed(rules: readonly LoadedRule[], targets: readonly string[]): LoadedRule[] {
  const escalating = rules.some((r) => targets.includes(r.rule.id) && r.rule.input === 'alerts')
  return escalating ? [...rules] : rules.filter((r) => targets.includes(r.rule.id))
}

/** What every setting's replay shares: the checked rules, the loaded reports, the areas, the settings. */
export interface CalibrationContext {
  opts: CalibrateOptions
  checked: ReturnType<typeof checkRuleDir>
  targets: string[]
  settings: Setting[]
  trainingTo: string
  /** The reports every replay reads: a file's loaded once. */
  reports: ReportSource
  run(rules: LoadedRule[], over: Partial<BacktestOptions>): Promise<BacktestSummary>
}

/** Checks the options and loads what the replays read; the same in the CLI's process and in each worker. */
export function prepareCalibration(opts: CalibrateOptions): CalibrationContext {
  if (!opts.outcomeSpecs?.length && !opts.outcomes) throw new BacktestError('calibrate needs outcomes: --outcomes-from reports --outcome <class>, or --outcomes <fatalities.csv>')
  const checked = checkRuleDir(opts.rulesDir, opts.taxonomy)
  if (checked.problems.length > 0) throw new BacktestError(`the rules in ${opts.rulesDir} fail their check (vigil rules check)`)
  const targets = [...opts.indicators]
  for (const id of targets) if (!checked.rules.some((r) => r.rule.id === id)) throw new BacktestError(`no indicator ${id} in ${opts.rulesDir}`)
  const settings = settingsOf(opts.sweeps)
  const src = opts.reports
  const reports = src.kind === 'file'
    ? { kind: 'loaded' as const, file: src.file, format: src.format, loaded: loadReportFile(src, {
      taxonomy: opts.taxonomy, missions: opts.mission && !opts.missions.includes(opts.mission) ? [...opts.missions, opts.mission] : opts.missions,
      ...(opts.place ? { place: opts.place } : {}), ...(opts.mission ? { mission: opts.mission } : {}),
    }) }
    : src
  const splitAt = Date.parse(`${opts.split}T00:00:00Z`)
  if (Number.isNaN(splitAt)) throw new BacktestError(`--split must be a date YYYY-MM-DD, not '${opts.split}'`)
  // The split is the calibration's, never the training replays' (they end before it).
  const { split: _split, indicators: _i, sweeps: _s, choose: _c, minPod: _m, onSetting: _o, trainAll: _t, ...backtest } = opts
  // No gazetteer's areas: every admin1 the whole stream names, so training and validation count
  // the same areas (a training replay alone would not know an area first named after the split).
  const areas = opts.areas && opts.areas.length > 0 ? opts.areas : reports.kind === 'loaded' ? areasOfReports(reports.loaded.reports, opts.mission) : []
  const base = { ...backtest, reports, areas }
  const run = async (rules: LoadedRule[], over: Partial<BacktestOptions>): Promise<BacktestSummary> => {
    const problems = rules.filter((r) => targets.includes(r.rule.id)).flatMap((r) => checkRule(r, opts.taxonomy))
    if (problems.length > 0) throw new BacktestError(problems.map((p) => `${p.path} ${p.message}`).join('; '))
    const set = buildRuleSet(withWatches(replayed(rules, targets), opts.taxonomy), checked.version, 0)
    return (await runBacktest({ ...base, ruleSet: set, scoreIndicators: targets, ...over })).summary
  }
  return { opts, checked, targets, settings, trainingTo: isoDay(splitAt - DAY_MS), reports, run }
}

/** Setting `n` of the sweep replayed and scored on the training period. */
export async function trainSetting(ctx: CalibrationContext, n: number): Promise<TrainedSetting> {
  try {
    const s = await ctx.run(variantRules(ctx.checked.rules, ctx.targets, ctx.opts.sweeps, ctx.settings[n]!), { to: ctx.trainingTo })
    return { row: dayRow(s.skill[0]!, 'whole'), error: null, period: { from: s.period.from, to: s.period.to } }
  } catch (err) {
    if (!(err instanceof BacktestError)) throw err
    return { row: null, error: err.message, period: null }
  }
}

/** Every setting replayed here, one after another. */
async function trainHere(ctx: CalibrationContext, done: () => void): Promise<TrainedSetting[]> {
  const out: TrainedSetting[] = []
  for (let n = 0; n < ctx.settings.length; n++) {
    out.push(await trainSetting(ctx, n))
    done()
  }
  return out
}

export async function runCalibration(opts: CalibrateOptions): Promise<CalibrationResult> {
  const ctx = prepareCalibration(opts)
  const { checked, targets, settings, trainingTo, run } = ctx
  const currentByTarget = targets.map((id) => {
    const r = checked.rules.find((x) => x.rule.id === id)!
    return currentValues(r.text, id, opts.sweeps)
  })
  let finished = 0
  const done = () => opts.onSetting?.(++finished, settings.length)
  // One setting (nothing swept) is not worth a worker.
  const trained = opts.trainAll && settings.length > 1 ? await opts.trainAll(settings.length, done, ctx.reports) : await trainHere(ctx, done)
  const results: SettingResult[] = trained.map((t, n) => ({
    setting: settings[n]!,
    current: currentByTarget.every((vals) => vals.every((v, i) => v === undefined || v === settings[n]![i])),
    error: t.error, row: t.row, onFront: false,
  }))
  // The training period as the first setting that ran scored it (every one scores the same days).
  const training = trained.find((t) => t.period)?.period ?? null
  const scored = results.filter((r) => r.row)
  const front = paretoFront(scored.map((r) => ({ pod: r.row!.rules.probabilityOfDetection, timeUnderWarning: r.row!.rules.timeUnderWarning })))
  scored.forEach((r, i) => { r.onFront = front[i]! })
  const criterion = opts.choose ?? 'skill'
  const minPod = opts.minPod ?? 0.5
  const measured = opts.sweeps.length === 0
  if (measured && results[0]!.error) throw new BacktestError(results[0]!.error)
  // Nothing to choose when nothing is swept: the one setting is the rule as it is.
  const choice = measured ? { index: 0, note: 'measured as it is: no --sweep, nothing chosen' } : chooseSetting(results, criterion, minPod)

  // Only now the validation period: the chosen setting, and the rule as found, for comparison
  // (the same rules when measuring: replayed once).
  const chosenRules = variantRules(checked.rules, targets, opts.sweeps, results[choice.index]!.setting)
  const chosen = await run(chosenRules, { split: opts.split })
  const asFound = measured ? null : await run([...checked.rules], { split: opts.split })
  const first = chosen.skill[0]!
  return {
    indicators: targets,
    sweeps: opts.sweeps.map((s) => ({ label: s.label, values: s.values })),
    outcome: first.label,
    scale: first.periods[0]!.byArea ? 'admin1-day' : 'mission-day',
    level: chosen.scoredLevel,
    training: training ?? { from: chosen.period.from, to: trainingTo },
    validation: { from: opts.split, to: chosen.period.to },
    settings: results,
    measured,
    criterion, minPod,
    chosen: choice.index,
    note: choice.note,
    chosenValidation: dayRow(first, 'validation')!,
    currentValidation: asFound ? dayRow(asFound.skill[0]!, 'validation') : null,
    ruleSetVersion: checked.version,
    chosenTexts: chosenRules.filter((r) => targets.includes(r.rule.id)).map((r) => {
      const before = checked.rules.find((x) => x.rule.id === r.rule.id)!
      return { file: r.file, indicator: r.rule.id, text: r.text, changed: r.text !== before.text }
    }),
  }
}
