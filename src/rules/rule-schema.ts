import { z } from 'zod'
import { LEVELS, GRADES } from '../alerts/levels.js'

/**
 * The indicator rule file: one indicator per file, edited by HQ staff. This zod schema is the
 * single definition; schemas/indicator-rule.schema.json is generated from it for editors.
 */

export const RULE_STATUSES = ['experimental', 'test', 'stable', 'deprecated'] as const
export const RULE_INPUTS = ['reports', 'alerts'] as const
/** Report (or alert) fields an indicator can group by. The mission is always part of the scope. */
export const GROUP_FIELDS = ['admin1', 'admin2', 'route', 'site', 'category', 'topCategory', 'report'] as const

export const DURATION_PATTERN = /^([1-9]\d{0,4})(m|h|d|w)$/
export const duration = z.string().regex(DURATION_PATTERN, 'a duration such as 72h, 14d or 2w (m = minutes, h = hours, d = days, w = weeks)')

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const

/** Milliseconds in a duration such as `14d`; throws on a bad one (the schema has already checked it). */
export function durationMs(text: string): number {
  const m = DURATION_PATTERN.exec(text)
  if (!m) throw new Error(`bad duration '${text}'`)
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]
}

export interface LeafCondition {
  fact: string
  operator: string
  value?: unknown
  path?: string
  params?: Record<string, unknown>
  name?: string
}
export type Condition =
  | LeafCondition
  | { all: Condition[]; name?: string }
  | { any: Condition[]; name?: string }
  | { not: Condition; name?: string }

const leafCondition = z.strictObject({
  fact: z.string().min(1).describe('what to test: `report` (with a path) in match, an aggregate fact in when'),
  operator: z.string().min(1).describe('equal, greaterThanInclusive, in, contains, exists, between, matches, under, ...'),
  value: z.unknown().optional(),
  path: z.string().min(1).optional().describe('a dotted path into the fact, e.g. location.route'),
  params: z.record(z.string(), z.unknown()).optional().describe('fact parameters, e.g. { category: HOS.IED, window: 7d }'),
  name: z.string().optional(),
})

export const conditionSchema: z.ZodType<Condition> = z.lazy(() => z.union([
  leafCondition,
  z.strictObject({ all: z.array(conditionSchema).min(1), name: z.string().optional() }),
  z.strictObject({ any: z.array(conditionSchema).min(1), name: z.string().optional() }),
  z.strictObject({ not: conditionSchema, name: z.string().optional() }),
])).meta({ id: 'Condition', description: 'A json-rules-engine condition: all / any / not, or a leaf fact-operator-value' })

const taxonomyCode = z.string().regex(/^[A-Z]{3}(\.[A-Z]{2,12})?$/, 'a taxonomy code (HOS.IED) or top code (HOS)')

/**
 * Selects every taxonomy code whose crosswalk has these values (all of them when several are
 * given), e.g. `{ fatalityCause: Malicious Act }`; the rule check resolves it against
 * schemas/taxonomy.yaml and refuses one that selects nothing.
 */
export const crosswalkSelector = z.strictObject({
  fatalityCause: z.string().min(1).optional().describe('UN fatality cause: Malicious Act, Accident, Illness, Self-Inflicted'),
  unsms: z.string().min(1).optional().describe('UNSMS threat category: armed-conflict, terrorism, crime, civil-unrest, hazard'),
  polarity: z.string().min(1).optional().describe('threat or mitigating'),
}).meta({ id: 'CrosswalkSelector', description: 'Every taxonomy code whose crosswalk has these values' })

/** What the people receiving the alert are expected to do; what it leaves out comes from the level's defaults. */
export const responseSchema = z.strictObject({
  actions: z.array(z.string().trim().min(3).max(200, 'a short imperative line, at most 200 characters')).min(1, 'list at least one action, or leave actions out for the default').max(12, 'at most 12 actions: keep the list to what the duty officer must do').optional()
    .describe('the expected actions, short imperative lines, e.g. "Freeze movement on the route segment"'),
  responsible: z.string().trim().min(2).max(120).optional().describe('the role or unit responsible, e.g. "Sector JOC", "Force HQ / U3"'),
  acknowledgeWithin: duration.optional().describe('time from the alert (or its escalation) within which it must be acknowledged'),
  actWithin: duration.optional().describe('time from the alert (or its escalation) within which an action must be recorded'),
  references: z.array(z.string().trim().min(1).max(300)).max(12).optional().describe('contingency plans, SOPs, standards'),
}).meta({ id: 'ThresholdResponse', description: 'The response an alert of this threshold asks for; defaults per level and grade fill the gaps.' })

export const thresholdSchema = z.strictObject({
  level: z.enum(LEVELS),
  grade: z.enum(GRADES),
  when: conditionSchema,
  response: responseSchema.optional(),
})

export const ruleTestSchema = z.strictObject({
  name: z.string().min(1),
  now: z.iso.datetime({ offset: true }).optional().describe('when the expectation is checked; default: the last report time'),
  reports: z.array(z.record(z.string(), z.unknown())).describe('input reports; missing fields take test defaults'),
  expect: z.array(z.strictObject({
    indicator: z.string().optional().describe('default: this rule'),
    level: z.enum(LEVELS),
    grade: z.enum(GRADES),
    status: z.enum(['open', 'acknowledged', 'resolved', 'expired', 'withdrawn']).default('open'),
    count: z.number().int().min(0).optional(),
    responsible: z.string().min(1).optional().describe("who the alert's response names responsible, when it matters"),
    acknowledgeWithin: duration.optional().describe("the alert's acknowledgement deadline, when it matters"),
  })).describe('exactly the alerts expected; [] for none'),
})

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
const figure = z.number().nullable()

/**
 * The measured skill a rule's status rests on, as `vigil calibrate --write` records it: what it
 * was scored on, the figures on the validation period (untouched while tuning), and which rule it
 * measured (its version and a hash of its content), so `rules check` can tell a stale record.
 */
export const validationSchema = z.strictObject({
  dataset: z.string().min(1).describe('the reports replayed, e.g. "UCDP GED 23.1, Central African Republic"'),
  mission: z.string().min(1),
  outcomes: z.string().min(1).describe('the outcome class scored against, e.g. "POC.KILL civiliansKilled>=5"'),
  scale: z.enum(['admin1-day', 'mission-day']),
  level: z.enum(LEVELS).describe('the lowest level counted as a warning'),
  training: z.strictObject({ from: isoDay, to: isoDay }).describe('where the setting was chosen'),
  period: z.strictObject({ from: isoDay, to: isoDay }).describe('the validation period the figures are from'),
  figures: z.strictObject({
    outcomes: z.number().int().min(0),
    pod: figure, far: figure, medianLeadDays: figure, timeUnderWarning: figure,
    lift: figure, liftLow: figure, liftHigh: figure,
    skillVsPersistence: figure, peirce: figure, warningsPerAreaWeek: figure, pRandom: figure,
    persistenceDays: z.number().int().min(1),
  }),
  date: isoDay.describe('when it was measured'),
  ruleSetVersion: z.string().min(1).describe('the rule-set version the rule was replayed in'),
  ruleVersion: z.number().int().min(1).describe("the rule's version when measured"),
  contentHash: z.string().regex(/^[0-9a-f]{12}$/, '12 hex digits').describe('hash of the rule without this block: a change since makes the record stale'),
}).meta({ id: 'RuleValidation', description: 'The skill measured on data the rule was not tuned on (vigil calibrate --write).' })

export const indicatorRuleSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[A-Z]{3}-\d{3}[a-z]?$/, 'an id such as HOS-001: top category, dash, three digits'),
  title: z.string().min(3).max(120),
  titleFr: z.string().min(3).max(120).optional().describe('the title in French, for francophone missions (the board shows it to French readers)'),
  description: z.string().min(10),
  status: z.enum(RULE_STATUSES),
  version: z.number().int().min(1),
  owner: z.string().min(1),
  references: z.array(z.string().min(1)).default([]),
  taxonomy: z.array(z.union([taxonomyCode, crosswalkSelector])).min(1)
    .describe('the codes watched (HOS.IED, or a top code such as HOS), or crosswalk selectors such as { fatalityCause: Malicious Act }'),
  input: z.enum(RULE_INPUTS).default('reports').describe('reports, or alerts for an escalation indicator'),
  match: conditionSchema.optional().describe('which inputs count; omitted: every input of the taxonomy'),
  scope: z.strictObject({
    groupBy: z.array(z.enum(GROUP_FIELDS)).default([]),
    radiusKm: z.number().positive().max(1000).optional(),
  }).prefault({}),
  window: duration.describe('how far back the aggregate looks'),
  trend: z.strictObject({ periods: z.number().int().min(1).max(24).default(4) }).prefault({}),
  alerts: z.array(thresholdSchema).min(1).describe('graded thresholds; the highest satisfied one wins'),
  expires: duration.describe('how long an alert stays active without a new contributing input'),
  maxDuration: duration.optional().describe('the longest an alert may stay active from its raise, however often it is updated; then it expires and only a threshold holding anew raises another (escalation indicators: see rules/README.md)'),
  summary: z.string().min(1).optional().describe('sentence template, e.g. "{count:IED incident} {scope} within {window}"'),
  summaryFr: z.string().min(1).optional().describe('the summary template in French, same placeholders: "{count:incident IED|incidents IED} {scope} en {window}"'),
  includeUnassessed: z.boolean().default(false).describe('count reports graded E or credibility 5'),
  falsepositives: z.array(z.string()).default([]),
  tests: z.array(ruleTestSchema).default([]),
  validation: validationSchema.optional().describe('the measured skill (vigil calibrate --write); rules check warns when a stable rule has none or a stale one'),
}).meta({ id: 'IndicatorRule', title: 'vigil indicator rule', description: 'One early-warning indicator. See rules/README.md.' })

export type IndicatorRule = z.infer<typeof indicatorRuleSchema>
export type CrosswalkSelector = z.infer<typeof crosswalkSelector>
export type Threshold = z.infer<typeof thresholdSchema>
export type ResponseBlock = z.infer<typeof responseSchema>
export type RuleTest = z.infer<typeof ruleTestSchema>
export type RuleValidation = z.infer<typeof validationSchema>
