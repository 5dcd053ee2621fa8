import { parseRuleText } from '../rules/rule-loader.js'
import { ruleContentHash } from '../rules/validation-record.js'
import type { RuleValidation } from '../rules/rule-schema.js'
import { BacktestError } from './backtest-error.js'
import type { CalibrationResult } from './calibration-run.js'
import { setInText, setTopLevelBlock } from './rule-variant.js'

/**
 * `vigil calibrate --write`: the rule file rewritten with the chosen setting (its version raised
 * when the setting changed it) and a `validation:` block with the validation figures, the data,
 * the periods, the date and the versions, so `rules check` can tell when the record goes stale.
 */

const round = (x: number | null, digits = 3) => (x === null ? null : Number(x.toFixed(digits)))

export function validationFigures(r: CalibrationResult): RuleValidation['figures'] {
  const v = r.chosenValidation
  const s = v.rules
  return {
    outcomes: s.outcomes,
    pod: round(s.probabilityOfDetection), far: round(s.falseAlarmRatio), medianLeadDays: round(s.leadTimeDays?.median ?? null, 1),
    timeUnderWarning: round(s.timeUnderWarning), lift: round(s.lift, 2), liftLow: round(s.liftInterval?.[0] ?? null, 2), liftHigh: round(s.liftInterval?.[1] ?? null, 2),
    skillVsPersistence: round(v.skill, 2), peirce: round(s.peirce), warningsPerAreaWeek: round(s.warningsPerAreaWeek, 4),
    pRandom: round(v.random?.pValue ?? null), persistenceDays: v.persistence.days,
  }
}

/** The text of one chosen variant with its validation block (and version raised when changed); checked before it is returned. */
export function withValidation(variant: CalibrationResult['chosenTexts'][number], r: CalibrationResult, meta: { dataset: string; mission: string; date: string }): string {
  const first = parseRuleText(variant.file, variant.text)
  if ('problems' in first) throw new BacktestError(`${variant.file}: ${first.problems.map((p) => p.message).join('; ')}`)
  const version = first.rule.rule.version + (variant.changed ? 1 : 0)
  const text = variant.changed ? setInText(variant.text, ['version'], version, variant.file, 'version') : variant.text
  const bare = parseRuleText(variant.file, text)
  if ('problems' in bare) throw new BacktestError(`${variant.file}: ${bare.problems.map((p) => p.message).join('; ')}`)
  const block: RuleValidation = {
    dataset: meta.dataset, mission: meta.mission, outcomes: r.outcome, scale: r.scale, level: r.level as RuleValidation['level'],
    training: r.training, period: r.validation, figures: validationFigures(r), date: meta.date,
    ruleSetVersion: r.ruleSetVersion, ruleVersion: version, contentHash: ruleContentHash(bare.rule.rule),
  }
  const out = setTopLevelBlock(text, 'validation', block)
  const again = parseRuleText(variant.file, out)
  if ('problems' in again) throw new BacktestError(`${variant.file}: the validation block fails the rule schema: ${again.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`)
  return out
}
