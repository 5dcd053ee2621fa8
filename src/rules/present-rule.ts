import { LEVELS } from '../alerts/levels.js'
import type { LoadedRule } from './rule-loader.js'

/** One line of GET /rules: enough to find an indicator and see what it can raise. */
export function presentRuleSummary(r: LoadedRule) {
  const { rule } = r
  return {
    id: rule.id,
    title: rule.title,
    status: rule.status,
    version: rule.version,
    /** The codes it watches, crosswalk selectors resolved. */
    taxonomy: r.watch ? [...r.watch.codes] : rule.taxonomy,
    input: rule.input,
    /** The levels its thresholds can raise, lowest first. */
    levels: LEVELS.filter((l) => rule.alerts.some((a) => a.level === l)),
    thresholds: rule.alerts.map((a) => ({ level: a.level, grade: a.grade })),
    window: rule.window,
    expires: rule.expires,
    ...(rule.titleFr ? { titleFr: rule.titleFr } : {}),
    description: rule.description,
    owner: rule.owner,
    ...(rule.summary ? { summary: rule.summary } : {}),
    ...(rule.summaryFr ? { summaryFr: rule.summaryFr } : {}),
    file: r.file,
  }
}

/** GET /rules/:id: the rule as parsed (defaults filled in) and the file exactly as written. */
export function presentRule(r: LoadedRule) {
  return { id: r.rule.id, file: r.file, rule: r.rule, source: r.text }
}
