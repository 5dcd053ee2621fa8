import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startService, type ServiceProcess, killIfRunning } from '../helpers/service-process.js'
import { tempDir, writeRules } from '../helpers/test-app.js'
import { envInt, prng } from '../helpers/seeded.js'
import { newLedger, Poller, Writers } from '../helpers/load.js'
import { MONOTONE_RULES } from '../helpers/reliability-rules.js'
import { consistencyProblems, replayedAlertKeys, storedAlertKeys, walSize, withDb } from '../helpers/db-checks.js'

/**
 * Crash safety of the real service: concurrent writers (single posts, batches, retries) and a
 * poller run against a child process that is SIGKILLed at a seeded random moment, several
 * rounds in a row on one database. Between rounds the database is checked cold, as the next
 * start will find it. CI runs the fixed seed; to explore, e.g.
 *   VIGIL_CRASH_SEED=$RANDOM VIGIL_CRASH_ROUNDS=20 npx vitest run tests/reliability/crash.test.ts
 */
const SEED = envInt('VIGIL_CRASH_SEED', 20260301)
const ROUNDS = envInt('VIGIL_CRASH_ROUNDS', 4)

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for traffic')
    await pause(5)
  }
}

let svc: ServiceProcess | undefined
afterEach(async () => {
  await killIfRunning(svc)
  svc = undefined
})

describe('crash safety (SIGKILL at random moments)', () => {
  it(`every 2xx survives, nothing is half-written, the cursor stays continuous, and the alerts equal a clean replay (seed ${SEED}, ${ROUNDS} rounds)`, { timeout: 120_000 }, async () => {
    console.log(`crash test: seed ${SEED}, ${ROUNDS} rounds; rerun with VIGIL_CRASH_SEED=${SEED} VIGIL_CRASH_ROUNDS=${ROUNDS}`)
    const rand = prng(SEED)
    const db = path.join(tempDir('vigil-crash-'), 'vigil.db')
    const rulesDir = writeRules(MONOTONE_RULES)
    // Auth and rate limits are not under test: the dev switch, and a limit the load never reaches.
    const env = { VIGIL_DB: db, VIGIL_RULES_DIR: rulesDir, VIGIL_AUTH: 'off', VIGIL_WATCH_RULES: 'false', VIGIL_RATE_LIMIT_PER_MINUTE: '1000000' }
    const ledger = newLedger()
    svc = await startService(env)
    const poller = new Poller(() => svc!.url)
    poller.start()

    for (let round = 1; round <= ROUNDS; round++) {
      const writers = new Writers({ url: () => svc!.url, seed: SEED + round, ledger, prefix: `R${round}` })
      writers.start(rand.int(4, 12))
      // A random moment with traffic flowing: some answers out, more requests in flight.
      await until(() => writers.answered >= 3)
      const delay = rand.int(0, 600)
      await pause(delay)
      svc.child.kill('SIGKILL')
      await svc.exited
      // Answers already on the wire still count: the ledger is complete once every writer settled.
      await writers.stop()

      const stored = withDb(db, (d) => new Map((d.prepare('SELECT id, revision FROM reports').all() as { id: string; revision: number }[]).map((r) => [r.id, r.revision])))
      const missing = [...ledger.acked.keys()].filter((id) => !stored.has(id))
      const doubtStored = [...ledger.doubt.keys()].filter((id) => stored.has(id)).length
      console.log(`round ${round}: SIGKILL ${delay} ms after traffic began; ${ledger.acked.size} acknowledged in all, ${missing.length} of them missing; ${ledger.doubt.size} in doubt (${doubtStored} stored), wal ${walSize(db)} bytes`)

      expect(missing, `round ${round}: reports answered 2xx but missing after SIGKILL`).toEqual([])
      // Exactly once: one row each (the primary key) and a single revision, however often it was retried.
      expect([...stored].filter(([, rev]) => rev !== 1), `round ${round}: reports with more than one revision`).toEqual([])
      expect([...stored.keys()].filter((id) => !ledger.acked.has(id) && !ledger.doubt.has(id)), 'stored reports nobody sent').toEqual([])
      expect(consistencyProblems(db), `round ${round}: half-written state after SIGKILL`).toEqual([])
      // A change a poller has seen was committed: it must still be there, unchanged, after the crash.
      const changes = withDb(db, (d) => new Map((d.prepare('SELECT seq, alert_id, kind FROM alert_changes').all() as { seq: number; alert_id: number; kind: string }[]).map((c) => [c.seq, `${c.alert_id} ${c.kind}`])))
      expect(poller.seen.filter((c) => changes.get(c.seq) !== `${c.alertId} ${c.kind}`), `round ${round}: polled changes lost or altered by the crash`).toEqual([])
      expect(ledger.unexpected, `round ${round}: answers a healthy service never gives`).toEqual([])

      svc = await startService(env)
    }

    // The clients come back: every report still in doubt is retried once, as a client would.
    const finisher = new Writers({ url: () => svc!.url, seed: SEED, ledger, prefix: 'final' })
    const retries = [...ledger.doubt.values()]
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let body = retries.pop(); body; body = retries.pop()) await finisher.single(body)
    }))
    expect(ledger.doubt.size, 'reports still in doubt after the retries').toBe(0)
    expect(ledger.unexpected).toEqual([])
    await poller.stop()
    await poller.drain()
    svc.child.kill('SIGTERM')
    expect(await svc.exited).toEqual({ code: 0, signal: null })

    const storedIds = withDb(db, (d) => d.prepare('SELECT id FROM reports ORDER BY id').pluck().all() as string[])
    expect(storedIds).toEqual([...ledger.acked.keys()].sort())
    expect(consistencyProblems(db)).toEqual([])

    // The poller's cursor crossed every restart: it saw each change exactly once, in order, 1..N.
    const all = withDb(db, (d) => d.prepare('SELECT seq, alert_id AS alertId, kind FROM alert_changes ORDER BY seq').all())
    expect(all.length, 'the run raised no alerts: the test would prove nothing').toBeGreaterThan(20)
    expect(poller.seen.map((c) => c.seq)).toEqual(all.map((_, i) => i + 1))
    expect(poller.seen).toEqual(all)

    // Restarts and retries left the alerts exactly as evaluating the stored reports once, in order, gives.
    const live = storedAlertKeys(db)
    const replayed = await replayedAlertKeys(db, rulesDir)
    console.log(`crash test: ${storedIds.length} reports, ${all.length} alert changes, ${live.length} alerts`)
    expect(live).toEqual(replayed)
  })
})
