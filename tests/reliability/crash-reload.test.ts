import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startService, type ServiceProcess, killIfRunning } from '../helpers/service-process.js'
import { taxonomy, tempDir, writeRules } from '../helpers/test-app.js'
import { envInt, prng } from '../helpers/seeded.js'
import { newLedger, Writers } from '../helpers/load.js'
import { NEW_RULES, OLD_RULES } from '../helpers/reliability-rules.js'
import { consistencyProblems, withDb } from '../helpers/db-checks.js'
import { report } from '../helpers/reports.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import { snapshotDecoder } from '../../src/storage/alert-change-codec.js'

/**
 * A kill during a rule reload. The rules are deployed the way an atomic deploy does it: two
 * directories and a symlink swapped by rename(2), so the directory itself is never a mix and any
 * mix the service ran could only be its own doing. Each round swaps the symlink, asks for a
 * reload (POST /rules/reload or SIGHUP) and SIGKILLs the service before, during or after it.
 * Afterwards: every stored alert change was evaluated by exactly one of the two sets, the
 * switch happened at most once per process lifetime, and the restarted service runs, and says
 * it runs, exactly the set the directory holds.
 */
const SEED = envInt('VIGIL_RELOAD_SEED', 20260302)
const ROUNDS = envInt('VIGIL_RELOAD_ROUNDS', 4)
const PLANS = ['kill during the reload', 'kill after the reload answered', 'kill before any reload'] as const

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const json = { 'content-type': 'application/json' }

interface SetInfo { name: 'old' | 'new'; dir: string; version: string; indicators: Map<string, number> }

function describeSet(name: 'old' | 'new', dir: string): SetInfo {
  const checked = checkRuleDir(dir, taxonomy)
  if (checked.problems.length > 0) throw new Error(JSON.stringify(checked.problems))
  return { name, dir, version: checked.version, indicators: new Map(checked.rules.map((r) => [r.rule.id, r.rule.version])) }
}

/** Points `link` at `target` atomically: a new symlink renamed over the old one. */
function swapSymlink(link: string, target: string) {
  const tmp = `${link}.next`
  fs.rmSync(tmp, { force: true })
  fs.symlinkSync(target, tmp)
  fs.renameSync(tmp, link)
}

let svc: ServiceProcess | undefined
afterEach(async () => {
  await killIfRunning(svc)
  svc = undefined
})

describe('crash safety of a rule reload', () => {
  it(`a SIGKILL before, during or after a reload leaves the service on the old or the new set, never a mix, and it says which (seed ${SEED}, ${ROUNDS} rounds)`, { timeout: 120_000 }, async () => {
    console.log(`reload crash test: seed ${SEED}, ${ROUNDS} rounds; rerun with VIGIL_RELOAD_SEED=${SEED} VIGIL_RELOAD_ROUNDS=${ROUNDS}`)
    const rand = prng(SEED)
    const base = tempDir('vigil-reload-crash-')
    const sets = { old: describeSet('old', writeRules(OLD_RULES, path.join(base, 'v-old'))), new: describeSet('new', writeRules(NEW_RULES, path.join(base, 'v-new'))) }
    const byVersion = new Map([sets.old, sets.new].map((s) => [s.version, s]))
    const live = path.join(base, 'live')
    swapSymlink(live, sets.old.dir)
    let onDisk: SetInfo = sets.old
    const db = path.join(base, 'vigil.db')
    // Auth and rate limits are not under test: the dev switch, and a limit the load never reaches.
    const env = { VIGIL_DB: db, VIGIL_RULES_DIR: live, VIGIL_AUTH: 'off', VIGIL_WATCH_RULES: 'false', VIGIL_RATE_LIMIT_PER_MINUTE: '1000000' }
    const ledger = newLedger()
    /** Seqs that open each process lifetime: within one, the set may change once, old to new. */
    const lifetimes: { from: number; was: SetInfo; to: SetInfo }[] = []
    const maxSeq = () => withDb(db, (d) => d.prepare('SELECT coalesce(max(seq), 0) FROM alert_changes').pluck().get() as number)

    /** Two IED reports on a route of their own: the old set grades them medium, the new one high. */
    const probe = async (route: string) => {
      const post = (id: string) => fetch(`${svc!.url}/reports`, { method: 'POST', headers: json, body: JSON.stringify(report({ id, occurredAt: new Date(Date.now() - 60_000).toISOString(), location: { route } })) })
      await post(`${route}-a`)
      return (await (await post(`${route}-b`)).json()) as { alerts: { indicatorId: string; grade: string; level: string; alertId: number }[] }
    }

    for (let round = 1; round <= ROUNDS; round++) {
      svc = await startService(env)
      const url = svc.url
      // Says which: the startup log line, the status route and the rule list all name the directory's set.
      const status = await (await fetch(`${url}/rules/status`)).json() as { version: string }
      const loaded = svc.logs.find((l) => l.msg === 'rules loaded')
      const rules = await (await fetch(`${url}/rules`)).json() as { version: string; rules: { id: string; version: number }[] }
      expect({ status: status.version, log: loaded?.version, list: rules.version }, `round ${round}: the restarted service names the set on disk`)
        .toEqual({ status: onDisk.version, log: onDisk.version, list: onDisk.version })
      expect(new Map(rules.rules.map((r) => [r.id, r.version])), `round ${round}: the live rules are exactly the ${onDisk.name} set`).toEqual(onDisk.indicators)
      const started = await probe(`START-${round}`)
      expect(started.alerts.find((a) => a.indicatorId === 'HOS-120')?.grade, `round ${round}: evaluates with the ${onDisk.name} set`).toBe(onDisk.name === 'new' ? 'high' : 'medium')

      const was = onDisk
      const next = onDisk === sets.old ? sets.new : sets.old
      lifetimes.push({ from: maxSeq() + 1, was, to: next })
      const writers = new Writers({ url: () => url, seed: SEED + round, ledger, prefix: `R${round}` })
      writers.start(rand.int(3, 8))
      await pause(rand.int(50, 300))

      swapSymlink(live, next.dir)
      onDisk = next
      const plan = round <= PLANS.length ? PLANS[round - 1]! : rand.pick(PLANS)
      let answered: { status: number; version?: string } | null = null
      if (plan === 'kill during the reload') {
        const viaHttp = rand.chance(0.5)
        const reloading = viaHttp
          ? fetch(`${url}/rules/reload`, { method: 'POST' }).then(async (r) => ({ status: r.status, version: ((await r.json()) as { status?: { version: string } }).status?.version }), () => null)
          : Promise.resolve(null)
        if (!viaHttp) svc.child.kill('SIGHUP')
        await pause(rand.int(0, 60))
        svc.child.kill('SIGKILL')
        answered = await reloading
      } else if (plan === 'kill after the reload answered') {
        const res = await fetch(`${url}/rules/reload`, { method: 'POST' })
        answered = { status: res.status, version: ((await res.json()) as { status: { version: string } }).status.version }
        // Once the reload has answered, every evaluation uses the new set.
        const after = await probe(`AFTER-${round}`)
        expect(after.alerts.find((a) => a.indicatorId === 'HOS-120')?.grade, `round ${round}: evaluations after the reload answered`).toBe(next.name === 'new' ? 'high' : 'medium')
        await pause(rand.int(0, 100))
        svc.child.kill('SIGKILL')
      } else {
        svc.child.kill('SIGKILL')
      }
      await svc.exited
      await writers.stop()
      if (answered) expect(answered, `round ${round}: the reload answer`).toEqual({ status: 200, version: next.version })
      const swapped = svc.logs.some((l) => l.msg === 'rules reloaded' && l.version === next.version)
      console.log(`round ${round}: ${plan}; ${was.name} -> ${next.name}; the swap ${swapped ? 'had' : 'had not'} happened at the kill; reload ${answered ? `answered ${answered.status}` : 'unanswered'}; ${ledger.acked.size} reports acknowledged in all`)

      expect(consistencyProblems(db), `round ${round}: half-written state`).toEqual([])
      const stored = withDb(db, (d) => new Set(d.prepare('SELECT id FROM reports').pluck().all() as string[]))
      expect([...ledger.acked.keys()].filter((id) => !stored.has(id)), `round ${round}: acknowledged reports missing`).toEqual([])
      expect(ledger.unexpected).toEqual([])
    }

    // Every change ever stored was made by exactly one of the two sets, with that set's indicators.
    const changes = withDb(db, (d) => {
      const snapshot = snapshotDecoder(d)()
      return (d.prepare('SELECT seq, alert, base FROM alert_changes ORDER BY seq').all() as { seq: number; alert: string; base: number | null }[])
        .map((c) => ({ ...snapshot(c), seq: c.seq }))
    })
    expect(changes.length).toBeGreaterThan(20)
    const mixed = changes.filter((c) => byVersion.get(c.ruleSetVersion)?.indicators.get(c.indicatorId) !== c.indicatorVersion)
    expect(mixed, 'changes evaluated by no single set (a third version, or an indicator of the other set)').toEqual([])
    // Within one process lifetime the set switched at most once, from the one it started with to the deployed one.
    for (const [i, life] of lifetimes.entries()) {
      const end = lifetimes[i + 1]?.from ?? Infinity
      const versions = changes.filter((c) => c.seq >= life.from && c.seq < end).map((c) => byVersion.get(c.ruleSetVersion)!.name)
      const switchAt = versions.indexOf(life.to.name)
      const shape = switchAt < 0 ? versions : versions.slice(switchAt)
      expect(shape.every((v) => v === (switchAt < 0 ? life.was.name : life.to.name)), `lifetime ${i + 1}: sets in change order ${versions.join(',')}`).toBe(true)
    }
  })
})
