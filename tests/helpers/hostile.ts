import fc from 'fast-check'

/**
 * Hostile request bodies for the write routes, generated with fast-check. A route's body is
 * described by a small Spec (what each field is, whether it is required, its limits); every
 * mutation below is chosen so that the body it produces is invalid for that spec, whatever the
 * random choices: a property can then demand a 4xx for every generated body.
 *
 * Bodies are produced as raw text, so that values JSON.stringify cannot write (1e400, NaN,
 * truncated JSON, duplicate __proto__ keys) can be placed anywhere.
 */

export type Spec =
  | { kind: 'string'; max?: number; min?: number; trim?: boolean; constrained?: boolean }
  | { kind: 'number'; min: number; max: number; int?: boolean }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'date'; extremeYearsInvalid: 'both' | 'future-only' }
  | { kind: 'object'; fields: Record<string, Spec & { required?: boolean }>; open?: false }
  | { kind: 'record' }
  | { kind: 'array'; of: Spec; max: number; sample: unknown }

type Path = (string | number)[]
type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

export interface Hostile {
  /** What the mutation did, for the counterexample a failing property prints. */
  label: string
  payload: string
}

/** Fragments an attacker tries in text fields: SQL, script, template and path injection. */
export const INJECTIONS = [
  "'; DROP TABLE reports; --", "\" OR \"1\"=\"1", "1; DELETE FROM alerts WHERE 1=1", "' UNION SELECT * FROM sqlite_master --",
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '{{7*7}}', '${process.exit(1)}', '../../etc/passwd', '%00', '\\u0000',
] as const

/** Unicode that is valid but awkward: RTL, combining marks, zero-width, astral, NUL, line separators. */
export const UNICODE_EDGES = [
  'مقتل جنديين من قوات حفظ السلام', '\u202Eevil\u202C', 'e\u0301\u0301\u0301', 'a\u200Bb\u200Dc\uFEFF', '𝕳𝖔𝖘𝖙𝖎𝖑𝖊 🚨👮🏽‍♀️',
  'line\u2028sep\u2029para', 'nul\u0000byte', 'tab\tnew\nline\rcr', '\uFFFD\uFFFE', 'Ωμέγα Ελληνικά', '中文报告', '🇲🇱',
] as const

/** Date-times that are not ISO 8601 with a zone, or not a real instant. */
const BAD_DATES = [
  '2026-02-30T08:00:00Z', '2026-13-01T00:00:00Z', '2026-03-01T24:00:00Z', '2026-03-01T08:00:00', '2026-03-01',
  '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '', 'now', '2026-03-01T08:00:00+25:00', '2026-03-01 08:00:00Z',
  '1772352000000', '2026-03-01T08:60:00Z', '2026-03-01t08:00:00z', '２０２６-03-01T08:00:00Z',
] as const
/** Valid ISO dates at the edge of the calendar: refused by vigil's own range checks. */
const EXTREME_YEARS = ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1899-12-31T23:59:59Z'] as const

/** Raw JSON tokens for numbers JSON cannot carry, or that overflow to Infinity when parsed. */
const RAW_NUMBERS = ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400'] as const

const RAW = (i: number) => `\u0001raw${i}\u0001`

/** Every field of a spec with its path, whether it is required, and the spec itself. */
function fieldsOf(spec: Spec, base: Json, path: Path = []): { path: Path; spec: Spec; required: boolean }[] {
  const out: { path: Path; spec: Spec; required: boolean }[] = []
  if (spec.kind === 'object' && base && typeof base === 'object' && !Array.isArray(base)) {
    for (const [k, f] of Object.entries(spec.fields)) {
      if (!(k in base)) continue
      out.push({ path: [...path, k], spec: f, required: f.required === true })
      out.push(...fieldsOf(f, base[k]!, [...path, k]))
    }
  }
  if (spec.kind === 'array' && Array.isArray(base) && base.length > 0) {
    out.push({ path: [...path, 0], spec: spec.of, required: true })
    out.push(...fieldsOf(spec.of, base[0]!, [...path, 0]))
  }
  return out
}

function objectsOf(spec: Spec, base: Json, path: Path = []): { path: Path; spec: Extract<Spec, { kind: 'object' }> }[] {
  const fields = fieldsOf(spec, base, path)
  const objects = spec.kind === 'object' ? [{ path, spec }] : []
  for (const f of fields) if (f.spec.kind === 'object') objects.push({ path: f.path, spec: f.spec })
  return objects
}

function clone(x: Json): Json {
  return JSON.parse(JSON.stringify(x)) as Json
}

function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value as Json
  const out = clone(root)
  let node = out as Record<string | number, Json>
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>
  const last = path[path.length - 1]!
  if (value === undefined) delete node[last]
  else node[last] = value
  return out
}

function getAt(root: Json, path: Path): Json {
  let node = root
  for (const k of path) node = (node as Record<string | number, Json>)[k]!
  return node
}

/** Serializes with raw tokens substituted for their placeholders. */
function render(body: Json, raws: string[] = []): string {
  let text = JSON.stringify(body)
  raws.forEach((raw, i) => { text = text.replace(JSON.stringify(RAW(i)), raw) })
  return text
}

function deep(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
}

/** A value of another JSON type than the spec wants (null included: optional is not nullable). */
function otherType(spec: Spec): fc.Arbitrary<Json> {
  const byType: Record<string, fc.Arbitrary<Json>> = {
    string: fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom(...INJECTIONS)),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    boolean: fc.boolean(),
    null: fc.constant(null),
    array: fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
    object: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.integer(), fc.string()), { maxKeys: 3 }),
  }
  // A record field (a draft rule) also takes its text: a string is not another type there.
  const own = spec.kind === 'string' || spec.kind === 'enum' || spec.kind === 'date' ? ['string']
    : spec.kind === 'number' ? ['number'] : spec.kind === 'array' ? ['array'] : spec.kind === 'record' ? ['object', 'string'] : ['object']
  return fc.oneof(...Object.entries(byType).filter(([t]) => !own.includes(t)).map(([, a]) => a))
}

/** Invalid replacements for a field of this spec, beyond a wrong type. */
function badValues(spec: Spec): fc.Arbitrary<{ value: Json; raw?: string; what: string }> | null {
  switch (spec.kind) {
    case 'string': {
      const options: fc.Arbitrary<{ value: Json; what: string }>[] = []
      if (spec.max !== undefined) options.push(fc.integer({ min: spec.max + 1, max: spec.max + 3000 }).map((n) => ({ value: 'x'.repeat(n), what: `a string of ${n} (max ${spec.max})` })))
      if (spec.min !== undefined && spec.min > 0) options.push(fc.constantFrom('', ' ', '\t\n ', '\u00a0\u2003').map((s) => ({ value: spec.trim ? s : s.slice(0, Math.max(0, spec.min! - 1)), what: 'blank' })))
      if (spec.constrained) options.push(fc.oneof(fc.constantFrom(...INJECTIONS), fc.constantFrom(...UNICODE_EDGES)).map((s) => ({ value: s, what: 'injection or unicode in a constrained field' })))
      return options.length > 0 ? fc.oneof(...options) : null
    }
    case 'number': {
      const options: fc.Arbitrary<{ value: Json; raw?: string; what: string }>[] = [
        fc.double({ min: spec.max, noNaN: true, noDefaultInfinity: true, minExcluded: true }).filter((x) => x > spec.max).map((x) => ({ value: x, what: `above ${spec.max}` })),
        fc.double({ max: spec.min, noNaN: true, noDefaultInfinity: true, maxExcluded: true }).filter((x) => x < spec.min).map((x) => ({ value: x, what: `below ${spec.min}` })),
        fc.constantFrom(...RAW_NUMBERS).map((raw) => ({ value: null, raw, what: `raw ${raw}` })),
      ]
      if (spec.int) options.push(fc.integer({ min: Math.ceil(spec.min), max: Math.floor(spec.max) - 1 }).map((n) => ({ value: n + 0.5, what: 'not an integer' })))
      return fc.oneof(...options)
    }
    case 'enum':
      return fc.oneof(
        fc.constantFrom(...spec.values).map((v) => ({ value: `${v.toLowerCase() === v ? v.toUpperCase() : v.toLowerCase()}`, what: 'wrong case' })),
        fc.constantFrom('', ' ', ...INJECTIONS, ...UNICODE_EDGES).map((v) => ({ value: v, what: 'not one of the values' })),
      ).filter((x) => !spec.values.includes(x.value as string))
    case 'date':
      return fc.oneof(
        fc.constantFrom(...BAD_DATES).map((v) => ({ value: v, what: 'not an ISO date-time with zone' })),
        fc.constantFrom(...(spec.extremeYearsInvalid === 'both' ? EXTREME_YEARS : ['9999-12-31T23:59:59Z'] as const)).map((v) => ({ value: v, what: 'out of range year' })),
      )
    case 'array':
      return fc.integer({ min: spec.max + 1, max: spec.max + 40 }).map((n) => ({ value: Array.from({ length: n }, () => spec.sample as Json), what: `${n} items (max ${spec.max})` }))
    case 'record':
      return fc.constantFrom<Json>('', [], [1, 2]).map((v) => ({ value: v, what: 'empty or a list' }))
    default:
      return null
  }
}

/**
 * Invalid bodies derived from a valid `base` of `spec`. `nullIsValid`: the route accepts a null
 * body (DELETE /reports/:id), so a bare null is not offered.
 */
export function hostileBody(spec: Spec, base: Json, opts: { nullIsValid?: boolean; topLevelArrayIsValid?: boolean } = {}): fc.Arbitrary<Hostile> {
  const fields = fieldsOf(spec, base)
  const objects = objectsOf(spec, base)
  const requiredFields = fields.filter((f) => f.required)
  const options: fc.Arbitrary<Hostile>[] = []

  options.push(fc.constantFrom(...fields).chain((f) => otherType(f.spec).map((v) => ({ label: `wrong type at ${f.path.join('.')}: ${JSON.stringify(v)?.slice(0, 80)}`, payload: render(setAt(base, f.path, v)) }))))
  if (requiredFields.length > 0) options.push(fc.constantFrom(...requiredFields).map((f) => ({ label: `missing ${f.path.join('.')}`, payload: render(setAt(base, f.path, undefined)) })))
  options.push(fc.tuple(fc.constantFrom(...objects), fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', ...INJECTIONS, ...UNICODE_EDGES)), fc.jsonValue({ maxDepth: 2 }))
    .filter(([o, key]) => !(key in o.spec.fields))
    .map(([o, key, v]) => {
      const obj = clone(getAt(base, o.path)) as Record<string, Json>
      Object.defineProperty(obj, key, { value: v as Json, enumerable: true, configurable: true, writable: true })
      return { label: `extra field '${key}' at ${o.path.join('.') || 'top'}`, payload: render(setAt(base, o.path, obj)) }
    }))
  // Prototype-pollution keys: written as own JSON keys, the way an attacker sends them.
  options.push(fc.tuple(fc.constantFrom(...objects), fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"__proto__":{"isAdmin":true},"__proto__":null}'))
    .map(([o, inject]) => {
      const text = render(setAt(base, o.path, { ...(getAt(base, o.path) as Record<string, Json>), [RAW(0)]: 0 }))
      return { label: `prototype keys ${inject} at ${o.path.join('.') || 'top'}`, payload: text.replace(`${JSON.stringify(RAW(0))}:0`, inject.slice(1, -1)) }
    }))
  for (const f of fields) {
    const bad = badValues(f.spec)
    if (!bad) continue
    options.push(bad.map((b) => ({ label: `${f.path.join('.')}: ${b.what}`, payload: b.raw ? render(setAt(base, f.path, RAW(0)), [b.raw]) : render(setAt(base, f.path, b.value)) })))
  }
  options.push(fc.tuple(fc.constantFrom(...fields), fc.integer({ min: 100, max: 4000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
    .map(([f, depth, kind]) => ({ label: `${kind} nested ${depth} deep at ${f.path.join('.')}`, payload: render(setAt(base, f.path, RAW(0)), [deep(depth, kind)]) })))
  const tops: Json[] = ['a string', 42, true, [1, 2]]
  if (!opts.nullIsValid) tops.push(null)
  if (!opts.topLevelArrayIsValid) tops.push([])
  options.push(fc.constantFrom(...tops).map((v) => ({ label: `body is ${JSON.stringify(v)}`, payload: JSON.stringify(v) })))
  options.push(fc.integer({ min: 100, max: 20_000 }).map((depth) => ({ label: `body nested ${depth} deep`, payload: deep(depth, 'array') })))
  const text = render(base)
  options.push(fc.oneof(
    fc.integer({ min: 1, max: text.length - 1 }).map((n) => ({ label: `truncated at ${n}`, payload: text.slice(0, n) })),
    fc.constantFrom('}{', '} garbage', ',', '/* comment */').map((tail) => ({ label: `trailing ${tail}`, payload: text + tail })),
    fc.constant({ label: 'single quotes', payload: text.replace(/"/g, "'") }),
    fc.constant({ label: 'trailing comma', payload: text.replace(/([}\]])$/, ',$1') }),
  ))
  return fc.oneof(...options)
}

/** A string with bytes that are not UTF-8 spliced into a text value of a valid body. */
export function invalidUtf8(base: Json, textPaths: Path[]): fc.Arbitrary<{ label: string; payload: Buffer }> {
  const bad = [[0xff], [0xfe, 0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xc0, 0xaf]]
  return fc.tuple(fc.constantFrom(...textPaths), fc.constantFrom(...bad)).map(([p, bytes]) => {
    const [before, after] = render(setAt(base, p, `x${RAW(0)}y`)).split(JSON.stringify(RAW(0)).slice(1, -1)) as [string, string]
    return { label: `bytes ${bytes.map((b) => b.toString(16)).join(' ')} in ${p.join('.')}`, payload: Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]) }
  })
}

/** A lone UTF-16 surrogate (valid JSON escape, not a Unicode scalar value) in a text value. */
export function loneSurrogate(base: Json, textPaths: Path[]): fc.Arbitrary<{ label: string; payload: string }> {
  return fc.tuple(fc.constantFrom(...textPaths), fc.constantFrom('\\ud800', '\\udfff', '\\udbff\\udbff', 'a\\udc00b'))
    .map(([p, esc]) => ({ label: `${esc} in ${p.join('.')}`, payload: render(setAt(base, p, RAW(0)), [`"${esc}"`]) }))
}
