import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { killIfRunning, startService, type ServiceProcess } from '../helpers/service-process.js'
import { tempDir, writeRules } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { rule } from '../helpers/test-rules.js'
import { eventually, freePort, httpReceiver } from '../helpers/receivers.js'

const CRITICAL_PER_INCIDENT = rule('HOS-104', `taxonomy: [HOS]
scope: { groupBy: [report] }
window: 1d
expires: 7d
alerts:
  - level: tactical
    grade: critical
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)

let svc: ServiceProcess | undefined
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await killIfRunning(svc)
  svc = undefined
  for (const c of closers.splice(0).reverse()) await c()
})

type Logged = { idempotencyKey: string; status: string; attempts: number }
const notifications = async () => ((await (await fetch(`${svc!.url}/notifications`)).json()) as { notifications: Logged[] }).notifications

/** Polls the running service's notification log until `check` holds. */
async function waitForLog(check: (log: Logged[]) => boolean, ms = 15_000): Promise<Logged[]> {
  const end = Date.now() + ms
  for (;;) {
    const log = await notifications()
    if (check(log)) return log
    if (Date.now() > end) throw new Error(`timed out; log ${JSON.stringify(log)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('notifications across a crash', () => {
  it('a receiver down at first gets the message after a SIGKILL and restart, under one idempotency key', async () => {
    const port = await freePort()
    const dir = tempDir()
    const rulesDir = writeRules({ 'hostile-acts/HOS-104-incident.yaml': CRITICAL_PER_INCIDENT })
    const routingFile = path.join(dir, 'routing.yaml')
    fs.writeFileSync(routingFile, `receivers:
  - name: joc
    webhook: { url: "http://127.0.0.1:${port}/hook", secret: "joc-minusma-shared-secret-0123456789", timeout: 2s }
route: { receiver: joc, groupWait: 0s }
`)
    const env = {
      VIGIL_DB: path.join(dir, 'vigil.db'), VIGIL_RULES_DIR: rulesDir, VIGIL_ROUTING_FILE: routingFile,
      VIGIL_NOTIFY_INTERVAL_MS: '100', VIGIL_NOTIFY_RETRY_BASE_MS: '200', VIGIL_NOTIFY_RETRY_MAX_MS: '400',
    }
    svc = await startService(env)
    const res = await fetch(`${svc.url}/reports`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report({ id: 'CRASH-1', mission: 'MINUSMA', occurredAt: new Date().toISOString() })),
    })
    expect(res.status).toBe(201)
    const [failing] = await waitForLog((log) => log.length === 1 && log[0]!.attempts >= 2)
    expect(failing!.status).toBe('pending')

    svc.child.kill('SIGKILL')
    await svc.exited
    const hook = await httpReceiver(port)
    closers.push(hook.close)
    svc = await startService(env)
    const [sent] = await waitForLog((log) => log[0]?.status === 'sent')
    expect(sent!.idempotencyKey).toBe(failing!.idempotencyKey)
    expect(hook.requests.length).toBeGreaterThanOrEqual(1)
    // At least once, never under a new key: a receiver can drop any repeat.
    expect(new Set(hook.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([failing!.idempotencyKey]))
    // Five more rounds: a sent message is never sent again.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(hook.requests).toHaveLength(1)
  })

  it('an alert change committed just before a SIGKILL is still sent after the restart', async () => {
    const hook = await httpReceiver()
    closers.push(hook.close)
    const dir = tempDir()
    const routingFile = path.join(dir, 'routing.yaml')
    // A long group wait: the kill comes while the change waits in the outbox.
    fs.writeFileSync(routingFile, `receivers:
  - name: joc
    webhook: { url: "${hook.url('/hook')}", secret: "joc-minusma-shared-secret-0123456789" }
route: { receiver: joc, groupWait: 2s }
`)
    const env = {
      VIGIL_DB: path.join(dir, 'vigil.db'), VIGIL_RULES_DIR: writeRules({ 'hostile-acts/HOS-104-incident.yaml': CRITICAL_PER_INCIDENT }),
      VIGIL_ROUTING_FILE: routingFile, VIGIL_NOTIFY_INTERVAL_MS: '100',
    }
    svc = await startService(env)
    const res = await fetch(`${svc.url}/reports`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report({ id: 'CRASH-2', mission: 'MINUSMA', occurredAt: new Date().toISOString() })),
    })
    expect(res.status).toBe(201)
    svc.child.kill('SIGKILL')
    await svc.exited
    expect(hook.requests).toHaveLength(0)
    svc = await startService(env)
    expect(await eventually(() => hook.requests.length === 1, 10_000)).toBe(true)
    const body = JSON.parse(hook.requests[0]!.body) as { alerts: { changes: { kind: string }[] }[] }
    expect(body.alerts[0]!.changes.map((c) => c.kind)).toEqual(['raised'])
  })
})
