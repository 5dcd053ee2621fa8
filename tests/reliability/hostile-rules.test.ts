import path from 'node:path'
import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { afterEach, describe, expect, it } from 'vitest'
import { taxonomy, tempDir, testApp, writeRules } from '../helpers/test-app.js'
import { startService, type ServiceProcess } from '../helpers/service-process.js'
import { fcParams, fcTimeout } from '../helpers/seeded.js'
import { aliasBomb, LIBRARY, mutatedRule, SEEDS, type MutatedRule } from '../helpers/hostile-rules.js'
import { report } from '../helpers/reports.js'
import { rule } from '../helpers/test-rules.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import { buildRuleSet } from '../../src/rules/rule-set.js'
import type { RuleProblem } from '../../src/rules/rule-loader.js'

/**
 * Generated and mutated rule files (tests/helpers/hostile-rules.ts) against the checker and
 * against the running service. Whatever HQ staff commit, by mistake or otherwise, the checker
 * answers with problems instead of dying, and the service either swaps the file in or refuses it
 * with problems, and keeps serving reports and polls either way.
 */

const NOW = '2026-03-01T12:00:00Z'
/** A rule no seed shares an id or a file with: keeps the live set non-empty whatever happens to the seed. */
const COMPANION = { 'safety/SAF-199-companion.yaml': rule('SAF-199', `taxonomy: [SAF]
window: 7d
expires: 7d
alerts:
  - { level: tactical, grade: medium, when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] } }`) }

function expectWellFormed(problems: RuleProblem[], label: string) {
  for (const p of problems) {
    expect(typeof p.file === 'string' && Number.isInteger(p.line) && p.line >= 1 && Number.isInteger(p.column) && p.column >= 1, `${label}: a problem without a place: ${JSON.stringify(p).slice(0, 200)}`).toBe(true)
    expect(typeof p.path === 'string' && typeof p.message === 'string' && p.message.length > 0, `${label}: ${JSON.stringify(p).slice(0, 200)}`).toBe(true)
  }
}

/** A code under each top category the seed watches, so the probe reports reach the mutated rule. */
const SUB: Record<string, string> = { HOS: 'HOS.IED', POC: 'POC.KILL', ARM: 'ARM.CLASH', COM: 'COM.CLASH', CRM: 'CRM.ROBBERY', UNR: 'UNR.PROTEST', SAF: 'SAF.ROAD', HLT: 'HLT.OUTBREAK' }
function probeCategories(m: MutatedRule): string[] {
  const seed = parseYaml(SEEDS.find((s) => s.file === m.file)!.text) as { taxonomy: string[] }
  return [...new Set(seed.taxonomy.map((c) => (c.includes('.') ? c : SUB[c]!)))]
}

let svc: ServiceProcess | undefined
afterEach(async () => {
  if (svc && svc.child.exitCode === null && svc.child.signalCode === null) {
    // SIGKILL: a frozen event loop never runs the SIGTERM handler.
    svc.child.kill('SIGKILL')
    await svc.exited
  }
  svc = undefined
})

describe('hostile rule files', () => {
  it('the checker never throws: each generated or mutated file is accepted, or refused with positioned problems', { timeout: fcTimeout(60, 60_000) }, () => {
    // The whole library with one file mutated, as an HQ edit would leave it: cross-file checks run too.
    const dir = writeRules({ ...LIBRARY, ...COMPANION })
    let accepted = 0
    fc.assert(fc.property(mutatedRule, (m) => {
      writeRules({ [m.file]: m.text }, dir)
      try {
        let checked: ReturnType<typeof checkRuleDir>
        try {
          checked = checkRuleDir(dir, taxonomy)
        } catch (err) {
          throw new Error(`${m.label}: the checker threw ${(err as Error).name}: ${(err as Error).message}`)
        }
        expectWellFormed(checked.problems, m.label)
        if (checked.problems.length === 0) {
          accepted++
          // What the checker accepts must build: the registry swaps in exactly this.
          expect(() => buildRuleSet(checked.rules, checked.version, 0), m.label).not.toThrow()
        }
      } finally {
        writeRules({ [m.file]: LIBRARY[m.file]! }, dir)
      }
    }), fcParams(60))
    // Some mutations leave a valid rule: both outcomes were exercised.
    expect(accepted).toBeGreaterThan(0)
  })

  it('a YAML alias bomb is refused with a problem by the checker, by a reload and by a preview', async () => {
    const file = 'hostile-acts/HOS-101-ied.yaml'
    const dir = writeRules({ ...LIBRARY, ...COMPANION })
    const t = await testApp({ rulesDir: dir, now: NOW })
    try {
      writeRules({ [file]: aliasBomb(LIBRARY[file]!) }, dir)
      const reload = await t.app.inject({ method: 'POST', url: '/rules/reload' })
      expect(reload.statusCode, reload.body.slice(0, 300)).toBe(422)
      const preview = await t.app.inject({ method: 'POST', url: '/rules/preview', payload: { rule: aliasBomb(LIBRARY[file]!), from: '2026-02-01T00:00:00Z', to: NOW } })
      expect(preview.statusCode, preview.body.slice(0, 300)).toBe(400)
      let problems: RuleProblem[] = []
      expect(() => { problems = checkRuleDir(dir, taxonomy).problems }, 'npm run rules:check on this file').not.toThrow()
      expect(problems.filter((p) => p.file === file).length).toBeGreaterThan(0)
    } finally {
      await t.close()
    }
  })

  it('the running service swaps a mutated file in (200) or refuses it with problems (422), and keeps serving either way', { timeout: fcTimeout(20, 60_000) }, async () => {
    await fc.assert(fc.asyncProperty(mutatedRule, async (m) => {
      const dir = writeRules({ ...LIBRARY, ...COMPANION })
      const t = await testApp({ rulesDir: dir, now: NOW, config: { rateLimitPerMinute: 1_000_000 } })
      try {
        const get = (url: string) => t.app.inject({ method: 'GET', url })
        const before = (await get('/rules/status')).json() as { version: string }
        writeRules({ [m.file]: m.text }, dir)
        const reload = await t.app.inject({ method: 'POST', url: '/rules/reload' })
        expect([200, 422], `${m.label}: reload answered ${reload.statusCode} ${reload.body.slice(0, 300)}`).toContain(reload.statusCode)
        const after = (await get('/rules/status')).json() as { version: string }
        if (reload.statusCode === 422) {
          expect((reload.json() as { problems: unknown[] }).problems.length, m.label).toBeGreaterThan(0)
          expect(after.version, `${m.label}: a refused set went live`).toBe(before.version)
        }
        // Reports still go in and alerts still come out, under whichever set is live.
        for (const [i, category] of probeCategories(m).entries()) {
          for (const k of [1, 2, 3]) {
            const res = await t.app.inject({ method: 'POST', url: '/reports', payload: report({ id: `P-${i}-${k}`, category, occurredAt: `2026-03-01T0${k}:00:00Z`, casualties: { killed: { un: { military: 1 } }, injured: { civilian: 6 } } }) })
            expect(res.statusCode, `${m.label}: report ${category} answered ${res.body.slice(0, 300)}`).toBe(201)
          }
        }
        const live = (await get('/rules')).json() as { rules: { id: string }[] }
        for (const url of ['/alerts?after=0&inhibited=include&silenced=include', '/alerts/summary', '/rules/status', '/readyz', '/metrics', ...live.rules.map((r) => `/rules/${r.id}`)]) {
          const res = await get(url)
          expect(res.statusCode, `${m.label}: GET ${url} answered ${res.body.slice(0, 300)}`).toBe(200)
        }
        const preview = await t.app.inject({ method: 'POST', url: '/rules/preview', payload: { rule: m.text || ' ', from: '2026-02-01T00:00:00Z', to: NOW } })
        expect([200, 400], `${m.label}: preview answered ${preview.statusCode} ${preview.body.slice(0, 300)}`).toContain(preview.statusCode)
        if (preview.statusCode === 400) expect((preview.json() as { problems?: unknown[] }).problems?.length ?? 0, m.label).toBeGreaterThan(0)
      } finally {
        await t.close()
      }
    }), fcParams(20))
  })

  it('patterns that backtrack catastrophically go live and cannot freeze the service: not by a report, not by a preview', { timeout: 60_000 }, async () => {
    // On a backtracking engine each of these takes hours on a few dozen letters that do not end
    // in a match ((a|aa)+b took 13 s on 38); rule patterns run on RE2, in time linear in the text.
    const REDOS = ['^(a+)+$', '(a|aa)+b', '(?:a|a?)+b', '(.*a){12}b']
    const redosRule = (id: string, pattern: string) => rule(id, `taxonomy: [CRM]
match: { all: [ { fact: report, path: narrative, operator: matches, value: ${JSON.stringify(pattern)} } ] }
window: 7d
expires: 7d
alerts:
  - { level: tactical, grade: high, when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] } }`)
    const files: Record<string, string> = { ...COMPANION }
    REDOS.forEach((p, i) => { files[`criminality/CRM-19${i}-redos.yaml`] = redosRule(`CRM-19${i}`, p) })
    const dir = writeRules(files)
    expect(checkRuleDir(dir, taxonomy).problems, 'rules check accepts them: they are safe to run').toEqual([])
    svc = await startService({ VIGIL_DB: path.join(tempDir(), 'vigil.db'), VIGIL_RULES_DIR: dir, VIGIL_AUTH: 'off', VIGIL_WATCH_RULES: 'false' })
    const live = await (await fetch(`${svc.url}/rules`)).json() as { rules: { id: string }[] }
    expect(REDOS.map((_, i) => live.rules.some((r) => r.id === `CRM-19${i}`))).toEqual(REDOS.map(() => true))
    const answer = (p: Promise<Response>) => p.then((r) => r.status, (e: Error) => `no answer (${e.name})`)
    const health = () => answer(fetch(`${svc!.url}/healthz`, { signal: AbortSignal.timeout(2000) }))
    const post = (url: string, body: unknown) => answer(fetch(`${svc!.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) }))
    // Narratives of 40 and of 5,000 letters that never end in a match.
    const narratives = [`${'a'.repeat(40)}!`, `${'a'.repeat(5000)}!`]
    const now = Date.now()
    const posting = Promise.all(narratives.map((narrative, i) => post('/reports', report({ id: `REDOS-${i}`, category: 'CRM.ROBBERY', occurredAt: new Date(now - 60_000 - i * 1000).toISOString(), narrative }))))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const healthWhile = await health()
    expect({ reports: await posting, healthWhile, healthAfter: await health() }, 'reports and health checks answered').toEqual({ reports: [201, 201], healthWhile: 200, healthAfter: 200 })
    const from = new Date(now - 86_400_000).toISOString()
    const to = new Date(now + 60_000).toISOString()
    const previews = Promise.all(REDOS.map((p) => post('/rules/preview', { rule: redosRule('CRM-198', p), from, to })))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const healthDuringPreview = await health()
    expect({ previews: await previews, healthDuringPreview }).toEqual({ previews: REDOS.map(() => 200), healthDuringPreview: 200 })
  })
})
