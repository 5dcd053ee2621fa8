import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../../src/paths.js'
import { RULE_FOLDERS } from '../../src/rules/rule-check.js'
import { tempDir, writeRules } from './test-app.js'

export const BAD_RULES_DIR = path.join(ROOT, 'tests/fixtures/rules')
export const RULE_SETS_DIR = path.join(ROOT, 'tests/fixtures/rule-sets')

/** One problem a bad fixture must produce: `# expect: <line>:<column> <path or -> <message substring>`. */
export interface Expectation {
  line: number
  column: number
  path: string
  message: string
}

/**
 * A broken rule file of the corpus, with where it goes in a rules directory (`# file:`, default
 * `<folder of its id>/<id>-<name>.yaml`) and any good files it needs beside it
 * (`# also: <place> = <fixture path>`), e.g. the first holder of a duplicated id.
 */
export interface BadFixture {
  name: string
  file: string
  text: string
  expect: Expectation[]
  also: Record<string, string>
}

function directives(text: string, key: string): string[] {
  const re = new RegExp(`^# ${key}: (.+)$`, 'gm')
  return [...text.matchAll(re)].map((m) => m[1]!.trim())
}

function parseExpectation(line: string, name: string): Expectation {
  const m = /^(\d+):(\d+) (\S+) (.+)$/.exec(line)
  if (!m) throw new Error(`${name}: bad expect line '${line}'`)
  return { line: Number(m[1]), column: Number(m[2]), path: m[3] === '-' ? '' : m[3]!, message: m[4]! }
}

function defaultPlace(name: string, text: string): string {
  const id = /^id: (\S+)$/m.exec(text)?.[1] ?? 'HOS-000'
  return `${RULE_FOLDERS[id.slice(0, 3)] ?? 'hostile-acts'}/${id}-${name}.yaml`
}

export function loadBadFixtures(dir = BAD_RULES_DIR): BadFixture[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.bad.yaml')).sort().map((f) => {
    const name = f.replace(/\.bad\.yaml$/, '')
    const text = fs.readFileSync(path.join(dir, f), 'utf8')
    if (!text.startsWith('# expect: ')) throw new Error(`${f}: the first line must be an '# expect:' comment`)
    const also: Record<string, string> = {}
    for (const a of directives(text, 'also')) {
      const [place, source] = a.split(' = ')
      also[place!] = fs.readFileSync(path.join(dir, source!), 'utf8')
    }
    return {
      name,
      file: directives(text, 'file')[0] ?? defaultPlace(name, text),
      text,
      expect: directives(text, 'expect').map((e) => parseExpectation(e, f)),
      also,
    }
  })
}

/** Writes fixtures (and the files they need beside them) into one new rules directory. */
export function placeFixtures(fixtures: BadFixture[], dir = tempDir('vigil-bad-rules-')): string {
  const files: Record<string, string> = {}
  for (const f of fixtures) Object.assign(files, f.also, { [f.file]: f.text })
  return writeRules(files, dir)
}
