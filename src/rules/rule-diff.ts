import type { Condition, IndicatorRule } from './rule-schema.js'

const json = (v: unknown) => JSON.stringify(v)

/** A condition in one line, for a reviewer: `count >= 3 and (unKilled >= 1 or unInjured >= 1)`. */
export function conditionText(c: Condition): string {
  const OPS: Record<string, string> = {
    equal: '=', notEqual: '!=', greaterThan: '>', greaterThanInclusive: '>=', lessThan: '<', lessThanInclusive: '<=',
  }
  if ('all' in c) return c.all.map((x) => ('any' in x ? `(${conditionText(x)})` : conditionText(x))).join(' and ')
  if ('any' in c) return c.any.map((x) => ('all' in x ? `(${conditionText(x)})` : conditionText(x))).join(' or ')
  if ('not' in c) return `not (${conditionText(c.not)})`
  const subject = `${c.fact}${c.path ? `.${c.path}` : ''}${c.params ? json(c.params) : ''}`
  return `${subject} ${OPS[c.operator] ?? c.operator} ${json(c.value)}`
}

function thresholdLines(id: string, a: IndicatorRule, b: IndicatorRule): string[] {
  const out: string[] = []
  const n = Math.max(a.alerts.length, b.alerts.length)
  for (let i = 0; i < n; i++) {
    const x = a.alerts[i]
    const y = b.alerts[i]
    if (!x && y) out.push(`~ ${id}  threshold ${i} added: ${y.level} ${y.grade} when ${conditionText(y.when)}`)
    else if (x && !y) out.push(`~ ${id}  threshold ${i} removed: ${x.level} ${x.grade} when ${conditionText(x.when)}`)
    else if (x && y) {
      if (x.level !== y.level || x.grade !== y.grade) out.push(`~ ${id}  threshold ${i}: ${x.level} ${x.grade} -> ${y.level} ${y.grade}`)
      if (json(x.when) !== json(y.when)) out.push(`~ ${id}  threshold ${i} condition: ${conditionText(x.when)} -> ${conditionText(y.when)}`)
    }
  }
  return out
}

const FIELDS = ['title', 'status', 'version', 'taxonomy', 'input', 'scope', 'window', 'expires', 'maxDuration', 'includeUnassessed', 'summary'] as const

/**
 * What changed between two rule sets: indicators added and removed, and per changed indicator
 * its metadata, scope, window, match, levels, grades and threshold conditions.
 */
export function diffRuleSets(before: IndicatorRule[], after: IndicatorRule[]): string[] {
  const old = new Map(before.map((r) => [r.id, r]))
  const cur = new Map(after.map((r) => [r.id, r]))
  const lines: string[] = []
  for (const id of [...new Set([...old.keys(), ...cur.keys()])].sort()) {
    const a = old.get(id)
    const b = cur.get(id)
    if (!a && b) {
      lines.push(`+ ${id}  added: ${b.title} (${b.status}; ${b.alerts.map((t) => `${t.level} ${t.grade}`).join(', ')})`)
      continue
    }
    if (a && !b) {
      lines.push(`- ${id}  removed: ${a.title}`)
      continue
    }
    if (!a || !b) continue
    for (const f of FIELDS) {
      if (json(a[f]) !== json(b[f])) lines.push(`~ ${id}  ${f}: ${json(a[f])} -> ${json(b[f])}`)
    }
    if (json(a.match) !== json(b.match)) {
      lines.push(`~ ${id}  match: ${a.match ? conditionText(a.match) : '(all)'} -> ${b.match ? conditionText(b.match) : '(all)'}`)
    }
    lines.push(...thresholdLines(id, a, b))
    if (json(a.tests) !== json(b.tests)) lines.push(`~ ${id}  tests: ${a.tests.length} -> ${b.tests.length}`)
  }
  return lines
}
