import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = path.resolve(__dirname, '../../src')
const ENGINE = path.join(SRC, 'engine')

/** Every module specifier a file imports or re-exports (type-only ones too). */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8')
  const found: string[] = []
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) found.push(m[1]!)
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!)
  return found
}

/** A relative specifier as the .ts file it names. */
const resolve = (from: string, spec: string) => path.resolve(path.dirname(from), spec.replace(/\.js$/, '.ts'))

/** The engine's files and everything they reach through relative imports, with each file's bare imports. */
function closure(): Map<string, { local: string[]; packages: string[] }> {
  const seen = new Map<string, { local: string[]; packages: string[] }>()
  const todo = fs.readdirSync(ENGINE).filter((f) => f.endsWith('.ts')).map((f) => path.join(ENGINE, f))
  while (todo.length > 0) {
    const file = todo.pop()!
    if (seen.has(file)) continue
    const specs = specifiers(file)
    const local = specs.filter((s) => s.startsWith('.')).map((s) => resolve(file, s))
    seen.set(file, { local, packages: specs.filter((s) => !s.startsWith('.')) })
    todo.push(...local)
  }
  return seen
}

describe('the engine (src/engine) is pure', () => {
  const files = closure()

  it('reaches no storage, HTTP, ingest or service-graph module, directly or through another', () => {
    const banned = ['storage', 'http', 'ingest', 'services.ts', 'app.ts', 'main.ts', 'config.ts'].map((p) => path.join(SRC, p))
    const offenders = [...files.keys()].filter((f) => banned.some((b) => f === b || f.startsWith(`${b}${path.sep}`)))
    expect(offenders.map((f) => path.relative(SRC, f))).toEqual([])
    expect([...files.keys()].filter((f) => f.startsWith(ENGINE)).length).toBeGreaterThan(8)
  })

  it('imports neither better-sqlite3 nor fastify, anywhere it reaches', () => {
    const offenders = [...files].flatMap(([f, { packages }]) => packages
      .filter((p) => /^(better-sqlite3|fastify|@fastify\/)/.test(p))
      .map((p) => `${path.relative(SRC, f)} -> ${p}`))
    expect(offenders).toEqual([])
  })

  it('has no import cycle among the modules it reaches', () => {
    const state = new Map<string, 'open' | 'done'>()
    const cycles: string[] = []
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === 'done') return
      if (state.get(f) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(f)), f].map((x) => path.relative(SRC, x)).join(' -> '))
        return
      }
      state.set(f, 'open')
      for (const next of files.get(f)?.local ?? []) visit(next, [...trail, f])
      state.set(f, 'done')
    }
    for (const f of files.keys()) visit(f, [])
    expect(cycles).toEqual([])
  })
})
