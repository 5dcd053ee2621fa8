import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { killIfRunning, startService, type ServiceProcess } from '../helpers/service-process.js'
import { taxonomy, tempDir } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { openStore } from '../../src/storage/store.js'
import { createReportsRepo } from '../../src/storage/reports-repo.js'
import { fingerprint, validateReport } from '../../src/reports/report.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import { STANDARD_RULES_DIR } from '../../src/paths.js'

let svc: ServiceProcess | undefined
afterEach(async () => { await killIfRunning(svc); svc = undefined })

const DAY = 86_400_000
/** Short, yet long enough for every plugin to register on a loaded 2-core machine. */
const PLUGIN_TIMEOUT_MS = 1500
const CATEGORIES = ['HOS.IED', 'HOS.INDIRECT', 'COM.CLASH', 'COM.TENSION', 'POC.KILL', 'UNR.ANTIUN', 'CRM.ROBBERY']

/**
 * A history stored without its indicator index (as after an upgrade that changed every
 * indicator): the service rebuilds each index from the reports and loads it at start, work that
 * takes far longer than the tiny plugin timeout below.
 */
function seedHistory(file: string, count: number) {
  const store = openStore(file)
  const reports = createReportsRepo(store.writer)
  const now = Date.now()
  store.writer.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = now - ((i * 37) % 60) * DAY - (i % 1000) * 60_000
      const body = report({
        id: `START-${i}`, category: CATEGORIES[i % CATEGORIES.length], occurredAt: new Date(at).toISOString(),
        location: { lat: 16 + (i % 50) / 10, lon: -1 + (i % 30) / 10, route: `MSR-${i % 7}` },
      })
      const out = validateReport(body, { taxonomy, missions: DEFAULT_MISSIONS, now })
      if ('problems' in out) throw new Error(JSON.stringify(out.problems))
      reports.insert(out.report, fingerprint(out.report), at)
      reports.created(out.report, fingerprint(out.report), at, { alerts: [] })
    }
  })()
  store.close()
}

describe('start-up on a history', () => {
  it('loads the window state after listening: a load longer than the plugin timeout does not stop the start, and /readyz turns 200 when it is done', async () => {
    const db = path.join(tempDir(), 'vigil.db')
    // Big enough that rebuilding and loading the indexes outlasts the plugin timeout several
    // times over even after the load was made fast (about 3 s here, quiet).
    seedHistory(db, 60_000)
    svc = await startService({ VIGIL_DB: db, VIGIL_RULES_DIR: STANDARD_RULES_DIR, VIGIL_PLUGIN_TIMEOUT_MS: String(PLUGIN_TIMEOUT_MS) })
    const ready = async () => (await fetch(`${svc!.url}/readyz`)).json() as Promise<{ status: string; checks: Record<string, string> }>
    const deadline = Date.now() + 120_000
    let last = await ready()
    while (last.status !== 'ready' && Date.now() < deadline) {
      // Not ready means loading, never a failure.
      expect(last.checks.inputs).toBe('loading indicator inputs')
      await new Promise((r) => setTimeout(r, 100))
      last = await ready()
    }
    expect(last).toEqual({ status: 'ready', checks: { database: 'ok', rules: 'ok', inputs: 'ok' } })
    expect(svc.child.exitCode).toBeNull()

    const rebuilt = svc.logs.find((l) => l.msg === 'indicator indexes brought up to date')
    // The service listened without waiting for the load: no plugin or ready hook holds it.
    const at = (msg: string) => svc!.logs.findIndex((l) => l.msg === msg)
    expect(at('vigil listening; loading the window state')).toBeGreaterThanOrEqual(0)
    expect(at('vigil listening; loading the window state')).toBeLessThan(at('indicator inputs loaded into memory'))
    const loaded = svc.logs.find((l) => l.msg === 'indicator inputs loaded into memory') as { ms: number; indicators: number } | undefined
    console.log(`start-up: ${JSON.stringify(loaded)}; ${JSON.stringify(svc.logs.find((l) => l.msg === 'vigil ready'))}`)
    expect(rebuilt, 'the indexes were rebuilt from the stored reports').toBeDefined()
    expect(loaded!.indicators).toBeGreaterThan(10)
    // The load took many times the plugin timeout: inside a ready hook it would have failed the start.
    expect(loaded!.ms).toBeGreaterThan(PLUGIN_TIMEOUT_MS)
    expect(svc.logs.find((l) => l.msg === 'vigil ready')).toMatchObject({ startupMs: expect.any(Number) })

    // And the loaded service evaluates as usual.
    const res = await fetch(`${svc.url}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report({ id: 'AFTER-1', occurredAt: new Date().toISOString() })) })
    expect(res.status).toBe(201)
  }, 240_000)
})
