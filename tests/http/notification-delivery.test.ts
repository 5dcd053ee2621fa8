import { createHmac } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { rule } from '../helpers/test-rules.js'
import { eventually, freePort, httpReceiver, smtpReceiver } from '../helpers/receivers.js'

/** Each HOS report its own tactical critical alert, ending 7 days after it. */
const CRITICAL_PER_INCIDENT = rule('HOS-104', `taxonomy: [HOS]
scope: { groupBy: [report] }
window: 1d
expires: 7d
alerts:
  - level: tactical
    grade: critical
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)

const SECRET = 'joc-minusma-shared-secret-0123456789'

type Closer = () => Promise<void>
let closers: Closer[] = []
afterEach(async () => {
  for (const c of closers.reverse()) await c()
  closers = []
})

async function start(routing: string, config: Record<string, unknown> = {}, auth = false): Promise<TestApp> {
  const t = await testApp({
    rulesDir: writeRules({ 'hostile-acts/HOS-104-incident.yaml': CRITICAL_PER_INCIDENT }), now: '2026-03-18T12:00:00Z', routing, auth,
    // The timer stays out of the way unless a test wants it: rounds are run by hand on the fixed clock.
    config: { notifyIntervalMs: 3_600_000, notifyRetryBaseMs: 1_000, ...config },
  })
  closers.push(() => t.close())
  return t
}

let reportSeq = 0
async function post(t: TestApp, mission = 'MINUSMA', headers: Record<string, string> = {}): Promise<number> {
  reportSeq++
  const res = await t.app.inject({ method: 'POST', url: '/reports', headers, payload: report({ id: `R-${reportSeq}`, mission, occurredAt: '2026-03-18T08:00:00Z' }) })
  expect(res.statusCode, res.body).toBe(201)
  return res.json().alerts[0].alertId as number
}

const log = async (t: TestApp, query = '') => (await t.app.inject({ method: 'GET', url: `/notifications${query}` })).json().notifications as {
  id: number; idempotencyKey: string; receiver: string; status: string; attempts: number; reason: string; alertIds: number[]
  nextAttemptAt: string | null; attemptLog: { ok: boolean; detail: string }[]
  payload: { alerts: { id: number; status: string; changes: { kind: string }[] }[]; reason: string; status: string }
}[]

function webhookRouting(url: string, extra = '') {
  return `receivers:
  - name: joc
    webhook: { url: "${url}", secret: "${SECRET}", timeout: 2s }
${extra}route:
  receiver: joc
  groupWait: 0s
`
}

describe('delivery to real receivers', () => {
  it('a critical alert reaches a webhook and a French mailbox within 2 s, signed and keyed', async () => {
    const hook = await httpReceiver()
    const smtp = await smtpReceiver()
    closers.push(hook.close, smtp.close)
    const t = await start(`receivers:
  - name: joc-hook
    webhook: { url: "${hook.url('/vigil')}", secret: "${SECRET}" }
  - name: joc-mail
    email: { to: [joc@minusma.example], from: vigil@minusma.example, smarthost: "${smtp.smarthost}", language: fr, requireTls: false }
route:
  receiver: joc-hook
  groupWait: 0s
  routes:
    - { matchers: { grade: critical }, receiver: joc-hook, continue: true }
    - { matchers: { grade: critical }, receiver: joc-mail }
`, { notifyIntervalMs: 100 })
    const started = Date.now()
    const alertId = await post(t)
    expect(await eventually(() => hook.requests.length === 1 && smtp.mails.length === 1, 2_000)).toBe(true)
    expect(hook.requests[0]!.at - started).toBeLessThan(2_000)
    expect(smtp.mails[0]!.receivedAt - started).toBeLessThan(2_000)

    const req = hook.requests[0]!
    expect(req.path).toBe('/vigil')
    expect(req.headers['x-vigil-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(req.body).digest('hex')}`)
    const body = JSON.parse(req.body)
    expect(req.headers['idempotency-key']).toBe(body.idempotencyKey)
    expect(body).toMatchObject({ version: 1, receiver: 'joc-hook', mission: 'MINUSMA', reason: 'changes', status: 'firing' })
    expect(body.alerts).toEqual([expect.objectContaining({ id: alertId, grade: 'critical', level: 'tactical', changes: [expect.objectContaining({ kind: 'raised' })] })])

    const mail = smtp.mails[0]!
    expect(mail.envelopeTo).toEqual(['joc@minusma.example'])
    expect(mail.subject).toBe('[vigil] MINUSMA : 1 alerte — CRITIQUE tactique')
    expect(mail.text).toContain('nouvelle · critique tactique')
    expect(mail.html).toContain('<li>nouvelle · critique tactique')
    // The round that sent them records its attempts before it ends.
    await t.app.notifier.idle()
    const sent = await log(t)
    const mailed = sent.find((m) => m.receiver === 'joc-mail')!
    expect(mail.messageId).toBe(`<${mailed.idempotencyKey}@vigil>`)
    expect(mail.headers.get('x-vigil-idempotency-key')).toBe(mailed.idempotencyKey)
    expect(sent.find((m) => m.receiver === 'joc-hook')!.idempotencyKey).toBe(body.idempotencyKey)
    expect(sent.map((m) => m.status)).toEqual(['sent', 'sent'])
  })

  it('an English mailbox gets English text', async () => {
    const smtp = await smtpReceiver()
    closers.push(smtp.close)
    const t = await start(`receivers:
  - name: hq-mail
    email: { to: hq@un.example, from: vigil@un.example, smarthost: "${smtp.smarthost}", requireTls: false }
route: { receiver: hq-mail, groupWait: 0s }
`)
    await post(t)
    await t.app.notifier.tick()
    expect(smtp.mails.map((m) => m.subject)).toEqual(['[vigil] MINUSMA: 1 alert — CRITICAL tactical'])
    expect(smtp.mails[0]!.text).toContain('raised · critical tactical')
  })

  it('Teams and Slack receivers get their incoming-webhook formats', async () => {
    const chat = await httpReceiver()
    closers.push(chat.close)
    const t = await start(`receivers:
  - name: hq-teams
    teams: { url: "${chat.url('/teams')}" }
  - name: hq-slack
    slack: { url: "${chat.url('/slack')}", channel: "#joc" }
route:
  receiver: hq-teams
  groupWait: 0s
  routes:
    - { receiver: hq-teams, continue: true }
    - { receiver: hq-slack }
`)
    await post(t)
    await t.app.notifier.tick()
    const teams = JSON.parse(chat.requests.find((r) => r.path === '/teams')!.body)
    expect(teams.type).toBe('message')
    expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(teams.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' })
    expect(teams.attachments[0].content.body[0].text).toBe('[vigil] MINUSMA: 1 alert — CRITICAL tactical')
    const slack = JSON.parse(chat.requests.find((r) => r.path === '/slack')!.body)
    expect(slack).toMatchObject({ channel: '#joc', text: '[vigil] MINUSMA: 1 alert — CRITICAL tactical' })
    expect(slack.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'context'])
    for (const r of chat.requests) expect(r.headers['idempotency-key']).toMatch(/^vigil-/)
  })
})

describe('retries', () => {
  it('a receiver down at first gets the message when it comes back, with exponential backoff and one idempotency key', async () => {
    const port = await freePort()
    const t = await start(webhookRouting(`http://127.0.0.1:${port}/hook`))
    await post(t)
    await t.app.notifier.tick()
    let [m] = await log(t)
    expect(m).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: '2026-03-18T12:00:01.000Z' })
    expect(m!.attemptLog[0]!.ok).toBe(false)
    expect(m!.attemptLog[0]!.detail).toContain('ECONNREFUSED')
    // Not due yet: nothing is tried.
    await t.app.notifier.tick()
    expect((await log(t))[0]!.attempts).toBe(1)
    t.clock.advance(1_000)
    await t.app.notifier.tick()
    expect((await log(t))[0]).toMatchObject({ attempts: 2, nextAttemptAt: '2026-03-18T12:00:03.000Z' })

    const hook = await httpReceiver(port)
    closers.push(hook.close)
    t.clock.advance(2_000)
    await t.app.notifier.tick()
    ;[m] = await log(t)
    expect(m).toMatchObject({ status: 'sent', attempts: 3 })
    expect(hook.requests).toHaveLength(1)
    expect(hook.requests[0]!.headers['idempotency-key']).toBe(m!.idempotencyKey)
    t.clock.advance(3_600_000)
    await t.app.notifier.tick()
    expect(hook.requests).toHaveLength(1)
  })

  it('a receiver answering 5xx is retried; after the last attempt the message is failed and counted', async () => {
    const hook = await httpReceiver()
    closers.push(hook.close)
    hook.answer(503)
    const t = await start(webhookRouting(hook.url('/hook')), { notifyMaxAttempts: 2 })
    await post(t)
    await t.app.notifier.tick()
    t.clock.advance(1_000)
    await t.app.notifier.tick()
    const [m] = await log(t)
    expect(m).toMatchObject({ status: 'failed', attempts: 2 })
    expect(m!.attemptLog.map((a) => a.detail)).toEqual(['HTTP 503: down for maintenance', 'HTTP 503: down for maintenance'])
    // Every attempt carried the same key.
    expect(new Set(hook.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([m!.idempotencyKey]))
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toContain('vigil_notifications_failed_total{receiver="joc"} 1')
    expect(metrics).toContain('vigil_notification_attempts_total{receiver="joc",outcome="error"} 2')
    expect(metrics).toContain('vigil_notification_messages{receiver="joc",status="failed"} 1')
    expect((await log(t, '?status=failed')).map((x) => x.id)).toEqual([m!.id])
    expect(await log(t, '?status=sent')).toEqual([])
  })
})

describe('grouping (fixed clock)', () => {
  const grouped = (url: string) => `receivers:
  - name: joc
    webhook: { url: "${url}", secret: "${SECRET}" }
route:
  receiver: joc
  groupWait: 30s
  groupInterval: 5m
  repeatInterval: 1h
`

  it('groups alerts within groupWait into one message, holds later ones for groupInterval, repeats after repeatInterval', async () => {
    const hook = await httpReceiver()
    closers.push(hook.close)
    const t = await start(grouped(hook.url('/hook')))
    const bodies = () => hook.requests.map((r) => JSON.parse(r.body) as { reason: string; alerts: { id: number; status: string; changes: { kind: string }[] }[] })
    const a1 = await post(t)
    await t.app.notifier.tick()
    t.clock.advance(10_000)
    const a2 = await post(t)
    await t.app.notifier.tick()
    expect(hook.requests).toHaveLength(0)
    t.clock.advance(20_000)
    await t.app.notifier.tick()
    expect(bodies().map((b) => b.alerts.map((a) => a.id).sort())).toEqual([[a1, a2].sort()])

    // A new alert one minute later waits for the group interval (5 min after the last message).
    t.clock.advance(60_000)
    const a3 = await post(t)
    await t.app.notifier.tick()
    t.clock.advance(3 * 60_000)
    await t.app.notifier.tick()
    expect(hook.requests).toHaveLength(1)
    t.clock.advance(60_000)
    await t.app.notifier.tick()
    expect(bodies()[1]!.alerts.map((a) => a.id)).toEqual([a3])

    // Nothing changes for an hour: a reminder of every active alert of the group.
    t.clock.advance(59 * 60_000)
    await t.app.notifier.tick()
    expect(hook.requests).toHaveLength(2)
    t.clock.advance(60_000)
    await t.app.notifier.tick()
    expect(bodies()[2]!.reason).toBe('repeat')
    expect(bodies()[2]!.alerts.map((a) => a.id).sort()).toEqual([a1, a2, a3].sort())

    // A resolved alert is told once, then left out of the reminders.
    expect((await t.app.inject({ method: 'POST', url: `/alerts/${a1}/resolve`, payload: { note: 'patrol confirmed' } })).statusCode).toBe(200)
    t.clock.advance(5 * 60_000)
    await t.app.notifier.tick()
    expect(bodies()[3]!.alerts).toEqual([expect.objectContaining({ id: a1, status: 'resolved', changes: [expect.objectContaining({ kind: 'resolved' })] })])
    t.clock.advance(60 * 60_000)
    await t.app.notifier.tick()
    expect(bodies()[4]!.reason).toBe('repeat')
    expect(bodies()[4]!.alerts.map((a) => a.id).sort()).toEqual([a2, a3].sort())
    expect(new Set(hook.requests.map((r) => r.headers['idempotency-key'])).size).toBe(5)
    expect((await log(t, `?alert=${a1}`)).map((m) => m.reason)).toEqual(['changes', 'repeat', 'changes'])
  })

  it('drops an alert silenced while its group waited: silences apply before anything is sent', async () => {
    const hook = await httpReceiver()
    closers.push(hook.close)
    const t = await start(grouped(hook.url('/hook')))
    await post(t)
    const silence = await t.app.inject({ method: 'POST', url: '/silences', payload: { matchers: { mission: 'MINUSMA' }, endsAt: '2026-03-19T00:00:00Z', reason: 'exercise' } })
    expect(silence.statusCode).toBe(201)
    t.clock.advance(30_000)
    await t.app.notifier.tick()
    expect(hook.requests).toHaveLength(0)
    expect(await log(t)).toEqual([])
  })
})

describe('overdue escalation up the chain', () => {
  it('an alert not acknowledged in time goes to the route\'s escalateTo receiver as well, once, in its own message; an acknowledged one never does', async () => {
    const hook = await httpReceiver()
    closers.push(hook.close)
    const t = await start(`receivers:
  - name: joc
    webhook: { url: "${hook.url('/joc')}", secret: "${SECRET}" }
  - name: force-hq
    webhook: { url: "${hook.url('/force-hq')}", secret: "${SECRET}" }
route:
  receiver: joc
  groupWait: 0s
  escalateTo: force-hq
`)
    const bodies = (path: string) => hook.requests.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as { receiver: string; alerts: { id: number; changes: { kind: string }[] }[] })
    const late = await post(t)
    const seen = await post(t)
    await t.app.notifier.tick()
    expect(bodies('/joc').flatMap((b) => b.alerts.map((a) => a.id)).sort()).toEqual([late, seen].sort())
    expect(bodies('/force-hq')).toEqual([])
    expect((await t.app.inject({ method: 'POST', url: `/alerts/${seen}/ack` })).statusCode).toBe(200)
    await t.app.notifier.tick()

    // Tactical critical: 15 minutes to acknowledge (the default). At 16 minutes the timer flags it.
    t.clock.advance(16 * 60_000)
    const flagged = await t.app.vigil.markOverdue()
    expect(flagged.map((c) => [c.alertId, c.kind])).toEqual([[late, 'overdue']])
    await t.app.notifier.tick()
    const up = bodies('/force-hq')
    expect(up).toHaveLength(1)
    expect(up[0]!.receiver).toBe('force-hq')
    expect(up[0]!.alerts).toEqual([expect.objectContaining({ id: late, changes: [expect.objectContaining({ kind: 'overdue' })] })])
    // The desk that owns it hears of it too, as before.
    expect(bodies('/joc').at(-1)!.alerts.find((a) => a.id === late)!.changes).toEqual([expect.objectContaining({ kind: 'overdue' })])
    // Flagged once: a later round adds nothing up the chain.
    t.clock.advance(60_000)
    await t.app.vigil.markOverdue()
    await t.app.notifier.tick()
    expect(bodies('/force-hq').flatMap((b) => b.alerts.flatMap((a) => a.changes.map((c) => c.kind)))).toEqual(['overdue'])
  })
})

describe('GET /notifications', () => {
  it('filters by receiver and alert, and a JOC key sees only its missions\' messages', async () => {
    const hook = await httpReceiver()
    closers.push(hook.close)
    const t = await start(`receivers:
  - name: joc-minusma
    webhook: { url: "${hook.url('/a')}", secret: "${SECRET}" }
  - name: joc-minusca
    webhook: { url: "${hook.url('/b')}", secret: "${SECRET}" }
route:
  receiver: joc-minusma
  groupWait: 0s
  routes:
    - { matchers: { mission: MINUSCA }, receiver: joc-minusca }
`, {}, true)
    const v = t.app.vigil
    const make = (role: 'analyst' | 'joc' | 'hq', missions?: string[]) => v.queue.run(() => v.keyAdmin.create({ name: role, role, ...(missions ? { missions } : {}) }, { keyId: null, name: 'setup' }, t.clock()))
    const analyst = (await make('analyst', ['MINUSMA', 'MINUSCA'])).token
    const joc = (await make('joc', ['MINUSMA'])).token
    const hq = (await make('hq')).token
    const a = await post(t, 'MINUSMA', { authorization: `Bearer ${analyst}` })
    const b = await post(t, 'MINUSCA', { authorization: `Bearer ${analyst}` })
    await t.app.notifier.tick()
    const get = async (token: string, q = '') => (await t.app.inject({ method: 'GET', url: `/notifications${q}`, headers: { authorization: `Bearer ${token}` } })).json().notifications as { receiver: string; alertIds: number[] }[]
    expect((await get(hq)).map((m) => m.receiver).sort()).toEqual(['joc-minusca', 'joc-minusma'])
    expect((await get(hq, '?receiver=joc-minusca')).map((m) => m.alertIds)).toEqual([[b]])
    expect((await get(hq, `?alert=${a}`)).map((m) => m.receiver)).toEqual(['joc-minusma'])
    expect((await get(joc)).map((m) => m.receiver)).toEqual(['joc-minusma'])
    expect(await get(joc, `?alert=${b}`)).toEqual([])
  })
})
