import fs from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import type { Clock } from '../clock.js'
import { DEPRECATED_DIR, listRuleFiles, loadRuleDir, type LoadedRule, type RuleProblem } from './rule-loader.js'
import { checkRuleSet } from './rule-check.js'
import { buildRuleSet, emptyRuleSet, type RuleSet } from './rule-set.js'

export interface CheckResult {
  rules: LoadedRule[]
  problems: RuleProblem[]
  version: string
}

/** Ids held by rules in deprecated/ (id -> file): reserved forever. */
function deprecatedIds(dir: string): Map<string, string> {
  const ids = new Map<string, string>()
  const depDir = path.join(dir, DEPRECATED_DIR)
  if (!fs.existsSync(depDir)) return ids
  for (const file of listRuleFiles(depDir, { deprecated: false })) {
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
  const problems = [...loaded.problems, ...checkRuleSet(loaded.rules, taxonomy, deprecatedIds(dir))]
  return { rules: loaded.rules, problems, version: loaded.version }
}

export interface ReloadAttempt {
  at: string
  ok: boolean
  version: string
  problems: RuleProblem[]
}

/**
 * Holds the live rule set. A reload checks the whole new set first and swaps it in only when it
 * has no problem at all; otherwise the running set stays live and the failure is kept for
 * GET /rules/status (Prometheus rules/manager.go: all or nothing).
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

  /** Checks the directory and swaps the new set in when it is clean. Returns the attempt. */
  reload(): ReloadAttempt {
    const at = this.clock()
    const checked = checkRuleDir(this.dir, this.taxonomy)
    const attempt: ReloadAttempt = { at: new Date(at).toISOString(), ok: checked.problems.length === 0, version: checked.version, problems: checked.problems }
    if (attempt.ok) {
      try {
        this.live = buildRuleSet(checked.rules, checked.version, at)
      } catch (err) {
        attempt.ok = false
        attempt.problems = [{ file: this.dir, line: 1, column: 1, path: '', message: `build failed: ${(err as Error).message}` }]
      }
    }
    this.lastAttempt = attempt
    if (!attempt.ok) this.lastFailure = attempt
    return attempt
  }

  /** Installs an already built set (tests, previews and replays bring their own). */
  install(set: RuleSet) {
    this.live = set
  }

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
