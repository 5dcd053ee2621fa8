import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadRoutingFile, parseRoutingText } from '../../src/notify/routing-loader.js'
import { routeChange, type Routing } from '../../src/notify/routing-tree.js'
import { RoutingRegistry } from '../../src/notify/routing-registry.js'
import { routingCheck } from '../../src/cli/routing-commands.js'
import { loadRuleDir } from '../../src/rules/rule-loader.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import { manualClock } from '../../src/clock.js'
import type { AlertState, ChangeKind } from '../../src/alerts/alert.js'
import { ROOT } from '../../src/paths.js'
import { taxonomy, tempDir } from '../helpers/test-app.js'

const FIXTURES = path.join(ROOT, 'tests/fixtures/routing')
const opts = { taxonomy, missions: DEFAULT_MISSIONS }

function load(name: string): Routing {
  const r = loadRoutingFile(path.join(FIXTURES, name), opts)
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'))
  return r.routing
}

function alert(over: Partial<AlertState> = {}): AlertState {
  return {
    id: 7, identity: 'x', indicatorId: 'HOS-001', indicatorVersion: 1, ruleSetVersion: 'v', mission: 'MINUSMA', taxonomy: ['HOS.IED'],
    topCategory: 'HOS', level: 'operational', grade: 'high', rank: 6, status: 'open', statusReason: null, confidence: 'high', trend: null,
    scope: { mission: 'MINUSMA', groupBy: { route: 'MSR-1' }, route: 'MSR-1', admin1: 'Gao' }, windowMs: 0, count: 3, facts: {}, explanation: {},
    summary: 's', firstSeen: 0, lastSeen: 0, anchorAt: 0, raisedAt: 0, updatedAt: 0, expiresAt: 0, seq: 1, silenced: false, inhibited: false,
    acknowledgedBy: null, acknowledgedAt: null, resolvedBy: null, resolvedAt: null, ...over,
  }
}

const receiversOf = (routing: Routing, a: AlertState, kind: ChangeKind = 'raised') => routeChange(routing, a, kind).map((h) => h.receiver)

describe('routing file check', () => {
  it('accepts the shipped rules/routing.yaml, which sends nothing', () => {
    const r = loadRoutingFile(path.join(ROOT, 'rules/routing.yaml'), opts)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(receiversOf(r.routing, alert({ grade: 'critical' }))).toEqual([])
  })

  it('reports schema problems with line, column, path and a suggestion', () => {
    const r = loadRoutingFile(path.join(FIXTURES, 'three-schema-problems.bad.yaml'), opts)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.map((p) => [p.line, p.column, p.path])).toEqual([
      [8, 14, 'route.groupWait'], [12, 26, 'route.routes.1.matchers.grade'], [13, 7, 'route.routes.1.receivr'],
    ])
    expect(r.problems[0]!.message).toContain('a duration such as')
    expect(r.problems[1]!.message).toContain('"critical"')
    expect(r.problems[2]!.message).toContain("did you mean 'receiver'?")
  })

  it('reports meaning problems once the shape is right: duplicate and unknown receivers, unknown taxonomy codes', () => {
    const r = loadRoutingFile(path.join(FIXTURES, 'three-meaning-problems.bad.yaml'), opts)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`)).toEqual([
      "4:11 receivers.1.name: receiver 'joc' is defined twice",
      "9:29 route.routes.0.matchers.category: unknown taxonomy code 'HOS.IDE' (did you mean 'HOS.IED'?)",
      "12:17 route.routes.1.receiver: unknown receiver 'jco' (did you mean 'joc'?)",
    ])
  })

  it('checks an escalateTo receiver like any receiver, at its position, and children inherit it', () => {
    const bad = parseRoutingText('r.yaml', 'receivers: [{ name: joc }, { name: force-hq }]\nroute:\n  receiver: joc\n  escalateTo: force-hg\n')
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`)).toEqual(["4:15 route.escalateTo: unknown receiver 'force-hg' (did you mean 'force-hq'?)"])
    const good = parseRoutingText('r.yaml', 'receivers: [{ name: joc }, { name: force-hq }]\nroute:\n  receiver: joc\n  escalateTo: force-hq\n  routes:\n    - { matchers: { level: tactical } }\n')
    expect(good.ok).toBe(true)
    if (good.ok) expect(good.routing.root!.routes[0]!.escalateTo).toBe('force-hq')
  })

  it('refuses a root route with matchers or without a receiver, and a YAML syntax error at its place', () => {
    const noReceiver = parseRoutingText('r.yaml', 'receivers: [{ name: a }]\nroute:\n  matchers: { level: strategic }\n')
    expect(noReceiver.ok).toBe(false)
    if (!noReceiver.ok) expect(noReceiver.problems.map((p) => p.path)).toEqual(['route', 'route.matchers'])
    const syntax = parseRoutingText('r.yaml', 'receivers:\n  - name: a\n route: x\n')
    expect(syntax.ok).toBe(false)
    if (!syntax.ok) expect(syntax.problems[0]!.message).toMatch(/^syntax: /)
  })

  it('`vigil routing check` prints file:line:column problems and exits 1; a good file exits 0', () => {
    let out = ''
    let err = ''
    const o = { write: (s: string) => { out += s } }
    const e = { write: (s: string) => { err += s } }
    expect(routingCheck(path.join(FIXTURES, 'three-meaning-problems.bad.yaml'), DEFAULT_MISSIONS, o, e)).toBe(1)
    expect(err).toContain('three-meaning-problems.bad.yaml:12:17  route.routes.1.receiver  unknown receiver')
    expect(out).toContain('3 problem(s)')
    out = ''
    expect(routingCheck(path.join(FIXTURES, 'mission-tree-4-receivers.good.yaml'), DEFAULT_MISSIONS, o, e)).toBe(0)
    expect(out).toContain('5 receiver(s), 6 route(s), 0 problem(s)')
  })

  it('a routing.yaml beside the rule folders is not loaded as a rule', () => {
    const dir = tempDir('vigil-routing-rules-')
    fs.copyFileSync(path.join(ROOT, 'rules/routing.yaml'), path.join(dir, 'routing.yaml'))
    const loaded = loadRuleDir(dir)
    expect(loaded.problems).toEqual([])
    expect(loaded.rules).toEqual([])
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

describe('routing tree (Alertmanager semantics)', () => {
  const routing = load('mission-tree-4-receivers.good.yaml')

  it('a matching child takes the alert; `continue` lets the next sibling take it too', () => {
    expect(receiversOf(routing, alert({ grade: 'critical' }))).toEqual(['joc-minusma', 'joc-minusma-mail'])
    expect(receiversOf(routing, alert({ grade: 'medium' }))).toEqual(['joc-minusma-mail'])
  })

  it('without `continue`, the first matching child stops the search', () => {
    // MINUSMA matches the mail route, which does not continue: the strategic routes are not tried.
    expect(receiversOf(routing, alert({ grade: 'medium', level: 'strategic' }))).toEqual(['joc-minusma-mail'])
    const elsewhere = alert({ mission: 'MINUSCA', level: 'strategic', grade: 'medium' })
    expect(receiversOf(routing, elsewhere)).toEqual(['hq-teams', 'hq-slack'])
    expect(receiversOf(routing, { ...elsewhere, topCategory: 'POC', taxonomy: ['POC.KILL'] })).toEqual(['hq-slack'])
  })

  it('an alert no child takes goes to the route itself; a null receiver sends nothing', () => {
    expect(receiversOf(routing, alert({ mission: 'MINUSCA', level: 'tactical' }))).toEqual([])
    // The withdrawn kind goes to the null receiver under the mail route.
    expect(receiversOf(routing, alert({ grade: 'medium', status: 'withdrawn' }), 'withdrawn')).toEqual([])
  })

  it('children inherit timing and grouping; the group is per mission and the route\'s labels', () => {
    const [hook, mail] = routeChange(routing, alert({ grade: 'critical' }), 'raised')
    expect(hook).toMatchObject({ route: 'root.0', groupWaitMs: 0, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 })
    expect(mail).toMatchObject({ route: 'root.1', groupWaitMs: 30_000 })
    expect(hook!.groupKey).toBe('root.0|joc-minusma|mission=MINUSMA|indicator=HOS-001')
  })

  it('matches by area (any of admin1, admin2, route, site) and by category prefix', () => {
    const r = parseRoutingText('r.yaml', `receivers: [{ name: none }, { name: t, teams: { url: "http://127.0.0.1:9/t" } }]
route:
  receiver: none
  routes:
    - { matchers: { area: MSR-1, category: HOS.IED }, receiver: t }
`, opts)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(receiversOf(r.routing, alert())).toEqual(['t'])
    expect(receiversOf(r.routing, alert({ scope: { mission: 'MINUSMA', groupBy: {}, admin1: 'Kidal' } }))).toEqual([])
  })
})

describe('routing reload', () => {
  it('is all or nothing: a broken file is refused and the live routing stays', () => {
    const dir = tempDir('vigil-routing-')
    const file = path.join(dir, 'routing.yaml')
    const registry = new RoutingRegistry(file, manualClock('2026-03-01T00:00:00Z'), opts)
    expect(registry.reload('startup')).toMatchObject({ ok: true, missing: true })
    fs.copyFileSync(path.join(FIXTURES, 'mission-tree-4-receivers.good.yaml'), file)
    expect(registry.reload('watch')).toMatchObject({ ok: true, changed: true })
    const live = registry.current().version
    fs.copyFileSync(path.join(FIXTURES, 'three-meaning-problems.bad.yaml'), file)
    const refused = registry.reload('SIGHUP')
    expect(refused).toMatchObject({ ok: false, changed: false })
    expect(refused.problems).toHaveLength(3)
    expect(registry.current().version).toBe(live)
    expect(registry.status().lastFailure?.trigger).toBe('SIGHUP')
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
