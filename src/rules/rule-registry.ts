import fs from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import type { Clock } from '../clock.js'
import { DEPRECATED_DIR, listRuleFiles, loadRuleDir, type LoadedRule, type RuleProblem } from './rule-loader.js'
import { checkRuleSet, checkRuleWarnings } from './rule-check.js'
import { buildRuleSet, emptyRuleSet, type RuleSet } from './rule-set.js'
import { withWatches } from './taxonomy-watch.js'

export interface CheckResult {
  rules: LoadedRule[]
  problems: RuleProblem[]
  /** What is allowed but probably a mistake (an expiry shorter than the window): never refuses a set. */
  warnings: RuleProblem[]
  version: string
}

/** Ids held by rules in deprecated/ (id -> file): reserved forever. */
export function deprecatedIds(dir: string): Map<string, string> {
  const ids = new Map<string, string>()
  const depDir = path.join(dir, DEPRECATED_DIR)
  let files: string[]
  try {
    files = fs.existsSync(depDir) ? listRuleFiles(depDir, { deprecated: false }) : []
  } catch {
    // Unreadable while being edited: the next reload reads it again.
    return ids
  }
  for (const file of files) {
    try {
      const doc = parseYaml(fs.readFileSync(path.join(depDir, file), 'utf8')) as { id?: unknown }
      if (typeof doc?.id === 'string') ids.set(doc.id, `${DEPRECATED_DIR}/${file}`)
    } catch {
      // A broken retired file reserves nothing; it is never loaded either.
    }
  }
  return ids
}

/** Loads and checks a rule directory: schema, then meaning. Never throws on bad rules. */
export function checkRuleDir(dir: string, taxonomy: Taxonomy): CheckResult {
  const loaded = loadRuleDir(dir)
  // One list in file and position order, schema and meaning problems together, as an editor shows them.
  const problems = [...loaded.problems, ...checkRuleSet(loaded.rules, taxonomy, deprecatedIds(dir))]
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
  // Resolved only when clean: a rule that fails its check is never built.
  const rules = problems.length === 0 ? withWatches(loaded.rules, taxonomy) : loaded.rules
  return { rules, problems, warnings: checkRuleWarnings(loaded.rules), version: loaded.version }
}

export interface ReloadAttempt {
  at: string
  /** What asked for it: startup, watch, SIGHUP, http. */
  trigger: string
  /** True when the set passed its check and is live (swapped in, or already live unchanged). */
  ok: boolean
  /** True when a different set was swapped in. */
  changed: boolean
  /** The version of the set that was checked. */
  version: string
  problems: RuleProblem[]
}

/**
 * Holds the live rule set. A reload checks the whole new set first and swaps it in only when it
 * has no problem at all; otherwise the running set stays live and the failure is kept for
 * GET /rules/status (Prometheus rules/manager.go: all or nothing).
 *
 * The swap is one assignment and the evaluator reads current() once per evaluation, so a swap
 * can only land between two evaluations; callers run reload() in the write queue so it never
 * lands inside one even while that evaluation awaits.
 */
export class RuleRegistry {
  private live: RuleSet
  private lastFailure: ReloadAttempt | null = null
  private lastAttempt: ReloadAttempt | null = null

  constructor(readonly dir: string, private readonly taxonomy: Taxonomy, private readonly clock: Clock) {
    this.live = emptyRuleSet(clock())
  }

  /** The rule set to evaluate with; read once per evaluation so a swap never splits one. */
  current(): RuleSet {
    return this.live
  }

  /** Checks the directory and swaps the new set in when it is clean. Never throws. */
  reload(trigger = 'manual'): ReloadAttempt {
    const at = this.clock()
    const attempt: ReloadAttempt = { at: new Date(at).toISOString(), trigger, ok: false, changed: false, version: '', problems: [] }
    try {
      const checked = checkRuleDir(this.dir, this.taxonomy)
      attempt.version = checked.version
      attempt.problems = checked.problems
      if (checked.problems.length === 0 && checked.version !== this.live.version) {
        this.live = buildRuleSet(checked.rules, checked.version, at)
        attempt.changed = true
      }
      attempt.ok = checked.problems.length === 0
    } catch (err) {
      // A rule set that cannot even be built is refused like one that fails its check.
      attempt.ok = false
      attempt.changed = false
      attempt.problems = [{ file: this.dir, line: 1, column: 1, path: '', message: `reload failed: ${(err as Error).message}` }]
    }
    this.lastAttempt = attempt
    if (!attempt.ok) this.lastFailure = attempt
    return attempt
  }

  /** Installs an already built set (tests, previews and replays bring their own). */
  install(set: RuleSet) {
    this.live = set
  }

  /** The live version and when it was loaded, the last attempt, and the last refused one. */
  status() {
    return {
      version: this.live.version,
      loadedAt: new Date(this.live.loadedAt).toISOString(),
      rules: this.live.indicators.length,
      dir: this.dir,
      lastAttempt: this.lastAttempt,
      lastFailure: this.lastFailure,
    }
  }
}
