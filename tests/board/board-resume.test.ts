import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { taxonomy, writeRules } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { BOARD_PER_INCIDENT } from '../helpers/board-rules.js'
import { builtBoard, dbFolder, launchChromium, makeKey, screenshot, signIn, startBoardServer, type BoardServer } from '../helpers/board-harness.js'
import { openStore } from '../../src/storage/store.js'
import { createServices } from '../../src/services.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import { manualClock } from '../../src/clock.js'
import { reportInputSchema } from '../../src/reports/report-schema.js'
import { RuleRegistry } from '../../src/rules/rule-registry.js'

/**
 * The board's feed survives the service going away: it shows it is disconnected, and once the
 * service is back (same database, same port) it resumes from its last change, so every change,
 * including those made while it was away, shows exactly once.
 */

let browser: Browser
let db: ReturnType<typeof dbFolder>
let server: BoardServer | undefined
let boardDir: string
const rulesDir = writeRules({ 'hostile-acts/HOS-103.yaml': BOARD_PER_INCIDENT })

beforeAll(async () => {
  db = dbFolder()
  boardDir = await builtBoard()
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  db?.remove()
})

const body = (n: number) => report({ id: `MINUSCA-RESUME-${n}`, mission: 'MINUSCA', occurredAt: '2026-03-01T08:00:00Z', location: { lat: 4.36, lon: 18.56, precision: 'exact', admin1: 'Bangui', admin2: 'Bangui', route: 'MSR-1' } })

/** A report stored by a second writer while the service is down, as `vigil import` would. */
async function storeWhileDown(file: string, n: number) {
  const store = openStore(file)
  const clock = manualClock('2026-03-01T12:00:00Z')
  const rules = new RuleRegistry(rulesDir, taxonomy, clock)
  rules.reload()
  const services = createServices({ store, taxonomy, missions: DEFAULT_MISSIONS, rules, clock })
  try {
    expect((await services.ingest.create(reportInputSchema.parse(body(n)))).status).toBe(201)
  } finally {
    await services.queue.close()
    store.close()
  }
}

describe('the board across a service restart', { timeout: 180_000 }, () => {
  it('shows it is disconnected, then resumes from its cursor and shows every change exactly once', async () => {
    server = await startBoardServer({ dbFile: db.file, boardDir, rulesDir })
    const port = server.port
    const token = await makeKey(server, 'joc', 'JOC night desk', ['MINUSCA'])
    const analyst = await makeKey(server, 'analyst', 'JMAC analyst', ['MINUSCA'])
    const post = async (s: BoardServer, n: number) => {
      const res = await s.app.inject({ method: 'POST', url: '/reports', headers: { authorization: `Bearer ${analyst}` }, payload: body(n) })
      expect(res.statusCode, res.body).toBe(201)
      return (res.json() as { alerts: { alertId: number }[] }).alerts[0]!.alertId
    }
    const first = await post(server, 1)
    const page = await signIn(browser, server.url, token)
    await page.locator(`li.alert[data-alert-id="${first}"]`).waitFor()
    await page.waitForSelector('[data-testid=connection][data-mode=live]')

    await server.close()
    server = undefined
    await page.waitForSelector('[data-testid=connection][data-mode=reconnecting]', { timeout: 10_000 })
    await screenshot(page, 'board-disconnected')
    await storeWhileDown(db.file, 2)

    server = await startBoardServer({ dbFile: db.file, boardDir, rulesDir, port })
    const third = await post(server, 3)
    const ack = await server.app.inject({ method: 'POST', url: `/alerts/${first}/ack`, headers: { authorization: `Bearer ${token}` }, payload: { note: 'seen after restart' } })
    expect(ack.statusCode).toBe(200)
    await page.waitForSelector('[data-testid=connection][data-mode=live]', { timeout: 20_000 })
    await page.locator(`li.alert[data-alert-id="${third}"]`).waitFor({ timeout: 5000 })

    // Every change the API holds, in order, each shown once.
    const feed = await server.app.inject({ method: 'GET', url: '/alerts?after=0&silenced=include&inhibited=include', headers: { authorization: `Bearer ${token}` } })
    // A mission-scoped key's change numbers are sealed tokens, fresh at each read: changes are
    // compared by what they are (alert, kind, time).
    const expected = (feed.json() as { changes: { kind: string; at: string; alert: { id: number } }[] }).changes.map((c) => `${c.alert.id}:${c.kind}:${c.at}`).sort()
    expect(expected.length).toBe(4)
    await expect.poll(async () => (await page.locator('[data-testid=activity] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-change') ?? ''))).sort(), { timeout: 5000 })
      .toEqual(expected)
    expect(await page.locator(`li.alert[data-alert-id="${first}"]`).getAttribute('data-status')).toBe('acknowledged')
    expect(await page.locator('li.alert').count()).toBe(3)
    await page.context().close()
  })
})
