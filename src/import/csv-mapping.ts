import fs from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { ACTOR_TYPES, AGE_GROUPS, OUTCOMES, SEXES, VICTIM_GROUPS } from '../reports/report-schema.js'
import type { Conversion, RowProblem, SourceRow } from './source-row.js'
import { numberOf, textOf } from './row-values.js'

/**
 * A mapping file for a generic CSV export (a mission's own incident database): which column
 * fills which report field, with value tables for the mission's own terms. Example in
 * schemas/crosswalks/README.md. Whatever a value table does not list passes through unchanged,
 * so the normal validation (and the mission's category aliases) still judges it.
 */

const casualtyPaths = ['killed', 'injured', 'abducted'].flatMap((g) => [
  `casualties.${g}.civilian`, `casualties.${g}.other`,
  `casualties.${g}.un.military`, `casualties.${g}.un.police`, `casualties.${g}.un.civilian`,
])
/** One column per cell of the victims' breakdown: casualties.killed.breakdown.civilian.female.child. */
const breakdownPaths = OUTCOMES.flatMap((o) => VICTIM_GROUPS.flatMap((g) => SEXES.flatMap((sex) => AGE_GROUPS.map((age) => `casualties.${o}.breakdown.${g}.${sex}.${age}`))))
const NUMBER_FIELDS = ['location.lat', 'location.lon', 'source.credibility', ...casualtyPaths, ...breakdownPaths]
const LIST_FIELDS = ['categories', 'targets', 'weapons', 'tags', 'actors', 'releasableTo']
const DATE_FIELDS = ['occurredAt', 'reportedAt', 'casevac.injuredAt', 'casevac.lifeSupportAt', 'casevac.surgeryAt', 'casevac.evacuatedAt']
const TEXT_FIELDS = [
  'datePrecision', 'location.precision', 'location.admin1', 'location.admin2', 'location.place', 'location.route',
  'location.site', 'category', 'source.reliability', 'source.sourceId', 'source.channel', 'sensitivity', 'narrative',
]
/** Every report field a mapping may fill (the id and the mission are set apart). */
export const MAPPABLE_FIELDS = [...DATE_FIELDS, ...NUMBER_FIELDS, ...TEXT_FIELDS, ...LIST_FIELDS] as const

const fieldObject = z.strictObject({
  column: z.string().min(1).optional(),
  value: z.union([z.string(), z.number()]).optional(),
  /** The mission's term (any case) -> the value vigil expects. */
  values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  default: z.union([z.string(), z.number()]).optional(),
  /** List fields: the separator between items in one cell. */
  split: z.string().min(1).optional(),
  /** `actors`: the actor type every listed name gets. */
  actorType: z.enum(ACTOR_TYPES).optional(),
}).refine((s) => (s.column === undefined) !== (s.value === undefined), 'give either a column or a constant value')
type FieldSpec = z.infer<typeof fieldObject>

/** A field is a column name, or an object with the column (or a constant) and its options. */
const fieldSpec = z.union([z.string().min(1).transform((column): FieldSpec => ({ column })), fieldObject])

export const csvMappingSchema = z.strictObject({
  id: z.strictObject({
    column: z.string().min(1),
    /** Put before the source id, so ids from different systems never collide; default `<MISSION>-`. */
    prefix: z.string().optional(),
  }),
  /** How dates are written, e.g. DD/MM/YYYY HH:mm (tokens YYYY MM DD HH mm ss); default ISO 8601. */
  dateFormat: z.string().min(1).optional(),
  /** The export's time zone for dates without one, e.g. +01:00; default UTC. */
  utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/, 'an offset such as +01:00').default('+00:00'),
  fields: z.partialRecord(z.enum(MAPPABLE_FIELDS), fieldSpec),
})

export type CsvMapping = z.infer<typeof csvMappingSchema>

/** A mapping file that is not valid; the message lists every problem with its path. */
export class MappingError extends Error {
  override name = 'MappingError'
}

export function parseCsvMapping(data: unknown, file = 'mapping'): CsvMapping {
  const parsed = csvMappingSchema.safeParse(data)
  if (!parsed.success) {
    throw new MappingError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  }
  if (!parsed.data.fields.occurredAt) throw new MappingError(`${file}: fields.occurredAt: required (every report needs its date)`)
  return parsed.data
}

export function loadCsvMapping(file: string): CsvMapping {
  return parseCsvMapping(parseYaml(fs.readFileSync(file, 'utf8')) as unknown, file)
}

/** A date parser for a format such as DD/MM/YYYY HH:mm; returns epoch ms (as if UTC) or null. */
export function dateParser(format: string | undefined): (s: string) => number | null {
  if (!format) {
    return (s) => {
      // A bare date or date-time without zone is read as written; the offset is applied after.
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s)
      if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))
      return null
    }
  }
  const order: string[] = []
  const source = format.replace(/YYYY|MM|DD|HH|mm|ss|[.*+?^${}()|[\]\\/]/g, (t) => {
    if (t.length === 1) return `\\${t}`
    order.push(t)
    return t === 'YYYY' ? '(\\d{4})' : '(\\d{1,2})'
  })
  const re = new RegExp(`^${source}$`)
  return (s) => {
    const m = re.exec(s)
    if (!m) return null
    // A token the format lacks (seconds, say) is zero.
    const part = (t: string) => (order.includes(t) ? Number(m[order.indexOf(t) + 1]) : 0)
    const [y, mo, d] = [part('YYYY'), part('MM'), part('DD')]
    const t = Date.UTC(y, mo - 1, d, part('HH'), part('mm'), part('ss'))
    const back = new Date(t)
    return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : null
  }
}

const offsetMs = (offset: string) => (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.')
  let node = target
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>
  node[keys[keys.length - 1]!] = value
}

/** A cell through the value table: the mission's term becomes vigil's, anything else passes. */
function translate(spec: FieldSpec, raw: string): string | number {
  if (!spec.values) return raw
  const key = Object.keys(spec.values).find((k) => k.trim().toLowerCase() === raw.toLowerCase())
  return key === undefined ? raw : spec.values[key]!
}

/** Makes ids safe for vigil: any character it does not allow becomes '-'. */
export function safeId(prefix: string, sourceId: string): string {
  return `${prefix}${sourceId}`.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 128)
}

/** Builds the converter for rows of a CSV export under a mapping. */
export function csvMappingConverter(mapping: CsvMapping, mission: string) {
  const parseDate = dateParser(mapping.dateFormat)
  const offset = offsetMs(mapping.utcOffset)
  const prefix = mapping.id.prefix ?? `${mission}-`

  function value(field: string, spec: FieldSpec, row: SourceRow, problems: RowProblem[]): unknown {
    const raw = spec.column !== undefined ? textOf(row.values[spec.column]) : textOf(spec.value)
    const cell = raw ?? (spec.default !== undefined ? String(spec.default) : null)
    if (cell === null) return undefined
    const where = spec.column !== undefined ? `column '${spec.column}'` : 'constant'
    if (LIST_FIELDS.includes(field)) {
      const items = cell.split(spec.split ?? ';').map((s) => s.trim()).filter(Boolean).map((s) => translate(spec, s))
      return field === 'actors' ? items.map((name) => ({ name: String(name), type: spec.actorType ?? 'unknown' })) : items
    }
    const v = translate(spec, cell)
    if (DATE_FIELDS.includes(field)) {
      if (typeof v === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(v) && !mapping.dateFormat && !Number.isNaN(Date.parse(v))) return new Date(Date.parse(v)).toISOString()
      const t = parseDate(String(v))
      if (t === null) {
        problems.push({ reason: `${field}: not a date${mapping.dateFormat ? ` in the form ${mapping.dateFormat}` : ''} (${where})`, detail: cell })
        return undefined
      }
      return new Date(t - offset).toISOString()
    }
    if (NUMBER_FIELDS.includes(field)) {
      const n = numberOf(v)
      if (n === null || Number.isNaN(n)) {
        problems.push({ reason: `${field}: not a number (${where})`, detail: cell })
        return undefined
      }
      return n
    }
    return v
  }

  return (row: SourceRow): Conversion => {
    const problems: RowProblem[] = []
    const sourceId = textOf(row.values[mapping.id.column])
    if (sourceId === null) problems.push({ reason: `no id (column '${mapping.id.column}')` })
    const input: Record<string, unknown> = { id: sourceId === null ? undefined : safeId(prefix, sourceId), mission }
    for (const [field, spec] of Object.entries(mapping.fields) as [string, FieldSpec][]) {
      const v = value(field, spec, row, problems)
      if (v !== undefined) setPath(input, field, v)
    }
    const id = typeof input.id === 'string' ? input.id : null
    return problems.length > 0 ? { ok: false, id, problems } : { ok: true, input }
  }
}
