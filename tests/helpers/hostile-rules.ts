import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { ROOT } from '../../src/paths.js'
import { listRuleFiles } from '../../src/rules/rule-loader.js'
import { INJECTIONS, UNICODE_EDGES } from './hostile.js'
import { MONOTONE_RULES } from './reliability-rules.js'

/**
 * Generated and mutated indicator rule files: every standard rule and the test rules as seeds,
 * mutated as text (lines deleted, duplicated, swapped, re-indented, truncated, junk inserted,
 * numbers swapped for absurd ones) and as data (a field replaced by another type, removed, added,
 * nested thousands deep, blown up to huge strings and arrays), plus a few known-nasty files.
 * Some results are still valid rules; the properties only demand "accepted, or refused with
 * problems", never which.
 */

export interface RuleSeed { file: string; text: string }

const STANDARD = path.join(ROOT, 'rules')
export const SEEDS: RuleSeed[] = [
  ...listRuleFiles(STANDARD, { deprecated: false }).map((file) => ({ file, text: fs.readFileSync(path.join(STANDARD, file), 'utf8') })),
  ...Object.entries(MONOTONE_RULES).map(([file, text]) => ({ file, text })),
]

export interface MutatedRule { file: string; label: string; text: string }

/** The standard library and the test rules as one rules directory's files. */
export const LIBRARY: Record<string, string> = Object.fromEntries(SEEDS.map((s) => [s.file, s.text]))

const lines = (t: string) => t.split('\n')

/**
 * A YAML alias bomb (billion laughs) appended to a rule: nine aliases of nine aliases, nine deep.
 * Kept out of the generator while it crashes the checker (its own test names that bug), so the
 * generator keeps exploring everything else.
 */
export const aliasBomb = (seed: string) => `${seed}\nlol1: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n${Array.from({ length: 8 }, (_, i) => `lol${i + 2}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\n`

/** YAML that is hostile in itself: tags, directives, merge keys, control characters, deep nesting. */
const NASTY: { label: string; text: (seed: string) => string }[] = [
  { label: 'a !!js/function tag', text: (seed) => seed.replace(/^title: .*$/m, 'title: !!js/function "function(){ process.exit(1) }"') },
  { label: 'a custom tag', text: (seed) => seed.replace(/^window: .*$/m, 'window: !duration 14d') },
  { label: 'two documents', text: (seed) => `${seed}\n---\n${seed}` },
  { label: 'a YAML directive', text: (seed) => `%YAML 1.1\n---\n${seed}` },
  { label: 'a merge key', text: (seed) => `base: &base { window: 14d }\n<<: *base\n${seed}` },
  { label: 'duplicate keys', text: (seed) => `${seed}\nid: HOS-999\n` },
  { label: 'tabs for indentation', text: (seed) => seed.replace(/^ {2}/gm, '\t') },
  { label: 'control characters', text: (seed) => seed.replace(/^description: /m, 'description: \u0000\u0007\u001b[31m') },
  { label: 'an empty file', text: () => '' },
  { label: 'a scalar document', text: () => '42\n' },
  { label: 'a list document', text: () => '- id: HOS-001\n' },
  { label: 'JSON instead of YAML', text: (seed) => JSON.stringify(parseYaml(seed)) },
  { label: 'a byte-order mark', text: (seed) => `\uFEFF${seed}` },
  { label: 'CRLF line ends', text: (seed) => seed.replace(/\n/g, '\r\n') },
  { label: 'an absurd window and expiry', text: (seed) => seed.replace(/^window: .*$/m, 'window: 99999w').replace(/^expires: .*$/m, 'expires: 99999w') },
  { label: 'a minute window', text: (seed) => seed.replace(/^window: .*$/m, 'window: 1m').replace(/^expires: .*$/m, 'expires: 1m') },
  ...[300, 900, 5000].map((depth) => ({
    label: `a condition nested ${depth} deep`,
    text: (seed: string) => seed.replace(/^alerts:[\s\S]*?(?=^[a-z]|(?![\s\S]))/m,
      `alerts:\n  - level: tactical\n    grade: high\n    when: ${'{ all: [ '.repeat(depth)}{ fact: count, operator: greaterThanInclusive, value: 1 }${' ] }'.repeat(depth)}\n`),
  })),
]

const JUNK = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(': ', '- ', '&a ', '*a', '!!str ', '{', '}', '[', ']', '"', "'", '|', '>', '#', '\t', '---', '...', '? ', '%TAG', '<<: ', '\\', '\u0000'),
  fc.constantFrom(...INJECTIONS, ...UNICODE_EDGES),
)

const ABSURD_NUMBERS = ['.nan', '.inf', '-.inf', '-1', '0', '1e400', '0x10', '99999999999999999999', '1.5', '-0', '1_000', '0o17', 'null', '~', 'true', "'3'"]

function textMutation(text: string): fc.Arbitrary<{ label: string; text: string }> {
  const ls = lines(text)
  const n = ls.length
  const at = fc.integer({ min: 0, max: n - 1 })
  const numbers = [...text.matchAll(/(?<=[\s:[,])-?\d+(\.\d+)?(?=[\s,\]}]|$)/gm)].map((m) => m.index)
  const scalars = [...text.matchAll(/(?<=: )[^\s{[].*$/gm)].map((m) => ({ index: m.index, length: m[0].length }))
  const options: fc.Arbitrary<{ label: string; text: string }>[] = [
    at.map((i) => ({ label: `line ${i + 1} deleted`, text: [...ls.slice(0, i), ...ls.slice(i + 1)].join('\n') })),
    at.map((i) => ({ label: `line ${i + 1} duplicated`, text: [...ls.slice(0, i + 1), ...ls.slice(i)].join('\n') })),
    fc.tuple(at, at).map(([i, j]) => {
      const out = [...ls]
      ;[out[i], out[j]] = [out[j]!, out[i]!]
      return { label: `lines ${i + 1} and ${j + 1} swapped`, text: out.join('\n') }
    }),
    fc.tuple(at, fc.integer({ min: -4, max: 6 })).map(([i, d]) => {
      const out = [...ls]
      out[i] = d >= 0 ? ' '.repeat(d) + out[i] : out[i]!.replace(new RegExp(`^ {0,${-d}}`), '')
      return { label: `line ${i + 1} re-indented by ${d}`, text: out.join('\n') }
    }),
    fc.integer({ min: 0, max: text.length }).map((k) => ({ label: `truncated at ${k}`, text: text.slice(0, k) })),
    fc.tuple(fc.integer({ min: 0, max: text.length }), JUNK).map(([k, j]) => ({ label: `${JSON.stringify(j)} inserted at ${k}`, text: text.slice(0, k) + j + text.slice(k) })),
  ]
  if (numbers.length > 0) {
    options.push(fc.tuple(fc.constantFrom(...numbers), fc.constantFrom(...ABSURD_NUMBERS)).map(([i, v]) => {
      const m = /-?\d+(\.\d+)?/.exec(text.slice(i))!
      return { label: `number at ${i} replaced by ${v}`, text: text.slice(0, i) + v + text.slice(i + m[0].length) }
    }))
  }
  if (scalars.length > 0) {
    options.push(fc.tuple(fc.constantFrom(...scalars), fc.oneof(JUNK, fc.constantFrom(...ABSURD_NUMBERS))).map(([s, v]) => ({
      label: `value at ${s.index} replaced by ${JSON.stringify(v)}`, text: text.slice(0, s.index) + v + text.slice(s.index + s.length),
    })))
  }
  return fc.oneof(...options)
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type Path = (string | number)[]

function pathsOf(x: Json, p: Path = []): Path[] {
  const out: Path[] = [p]
  if (Array.isArray(x)) x.forEach((v, i) => out.push(...pathsOf(v, [...p, i])))
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) out.push(...pathsOf(v, [...p, k]))
  return out
}

function setAt(root: Json, p: Path, v: Json | undefined): Json {
  if (p.length === 0) return v ?? null
  const out = JSON.parse(JSON.stringify(root)) as Json
  let node = out as Record<string | number, Json>
  for (const k of p.slice(0, -1)) node = node[k] as Record<string | number, Json>
  const last = p[p.length - 1]!
  if (v === undefined) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1)
    else delete node[last]
  } else {
    Object.defineProperty(node, last, { value: v, enumerable: true, configurable: true, writable: true })
  }
  return out
}

function nestedCondition(depth: number, kind: 'all' | 'any' | 'not'): Json {
  let c: Json = { fact: 'count', operator: 'greaterThanInclusive', value: 1 }
  for (let i = 0; i < depth; i++) c = kind === 'not' ? { not: c } : { [kind]: [c] }
  return c
}

function dataMutation(text: string): fc.Arbitrary<{ label: string; text: string }> {
  const doc = parseYaml(text) as Json
  const paths = pathsOf(doc).filter((p) => p.length > 0)
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
    fc.constantFrom<Json>(null, '', 0, -1, 1e308, -1e-308, [], {}, 'HOS', 'HOS.IED', 'XYZ.ABC', '14d', '0d', '100000d', 'greaterThan', 'count', 'report'),
    fc.integer({ min: 100_000, max: 400_000 }).map((k) => 'x'.repeat(k)),
    fc.integer({ min: 1000, max: 20_000 }).map((k) => Array.from({ length: k }, (_, i) => i)),
    // Deeper nesting is written as flow text below: the YAML writer itself would run out of stack.
    fc.tuple(fc.integer({ min: 20, max: 400 }), fc.constantFrom<'all' | 'any' | 'not'>('all', 'any', 'not')).map(([d, k]) => nestedCondition(d, k)),
  )
  return fc.oneof(
    fc.tuple(fc.constantFrom(...paths), value).map(([p, v]) => ({ label: `${p.join('.')} set to ${JSON.stringify(v)?.slice(0, 60)}`, doc: setAt(doc, p, v) })),
    fc.constantFrom(...paths).map((p) => ({ label: `${p.join('.')} removed`, doc: setAt(doc, p, undefined) })),
    fc.tuple(fc.constantFrom(...pathsOf(doc).filter((p) => { const v = p.reduce<Json>((n, k) => (n as Record<string | number, Json>)[k]!, doc); return !!v && typeof v === 'object' && !Array.isArray(v) })),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'x-extra', 'alerts', 'when', 'fact', ...INJECTIONS), value)
      .map(([p, k, v]) => ({ label: `key ${k} added at ${p.join('.') || 'top'}`, doc: setAt(doc, [...p, k], v) })),
  ).map(({ label, doc: d }) => ({ label, text: stringifyYaml(d, { aliasDuplicateObjects: false }) }))
}

/** A rule file derived from a seed: mutated text, mutated data, or one of the nasty shapes. */
export const mutatedRule: fc.Arbitrary<MutatedRule> = fc.constantFrom(...SEEDS).chain((seed) => fc.oneof(
  { weight: 4, arbitrary: textMutation(seed.text) },
  { weight: 4, arbitrary: dataMutation(seed.text) },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY).map((n) => ({ label: n.label, text: n.text(seed.text) })) },
).map((m) => ({
  file: seed.file,
  label: `${seed.file}: ${m.label}`,
  text: m.text,
  // A counterexample prints as what was done to which file, not as the (possibly huge) text.
  [fc.toStringMethod]() { return `${seed.file}: ${m.label} (${m.text.length} characters)` },
})))
