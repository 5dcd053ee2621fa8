import { loadConfig } from '../config.js'
import { loadTaxonomy } from '../taxonomy/taxonomy.js'
import { ALIASES_DIR, TAXONOMY_FILE } from '../paths.js'
import { DURATION_PATTERN, durationMs } from '../rules/rule-schema.js'
import { progressBar, type ProgressStream } from '../import/progress.js'
import { cliGazetteers } from './cli-gazetteers.js'
import { BacktestError, runBacktest, type BacktestOptions } from '../backtest/backtest-run.js'
import { guessSource } from '../backtest/backtest-reports.js'
import { levelTable } from '../backtest/level-table.js'
import { writeBacktestOutputs } from '../backtest/backtest-report.js'
import { formatRejections } from '../import/import-run.js'
import { CrosswalkError } from '../import/ucdp-crosswalk.js'
import { MappingError } from '../import/csv-mapping.js'
import { CsvSyntaxError } from '../import/csv-reader.js'
import { parseCommandOrProblem, type parseCommand } from './args.js'
import { LEVELS, type Level } from '../alerts/levels.js'
import { skillHeading, skillTable } from '../backtest/skill-table.js'
import { missionPeriod } from '../backtest/mission-periods.js'

import { BACKTEST_USAGE } from './usage.js'

type Out = { write(s: string): unknown }


/** The options of \`vigil backtest\`, which \`vigil calibrate\` takes too. */
export const BACKTEST_OPTIONS = {
  reports: { type: 'string' }, rules: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
  outcomes: { type: 'string' }, mission: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' },
  map: { type: 'string' }, warmup: { type: 'string' }, 'false-alarm-days': { type: 'string' },
  'outcomes-from': { type: 'string' }, outcome: { type: 'string', multiple: true }, level: { type: 'string' },
  split: { type: 'string' }, draws: { type: 'string' }, bootstrap: { type: 'string' }, seed: { type: 'string' },
} as const

type BacktestValues = ReturnType<typeof parseCommand<typeof BACKTEST_OPTIONS>>['values']

function parse(argv: string[]): BacktestOptions & { out?: string } | string {
  const line = parseCommandOrProblem(argv, { options: BACKTEST_OPTIONS })
  return typeof line === 'string' ? line : backtestOptions(line.values)
}

/** The backtest options from parsed values, or what is wrong with them. */
export function backtestOptions(v: BacktestValues): BacktestOptions & { out?: string } | string {
  if (!v.reports) return '--reports is required'
  if (v.mission !== undefined && !/^[A-Z][A-Z0-9-]{1,15}$/.test(v.mission)) return '--mission must be a mission code such as MINUSCA'
  if (v.warmup !== undefined && v.warmup !== '0' && !DURATION_PATTERN.test(v.warmup)) return '--warmup must be a duration such as 365d, or 0'
  const fad = v['false-alarm-days'] === undefined ? 30 : Number(v['false-alarm-days'])
  if (!Number.isInteger(fad) || fad < 0) return '--false-alarm-days must be a whole number of days'
  if (v['outcomes-from'] !== undefined && v['outcomes-from'] !== 'reports') return "--outcomes-from must be 'reports' (the fatalities list is --outcomes <file>)"
  if (v['outcomes-from'] === 'reports' && !v.outcome?.length) return '--outcomes-from reports needs at least one --outcome, e.g. --outcome "POC.KILL civiliansKilled>=5"'
  if (v.level !== undefined && !(LEVELS as readonly string[]).includes(v.level)) return `--level must be one of ${LEVELS.join(', ')}`
  const counts: Record<string, number> = {}
  for (const k of ['draws', 'bootstrap', 'seed'] as const) {
    if (v[k] === undefined) continue
    const n = Number(v[k])
    if (!Number.isInteger(n) || n < 0) return `--${k} must be a whole number`
    counts[k] = n
  }
  const config = loadConfig()
  let reports
  try {
    reports = guessSource(v.reports, v.format, v.map)
  } catch (err) {
    return (err as Error).message
  }
  const gazetteers = cliGazetteers(config.gazetteerDir, process.stderr)
  const areas = v.mission ? (gazetteers.set.get(v.mission)?.areas ?? []).filter((a) => a.level === 1).map((a) => a.pcode) : []
  return {
    reports,
    rulesDir: v.rules ?? config.rulesDir,
    taxonomy: loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR),
    missions: config.missions,
    place: gazetteers.place,
    gazetteers: gazetteers.set,
    areas,
    ...(v.outcome?.length ? { outcomeSpecs: v.outcome } : {}),
    ...(v.level ? { level: v.level as Level } : {}),
    ...(v.split ? { split: v.split } : {}),
    ...counts,
    falseAlarmDays: fad,
    ...(v.mission ? { mission: v.mission } : {}),
    ...(v.from ? { from: v.from } : {}),
    ...(v.to ? { to: v.to } : {}),
    ...(v.outcomes ? { outcomes: v.outcomes } : {}),
    ...(v.warmup !== undefined ? { warmupMs: v.warmup === '0' ? 0 : durationMs(v.warmup) } : {}),
    ...(v.out ? { out: v.out } : {}),
  }
}

/**
 * What a run on a mission vigil knows little about can and cannot do, said up front: without its
 * gazetteer, areas are the reports' own admin1 names (or P-codes), and nothing places a report at
 * a UN site or knows which areas border each other; without its deployment dates, scoring starts
 * at the first report (or --from).
 */
export function missionNotes(opts: Pick<BacktestOptions, 'mission' | 'areas' | 'from'>): string {
  if (!opts.mission) return ''
  const notes: string[] = []
  if (!opts.areas || opts.areas.length === 0) {
    notes.push(`no gazetteer for ${opts.mission} (VIGIL_GAZETTEER_DIR): areas are the admin1 names or P-codes the reports give; `
      + 'no report is placed at a UN site by its coordinates and no area has neighbours, so indicators on UN sites see only reports that name their site, '
      + 'and those on bordering areas cannot fire')
  }
  if (!missionPeriod(opts.mission)) {
    notes.push(`${opts.mission} is not in the table of deployments (src/backtest/mission-periods.ts): scored from ${opts.from ?? "the first report's day"}, with no warm-up cut at a deployment`)
  }
  return notes.map((n) => `${n}\n`).join('')
}

/** Errors that mean the input was wrong, not vigil: a message and exit code 2, no stack. */
export function isUsageError(e: unknown): boolean {
  return e instanceof BacktestError || e instanceof CrosswalkError || e instanceof MappingError || e instanceof CsvSyntaxError
    || e instanceof SyntaxError || (e as NodeJS.ErrnoException).code === 'ENOENT'
}

/** `vigil backtest`: replay, score, and print the level table (and write the outputs with --out). */
export async function backtestCommand(argv: string[], out: Out, err: Out, progress: ProgressStream): Promise<number> {
  const opts = parse(argv)
  if (typeof opts === 'string') {
    err.write(`vigil backtest: ${opts}\n\n${BACKTEST_USAGE}`)
    return 2
  }
  err.write(missionNotes(opts))
  let result
  try {
    result = await runBacktest({ ...opts, progress: progressBar(progress) })
  } catch (e) {
    if (!isUsageError(e)) throw e
    err.write(`${(e as Error).message}\n`)
    return 2
  }
  const s = result.summary
  if (s.reports.rejected > 0) err.write(`${s.reports.rejected} report(s) of ${s.reports.source} not replayed; ${formatRejections(s.reports.rejections)}`)
  out.write(`${s.mission ?? 'all missions'} ${s.period.from} to ${s.period.to}: ${s.reports.replayed} reports replayed in ${s.timings.replaySeconds.toFixed(1)}s `
    + `(${s.timings.reportsPerSecond}/s), ${s.alerts.raised} alerts raised, ${s.alerts.changes} changes\n`)
  if (s.deployment && s.period.from === s.deployment.start && (opts.from ?? '') < s.deployment.start) {
    out.write(`scored from ${s.period.from}, when ${s.deployment.mission} deployed; the days before are warm-up\n`)
  }
  if (s.outcomes) out.write(`${s.outcomes.incidents} fatal incidents (${s.outcomes.fatalities} fatalities) in the period\n`)
  out.write(`${levelTable(s.levels)}\n`)
  for (const c of s.skill) out.write(`\n${s.scoredLevel} or higher warnings. ${skillHeading(c)}\n${skillTable(c)}\n`)
  if (opts.out) {
    for (const f of writeBacktestOutputs(opts.out, result)) out.write(`wrote ${f}\n`)
  }
  return 0
}
