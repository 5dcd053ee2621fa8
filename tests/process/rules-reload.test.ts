import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startService, type ServiceProcess } from '../helpers/service-process.js'
import { tempDir, writeRules } from '../helpers/test-app.js'
import { IED_CLUSTER, rule } from '../helpers/test-rules.js'

let svc: ServiceProcess | undefined
afterEach(async () => {
  if (!svc) return
  svc.child.kill('SIGTERM')
  await svc.exited
  svc = undefined
})

const CLASHES = rule('COM-101', `taxonomy: [COM.CLASH]
window: 7d
expires: 7d
alerts:
  - { level: tactical, grade: high, when: { all: [ { fact: count, operator: greaterThanInclusive, value: 3 } ] } }`)

const status = async () => (await fetch(`${svc!.url}/rules/status`)).json() as Promise<{
  version: string; rules: number; lastAttempt: { trigger: string; ok: boolean } | null; lastFailure: { trigger: string; problems: { file: string; path: string }[] } | null
}>

/** Polls until `check` holds on the rules status; the watcher reloads on its own time. */
async function waitForStatus(check: (s: Awaited<ReturnType<typeof status>>) => boolean, ms = 20_000) {
  const end = Date.now() + ms
  for (;;) {
    const s = await status()
    if (check(s)) return s
    if (Date.now() > end) throw new Error(`timed out; last status ${JSON.stringify(s)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Polls until a log line matches: the reloader logs after its write job, a moment after the swap. */
async function waitForLog(match: (l: Record<string, unknown>) => boolean, ms = 20_000) {
  const end = Date.now() + ms
  for (;;) {
    const found = svc!.logs.find(match)
    if (found) return found
    if (Date.now() > end) throw new Error('timed out waiting for a log line')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function serve(rulesDir: string, env: Record<string, string> = {}) {
  svc = await startService({ VIGIL_DB: path.join(tempDir(), 'vigil.db'), VIGIL_RULES_DIR: rulesDir, ...env })
  return svc
}

describe('live reload in the running service', () => {
  it('watches the rules directory: a broken file is refused and logged, fixing it swaps the set in', async () => {
    const dir = writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    await serve(dir)
    const first = await status()
    expect(first.rules).toBe(1)

    writeRules({ 'inter-communal/COM-101-clashes.yaml': CLASHES.replace('value: 3', 'value: three') }, dir)
    const refused = await waitForStatus((s) => s.lastFailure !== null)
    expect(refused).toMatchObject({ version: first.version, rules: 1, lastFailure: { trigger: 'watch', problems: [{ file: 'inter-communal/COM-101-clashes.yaml', path: 'alerts.0.when.all.0.value' }] } })
    expect((await fetch(`${svc!.url}/readyz`)).status).toBe(200)
    const warn = await waitForLog((l) => l.level === 40 && l.file === 'inter-communal/COM-101-clashes.yaml')
    expect(warn).toMatchObject({ line: 11, path: 'alerts.0.when.all.0.value', msg: 'greaterThanInclusive needs a number' })
    expect(await waitForLog((l) => l.msg === `rules reload refused; version ${first.version} stays live`)).toMatchObject({ level: 50, trigger: 'watch', ok: false, problems: 1 })

    writeRules({ 'inter-communal/COM-101-clashes.yaml': CLASHES }, dir)
    const swapped = await waitForStatus((s) => s.version !== first.version)
    expect(swapped).toMatchObject({ rules: 2, lastAttempt: { trigger: 'watch', ok: true } })
    expect(await waitForLog((l) => l.msg === 'rules reloaded')).toMatchObject({ trigger: 'watch', ok: true, changed: true, version: swapped.version, problems: 0 })
  })

  it('reloads on SIGHUP; with VIGIL_WATCH_RULES=false a file change alone does nothing', async () => {
    const dir = writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER })
    await serve(dir, { VIGIL_WATCH_RULES: 'false' })
    const first = await status()
    writeRules({ 'inter-communal/COM-101-clashes.yaml': CLASHES }, dir)
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(await status()).toMatchObject({ version: first.version, lastAttempt: { trigger: 'startup' } })

    svc!.child.kill('SIGHUP')
    const swapped = await waitForStatus((s) => s.version !== first.version)
    expect(swapped).toMatchObject({ rules: 2, lastAttempt: { trigger: 'SIGHUP', ok: true } })
  })
})
