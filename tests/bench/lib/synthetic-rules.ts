/**
 * Synthetic indicator sets (10, 100, 1,000 indicators) spread over the taxonomy, shaped like the
 * standard library: a match condition on most, grouped by area, route, site, incident or a
 * radius, windows from 72 hours to 30 days, two or three graded thresholds. Written as YAML and
 * loaded through the rule checker, so they are valid rule files.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { stringify } from 'yaml'
import { RULE_FOLDERS } from '../../../src/rules/rule-check.js'
import { CATEGORIES, pick, prng } from './synthetic.js'

const TOPS = ['HOS', 'POC', 'ARM', 'COM', 'CRM', 'UNR', 'SAF', 'HLT'] as const

const MATCHES: (object | null)[] = [
  null,
  { all: [{ fact: 'report', path: 'location.route', operator: 'exists', value: true }] },
  { all: [{ fact: 'report', path: 'location.site', operator: 'exists', value: true }] },
  { all: [{ fact: 'report', path: 'location.admin1', operator: 'exists', value: true }] },
  { all: [{ fact: 'report', path: 'source.credibility', operator: 'lessThanInclusive', value: 3 }] },
  { all: [{ fact: 'report', path: 'targets', operator: 'intersects', value: ['UN_MIL', 'UN_POL', 'UN_CIV', 'UN_PREMISES', 'UN_CONVOY'] }] },
  { any: [
    { fact: 'report', path: 'casualties.killed.civilian', operator: 'greaterThan', value: 0 },
    { fact: 'report', path: 'casualties.injured.civilian', operator: 'greaterThan', value: 2 },
  ] },
  { all: [{ fact: 'report', path: 'source.reliability', operator: 'in', value: ['A', 'B', 'C'] }] },
]

const SCOPES = [
  { groupBy: ['admin1'] }, { groupBy: ['admin2'] }, { groupBy: ['route'] }, { groupBy: ['site'] },
  { groupBy: ['report'] }, { groupBy: ['admin1', 'category'] }, { radiusKm: 25 }, { groupBy: [] },
]

export function syntheticRuleDir(count: number, seed = 5): string {
  const rng = prng(seed)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-bench-rules-${count}-`))
  const perTop = new Map<string, number>()
  for (let i = 0; i < count; i++) {
    const top = TOPS[i % TOPS.length]!
    const n = (perTop.get(top) ?? 0) + 1
    perTop.set(top, n)
    const id = `${top}-${String(n).padStart(3, '0')}`
    const subs = CATEGORIES.filter((c) => c.startsWith(`${top}.`))
    const taxonomy = rng() < 0.15 ? [top] : [...new Set([subs[i % subs.length]!, ...(rng() < 0.4 ? [pick(rng, subs)] : [])])]
    const match = pick(rng, MATCHES)
    const scope = pick(rng, SCOPES)
    const window = pick(rng, ['72h', '7d', '14d', '30d'])
    const k = 2 + Math.floor(rng() * 4)
    const level = pick(rng, ['tactical', 'tactical', 'operational'])
    const extra = pick(rng, [
      { fact: 'unKilled', operator: 'greaterThanInclusive', value: 1 },
      { fact: 'independentSources', operator: 'greaterThanInclusive', value: 2 },
      { fact: 'civiliansKilled', operator: 'greaterThanInclusive', value: 5 },
      { fact: 'trend', operator: 'greaterThanInclusive', value: 2 },
    ])
    const alerts = [
      { level, grade: 'critical', when: { all: [{ fact: 'count', operator: 'greaterThanInclusive', value: k + 1 }, extra] } },
      { level, grade: 'high', when: { all: [{ fact: 'count', operator: 'greaterThanInclusive', value: k + 1 }] } },
      ...(rng() < 0.6 ? [{ level: 'tactical', grade: 'medium', when: { all: [{ fact: 'count', operator: 'greaterThanInclusive', value: k }] } }] : []),
    ]
    const rule = {
      id,
      title: `Synthetic indicator ${id}`,
      description: 'A synthetic indicator for the engine-scaling benchmark.',
      status: 'experimental',
      version: 1,
      owner: 'bench',
      taxonomy,
      ...(match ? { match } : {}),
      scope,
      window,
      expires: window,
      alerts,
    }
    const folder = path.join(dir, RULE_FOLDERS[top]!)
    fs.mkdirSync(folder, { recursive: true })
    fs.writeFileSync(path.join(folder, `${id}-synthetic.yaml`), stringify(rule))
  }
  return dir
}
