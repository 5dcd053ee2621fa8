import { replay } from '../evaluate/replay.js'
import { checkRuleDir } from '../rules/rule-registry.js'
import { buildRuleSet, type RuleSet } from '../rules/rule-set.js'
import type { Report } from '../reports/report.js'
import type { Placer } from '../reports/report-place.js'
import type { GazetteerSet } from '../gazetteer/gazetteer-types.js'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import type { ChangeRecord } from '../engine/alert-change.js'
import type { Progress } from '../import/progress.js'
import type { RejectionGroup } from '../import/rejections.js'
import { loadReportFile, openReportDb, type ReportSource } from './backtest-reports.js'
import { readFatalIncidents, type FatalIncident } from './outcomes.js'
import { DAY_MS, score, type Period, type Score } from './scoring.js'
import { warningsOf, type AlertStep, type Warning } from './warnings.js'
import { ALL_LEVELS, LEVEL_ROWS } from './level-rows.js'
import { BacktestError } from './backtest-error.js'
import { LEVELS, type Level } from '../alerts/levels.js'
import type { AlertState } from '../alerts/alert.js'
import { missionPeriod, type MissionPeriod } from './mission-periods.js'
import { isOutcome, parseOutcomeSpec, type OutcomeSpec } from './outcome-spec.js'
import type { OutcomeEvent } from './area-grid.js'
import { areaSpells, missionSpells } from './area-spells.js'
import { MISSION, scoreSkill, type NamedPeriod, type OutcomeClass, type OutcomeClassResult } from './skill-scoring.js'

export { BacktestError }

/**
 * A backtest: the reports replayed in occurredAt order through the real engine (replay.ts, in
 * memory, the clock at each report and every expiry at its time), every alert
 * change recorded, and the warnings scored against the fatal incidents of the mission.
 */

export interface BacktestOptions {
  reports: ReportSource
  rulesDir: string
  taxonomy: Taxonomy
  /** Missions the intake accepts (the mission under test is added). */
  missions: readonly string[]
  /** Places the reports of a file, as the service would (the mission's gazetteer); names as given without. */
  place?: Placer
  mission?: string
  /** The gazetteers `place` uses: facts over bordering areas read them. */
  gazetteers?: GazetteerSet
  /** First and last day scored, YYYY-MM-DD (UTC, both included); default: the reports' first and last day (a database: today). */
  from?: string
  to?: string
  /** How far before `from` reports are replayed unscored, so windows and trends start full; default from the rules. */
  warmupMs?: number
  /** The fatalities CSV; needs `mission`. */
  outcomes?: string
  /** A warning with no fatal incident while active or this many days after is a false alarm. */
  falseAlarmDays?: number
  progress?: Progress
  /** The time source for "today" (a database's default end). */
  now?: () => number
  /** Outcome classes picked from the reports themselves (`--outcome`), scored by area and mission-wide. */
  outcomeSpecs?: readonly string[]
  /** The lowest level a warning must have to count in the skill tables; default operational. */
  level?: Level
  /** First day of the validation period, YYYY-MM-DD: the days before it are training. */
  split?: string
  /** The mission's admin1 areas (P-codes): every one is scored, also those that never saw an alert. */
  areas?: readonly string[]
  /** Monte Carlo draws of the random baseline and bootstrap resamples of the lift (default 1000 each), and their seed (default 1). */
  draws?: number
  bootstrap?: number
  seed?: number
  /** The rules to replay, built already (a calibration's variant); `rulesDir` then only names them. */
  ruleSet?: RuleSet
  /** Score only these indicators' warnings in the skill tables (a calibration's); default every one. */
  scoreIndicators?: readonly string[]
}

export interface LevelResult extends Score {
  key: string
  label: string
}

export interface IndicatorResult extends Score {
  indicatorId: string
}

export interface BacktestSummary {
  mission: string | null
  period: { from: string; to: string; days: number }
  /** The mission's deployment (scoring starts there) when the mission is in the table. */
  deployment: MissionPeriod | null
  split: string | null
  warmupFrom: string
  reports: { source: string; kind: string; read: number | null; replayed: number; rejected: number; rejections: RejectionGroup[] }
  rules: { dir: string; version: string; indicators: number }
  outcomes: { file: string; incidents: number; fatalities: number; undated: number } | null
  alerts: { raised: number; changes: number }
  falseAlarmDays: number
  levels: LevelResult[]
  indicators: IndicatorResult[]
  /** The warnings at `scoredLevel` or higher against each outcome class, with the baselines. */
  scoredLevel: Level
  skill: OutcomeClassResult[]
  timings: { loadSeconds: number; replaySeconds: number; reportsPerSecond: number }
}

export interface BacktestResult {
  summary: BacktestSummary
  changes: ChangeRecord[]
  /** Warnings by level row key, and `all` (every level), for the timeline. */
  warnings: Record<string, Warning[]>
  incidents: FatalIncident[]
  period: Period
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10)

function parseDay(s: string, flag: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  const t = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) : Number.NaN
  if (Number.isNaN(t) || day(t) !== s) throw new BacktestError(`${flag} must be a date YYYY-MM-DD, not '${s}'`)
  return t
}

/**
 * How far back the rules look from a report: the longest window with its trend baseline (or a
 * fact's own longer window), plus the longest expiry (an alert raised before the period may
 * still be active in it).
 */
export function ruleWarmupMs(set: RuleSet): number {
  const look = Math.max(0, ...set.indicators.flatMap((i) => [i.windowMs * (1 + i.trendPeriods), ...i.needs.map((n) => n.windowMs)]))
  const expiry = Math.max(0, ...set.indicators.map((i) => i.expiresMs))
  return look + expiry
}

function loadRules(dir: string, taxonomy: Taxonomy): RuleSet {
  const { rules, problems, version } = checkRuleDir(dir, taxonomy)
  if (problems.length > 0) {
    throw new BacktestError(`the rules in ${dir} fail their check (vigil rules check):\n${problems.map((p) => `  ${p.file}:${p.line}:${p.column}  ${p.path || '-'}  ${p.message}`).join('\n')}`)
  }
  return buildRuleSet(rules, version, 0)
}

/** Passes items through, telling the progress bar how many have been handed on, and each to `tap`. */
function* counted<T>(items: Iterable<T>, progress: Progress | undefined, tap: (item: T) => void): Generator<T> {
  let n = 0
  for (const item of items) {
    tap(item)
    yield item
    progress?.update(++n)
  }
}

/** The admin1 areas of an alert (P-codes, else names): every one its inputs touch, else its main one. */
export function alertAreas(a: Pick<AlertState, 'scope'>): string[] {
  const level1 = (a.scope.areas ?? []).filter((r) => r.level === 1).map((r) => r.pcode ?? r.name)
  if (level1.length > 0) return [...new Set(level1)]
  const main = a.scope.admin1Pcode ?? a.scope.admin1
  return main ? [main] : []
}

const stepOf = (c: ChangeRecord): AlertStep => ({
  alertId: c.alertId, at: c.at, level: c.level, grade: c.grade, status: c.status,
  indicatorId: c.indicatorId, summary: c.summary, areas: alertAreas(c),
})

/** A report's admin1 key: its P-code where the gazetteer placed it, else the name it gave. */
export const reportArea = (r: Report): string | null => r.place?.admin1Pcode ?? r.place?.admin1 ?? null

/** The admin1 keys a mission's reports name, sorted: the areas scored when no gazetteer lists them. */
export function areasOfReports(reports: Iterable<Report>, mission: string | undefined): string[] {
  const out = new Set<string>()
  for (const r of reports) {
    const a = mission && r.mission !== mission ? null : reportArea(r)
    if (a !== null) out.add(a)
  }
  return [...out].sort()
}

/** An outcome of a class: the report's day and admin1. */
const outcomeOf = (r: Report): OutcomeEvent => ({
  id: r.id, day: day0(Date.parse(r.occurredAt)), area: reportArea(r),
})

const day0 = (t: number) => Math.floor(t / DAY_MS) * DAY_MS

/**
 * The scored period: the given days, else from the first report's day to the last one's (both
 * included), never before the mission deployed nor after it ended (those days are warm-up).
 */
function resolvePeriod(opts: BacktestOptions, first: number | null, last: number | null): Period {
  let from = opts.from ? parseDay(opts.from, '--from') : first === null ? null : day0(first)
  let to = opts.to ? parseDay(opts.to, '--to') + DAY_MS : last === null ? null : day0(last) + DAY_MS
  if (from === null || to === null) throw new BacktestError('no reports to replay')
  if (to <= from) throw new BacktestError('--to must not be before --from')
  const deployed = missionPeriod(opts.mission)
  if (deployed) {
    from = Math.max(from, parseDay(deployed.start, 'deployment'))
    if (deployed.end) to = Math.min(to, parseDay(deployed.end, 'deployment') + DAY_MS)
    if (to <= from) throw new BacktestError(`${deployed.mission} was deployed from ${deployed.start}${deployed.end ? ` to ${deployed.end}` : ''}: the period asked for lies outside it`)
  }
  return { from, to }
}

/** Training and validation when split (each scored apart), else the whole period. */
function namedPeriods(period: Period, split: string | undefined): { periods: NamedPeriod[]; training: Period } {
  if (!split) return { periods: [{ name: 'whole', period }], training: period }
  const at = parseDay(split, '--split')
  if (at <= period.from || at >= period.to) {
    throw new BacktestError(`--split ${split} must fall inside the scored period ${day(period.from)} to ${day(period.to - DAY_MS)}`)
  }
  const training = { from: period.from, to: at }
  return { periods: [{ name: 'training', period: training }, { name: 'validation', period: { from: at, to: period.to } }], training }
}

/** The reports to replay (the period and its warm-up), with what reading them cost. */
interface Selection {
  reports: Iterable<Report>
  total: number | null
  read: number | null
  rejected: { rows: number; list(): RejectionGroup[] } | null
  period: Period
  close(): void
}

function missionsFor(opts: BacktestOptions): readonly string[] {
  return opts.mission && !opts.missions.includes(opts.mission) ? [...opts.missions, opts.mission] : opts.missions
}

/** A database is streamed in order (a database's period ends today by default); a file is read whole. */
function selectReports(opts: BacktestOptions, warmupMs: number): Selection {
  const src = opts.reports
  if (src.kind === 'db') {
    const db = openReportDb(src.file)
    try {
      const period = resolvePeriod(opts, db.first(opts.mission), day0(opts.now?.() ?? Date.now()))
      return { reports: db.inRange(period.from - warmupMs, period.to, opts.mission), total: null, read: null, rejected: null, period, close: () => db.close() }
    } catch (err) {
      db.close()
      throw err
    }
  }
  const loaded = src.kind === 'loaded' ? src.loaded : loadReportFile(src, {
    taxonomy: opts.taxonomy, missions: missionsFor(opts), ...(opts.place ? { place: opts.place } : {}),
    ...(opts.mission ? { mission: opts.mission } : {}), ...(opts.progress ? { progress: opts.progress } : {}),
  })
  const times = loaded.reports.map((r) => Date.parse(r.occurredAt))
  const period = resolvePeriod(opts, times[0] ?? null, times.length > 0 ? times[times.length - 1]! : null)
  const reports = loaded.reports.filter((_, i) => times[i]! >= period.from - warmupMs && times[i]! < period.to)
  return { reports, total: reports.length, read: loaded.read, rejected: loaded.rejected, period, close: () => undefined }
}

/** Runs a backtest; throws BacktestError on bad options or rules. */
export async function runBacktest(opts: BacktestOptions): Promise<BacktestResult> {
  if (opts.outcomes && !opts.mission) throw new BacktestError('--outcomes needs --mission: the fatalities file lists every mission')
  const specs: OutcomeSpec[] = (opts.outcomeSpecs ?? []).map((t) => parseOutcomeSpec(t, opts.taxonomy))
  const located: OutcomeEvent[][] = specs.map(() => [])
  // With no gazetteer for the mission, its areas are the admin1 names (or P-codes) its reports give.
  const reportAreas = new Set<string>()
  const tap = (r: Report) => {
    if (opts.mission && r.mission !== opts.mission) return
    const area = reportArea(r)
    if (area !== null) reportAreas.add(area)
    specs.forEach((spec, i) => {
      if (isOutcome(spec, r)) located[i]!.push(outcomeOf(r))
    })
  }
  const started = performance.now()
  const set = opts.ruleSet ?? loadRules(opts.rulesDir, opts.taxonomy)
  const warmupMs = opts.warmupMs ?? ruleWarmupMs(set)
  const input = selectReports(opts, warmupMs)
  const { period } = input
  let split: ReturnType<typeof namedPeriods>
  try {
    split = namedPeriods(period, opts.split)
  } catch (err) {
    input.close()
    throw err
  }
  const loadSeconds = (performance.now() - started) / 1000
  const missions = missionsFor(opts)
  const replayStarted = performance.now()
  opts.progress?.start('replaying', input.total)
  let out: Awaited<ReturnType<typeof replay>>
  try {
    out = await replay({ reports: counted(input.reports, opts.progress, tap), set, taxonomy: opts.taxonomy, missions, until: period.to, ...(opts.gazetteers ? { gazetteers: opts.gazetteers } : {}) })
  } finally {
    opts.progress?.finish()
    input.close()
  }
  const replaySeconds = (performance.now() - replayStarted) / 1000

  const changes = opts.mission ? out.changes.filter((c) => c.mission === opts.mission) : out.changes
  const steps = changes.map(stepOf)
  const outcomes = opts.outcomes ? readFatalIncidents(opts.outcomes, opts.mission!) : null
  const incidents = outcomes?.incidents ?? null
  const falseAlarmDays = opts.falseAlarmDays ?? 30
  const warnings: Record<string, Warning[]> = { all: warningsOf(steps, ALL_LEVELS, period.to) }
  const levels = LEVEL_ROWS.map((row) => {
    warnings[row.key] = warningsOf(steps, row.levels, period.to)
    return { key: row.key, label: row.label, ...score(warnings[row.key]!, incidents, period, { falseAlarmDays }) }
  })
  const indicatorIds = [...new Set(warnings.all!.map((w) => w.indicatorId))].sort()
  const indicators = indicatorIds.map((id) => ({ indicatorId: id, ...score(warnings.all!.filter((w) => w.indicatorId === id), incidents, period, { falseAlarmDays }) }))
  const inPeriod = (incidents ?? []).filter((i) => i.day >= period.from && i.day < period.to)

  const scoredLevel = opts.level ?? 'operational'
  const scoredLevels = LEVELS.slice(LEVELS.indexOf(scoredLevel))
  const classes: OutcomeClass[] = specs.map((spec, i) => ({ key: `reports:${spec.text}`, label: `reports ${spec.text}`, events: located[i]! }))
  if (incidents && outcomes) {
    classes.push({ key: 'fatalities', label: `${opts.mission} malicious-act fatalities (UN list, dates only)`, events: incidents.map((i) => ({ id: i.date, day: i.day, area: null })) })
  }
  const scored = opts.scoreIndicators ? steps.filter((st) => opts.scoreIndicators!.includes(st.indicatorId)) : steps
  // The gazetteer's areas, else every admin1 the mission's reports named (also those never warned,
  // so time under warning counts them): an alert with no place then warns each of them.
  const known = opts.areas && opts.areas.length > 0 ? opts.areas : [...reportAreas].sort()
  const spells = areaSpells(scored, scoredLevels, period.to, known)
  const areas = opts.areas && opts.areas.length > 0
    ? opts.areas
    : [...new Set([...known, ...spells.map((s) => s.area)])].sort()
  const skill = scoreSkill({
    areaSpells: spells, missionSpells: missionSpells(warningsOf(scored, scoredLevels, period.to), MISSION), areas, classes,
    periods: split.periods, training: split.training, draws: opts.draws ?? 1000, bootstrap: opts.bootstrap ?? 1000, seed: opts.seed ?? 1,
  })

  return {
    summary: {
      mission: opts.mission ?? null,
      period: { from: day(period.from), to: day(period.to - DAY_MS), days: Math.round((period.to - period.from) / DAY_MS) },
      deployment: missionPeriod(opts.mission),
      split: opts.split ?? null,
      warmupFrom: day(period.from - warmupMs),
      reports: {
        source: opts.reports.file, kind: opts.reports.kind === 'db' ? 'database' : opts.reports.format,
        read: input.read, replayed: out.replayed, rejected: (input.rejected?.rows ?? 0) + out.rejected.length,
        rejections: [...(input.rejected?.list() ?? []), ...(out.rejected.length > 0 ? [{ reason: 'refused by the engine', count: out.rejected.length, examples: out.rejected.slice(0, 5).map((r) => ({ ref: r.id, id: r.id, detail: r.message })) }] : [])],
      },
      rules: { dir: opts.rulesDir, version: set.version, indicators: set.indicators.length },
      outcomes: outcomes && opts.outcomes
        ? { file: opts.outcomes, incidents: inPeriod.length, fatalities: inPeriod.reduce((n, i) => n + i.fatalities, 0), undated: outcomes.undated }
        : null,
      // An alert leaves active status for good, so it is one warning at "every level".
      alerts: { raised: warnings.all!.filter((w) => w.start >= period.from).length, changes: changes.length },
      falseAlarmDays,
      levels,
      indicators,
      scoredLevel,
      skill,
      timings: { loadSeconds, replaySeconds, reportsPerSecond: replaySeconds > 0 ? Math.round(out.replayed / replaySeconds) : 0 },
    },
    changes,
    warnings,
    incidents: incidents ?? [],
    period,
  }
}
