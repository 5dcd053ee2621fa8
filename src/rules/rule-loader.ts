import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml'
import type { z } from 'zod'
import { indicatorRuleSchema, type IndicatorRule } from './rule-schema.js'
import { fieldNamesAt } from './rule-fields.js'
import { didYouMean } from './did-you-mean.js'
import type { TaxonomyWatch } from './taxonomy-watch.js'

/** One thing wrong in a rule file, at a place an editor can jump to. */
export interface RuleProblem {
  file: string
  line: number
  column: number
  /** Dotted path inside the rule, e.g. `alerts.0.when.all.1.operator`; '' for the whole file. */
  path: string
  message: string
}

/** A rule file that parsed and passed the schema. */
export interface LoadedRule {
  /** Path relative to the rules directory, with forward slashes. */
  file: string
  text: string
  rule: IndicatorRule
  /** Where a path inside the rule sits in the file: for positioned problems later on. */
  locate(path: (string | number)[]): { line: number; column: number }
  /** Its taxonomy entries resolved (crosswalk selectors, mitigating codes), once checked against the taxonomy. */
  watch?: TaxonomyWatch
}

export interface LoadResult {
  rules: LoadedRule[]
  problems: RuleProblem[]
  /** Content hash of every loaded file: the rule-set version. */
  version: string
}

const RULE_FILE = /\.(ya?ml|json)$/i
/** Retired rules live here: kept for history and id reservation, never loaded. */
export const DEPRECATED_DIR = 'deprecated'

/** Every rule file below `dir`, relative, sorted; with or without the deprecated folder. */
export function listRuleFiles(dir: string, opts: { deprecated: boolean }): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name
      if (entry.isDirectory()) {
        if ((relPath === DEPRECATED_DIR) !== opts.deprecated && rel === '') continue
        walk(relPath)
      } else if (RULE_FILE.test(entry.name)) {
        out.push(relPath)
      }
    }
  }
  walk('')
  return out.sort()
}

type Locate = (p: (string | number)[]) => { line: number; column: number }

function locator(doc: Document, counter: LineCounter): Locate {
  return (p: (string | number)[]) => {
    for (let n = p.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true)
      if (isNode(node) && node.range) {
        const pos = counter.linePos(node.range[0])
        return { line: pos.line, column: pos.col }
      }
    }
    return { line: 1, column: 1 }
  }
}

/** Where a key of the mapping at `p` is written: an unknown field is shown at its own name. */
function keyPosition(doc: Document, counter: LineCounter, p: (string | number)[], key: string) {
  const map = p.length === 0 ? doc.contents : doc.getIn(p, true)
  if (!isMap(map)) return null
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key)
  if (!pair || !isNode(pair.key) || !pair.key.range) return null
  const pos = counter.linePos(pair.key.range[0])
  return { line: pos.line, column: pos.col }
}

/**
 * One schema issue as problems an analyst can act on: an unknown field at its own name with
 * the nearest known one, a missing field named as missing, anything else at its node.
 */
function issueProblems(file: string, issue: z.core.$ZodIssue, doc: Document, counter: LineCounter, locate: Locate): RuleProblem[] {
  const p = issue.path.map((x) => (typeof x === 'symbol' ? String(x) : x))
  if (issue.code === 'unrecognized_keys') {
    const known = fieldNamesAt(p)
    return issue.keys.map((key) => ({
      file,
      ...(keyPosition(doc, counter, p, key) ?? locate(p)),
      path: [...p, key].join('.'),
      message: `unknown field '${key}'${didYouMean(key, known)}${known.length > 0 ? `; known fields: ${known.join(', ')}` : ''}`,
    }))
  }
  if (issue.code === 'invalid_type' && p.length > 0 && !doc.hasIn(p)) {
    return [{ file, ...locate(p), path: p.join('.'), message: `missing required field '${String(p[p.length - 1])}'` }]
  }
  return [{ file, ...locate(p), path: p.join('.'), message: issue.message }]
}

/** Parses one rule file's text; returns the rule or its problems, each positioned. */
export function parseRuleText(file: string, text: string): { rule: LoadedRule } | { problems: RuleProblem[] } {
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = counter.linePos(e.pos[0])
        return { file, line: pos.line, column: pos.col, path: '', message: `syntax: ${e.message.split('\n')[0]}` }
      }),
    }
  }
  const locate = locator(doc, counter)
  let data: unknown
  try {
    // A rule is small: a file whose aliases expand beyond that is refused, not expanded.
    data = doc.toJS({ maxAliasCount: 50 })
  } catch (err) {
    return { problems: [{ file, line: 1, column: 1, path: '', message: `syntax: ${(err as Error).message}` }] }
  }
  const parsed = indicatorRuleSchema.safeParse(data)
  if (!parsed.success) return { problems: parsed.error.issues.flatMap((i) => issueProblems(file, i, doc, counter, locate)) }
  return { rule: { file, text, rule: parsed.data, locate } }
}

/** Content hash over file names and texts: the same files always give the same version. */
export function ruleSetVersion(files: { file: string; text: string }[]): string {
  const h = createHash('sha256')
  for (const f of [...files].sort((a, b) => a.file.localeCompare(b.file))) h.update(`${f.file}\0${f.text}\0`)
  return h.digest('hex').slice(0, 12)
}

/**
 * Reads and schema-checks every rule file below `dir` (deprecated/ excluded). Never throws on a
 * bad rule: problems are data, reported all together.
 */
export function loadRuleDir(dir: string): LoadResult {
  const rules: LoadedRule[] = []
  const problems: RuleProblem[] = []
  const texts: { file: string; text: string }[] = []
  let files: string[]
  try {
    files = listRuleFiles(dir, { deprecated: false })
  } catch (err) {
    return { rules, problems: [{ file: dir, line: 1, column: 1, path: '', message: `cannot read rules directory: ${(err as Error).message}` }], version: '' }
  }
  for (const file of files) {
    let text: string
    try {
      text = fs.readFileSync(path.join(dir, file), 'utf8')
    } catch (err) {
      // An editor may replace a file between listing and reading it; the next reload sees it.
      problems.push({ file, line: 1, column: 1, path: '', message: `cannot read: ${(err as Error).message}` })
      continue
    }
    texts.push({ file, text })
    const out = parseRuleText(file, text)
    if ('problems' in out) problems.push(...out.problems)
    else rules.push(out.rule)
  }
  return { rules, problems, version: ruleSetVersion(texts) }
}
