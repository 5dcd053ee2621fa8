import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { writeRules } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { BOARD_PER_INCIDENT } from '../helpers/board-rules.js'
import { builtBoard, dbFolder, launchChromium, makeKey, screenshot, signIn, startBoardServer, type BoardServer } from '../helpers/board-harness.js'

/** The map draws MINUSCA's gazetteer (the CAR prefectures) with no tile server, and an area filters the board. */

let server: BoardServer
let browser: Browser
let db: ReturnType<typeof dbFolder>
let joc = ''
let alertId = 0

/** The 17 first-level areas of the Central African Republic in the shipped MINUSCA gazetteer. */
const PREFECTURES = ['Bamingui-Bangoran', 'Bangui', 'Basse-Kotto', 'Haut-Mbomou', 'Haute-Kotto', 'Kémo', 'Lobaye', 'Mambéré-Kadéï', 'Mbomou',
  'Nana-Gribizi', 'Nana-Mambéré', "Ombella M'Poko", 'Ouaka', 'Ouham', 'Ouham Pendé', 'Sangha-Mbaéré', 'Vakaga']

beforeAll(async () => {
  db = dbFolder()
  const boardDir = await builtBoard()
  server = await startBoardServer({ dbFile: db.file, boardDir, rulesDir: writeRules({ 'hostile-acts/HOS-103.yaml': BOARD_PER_INCIDENT }) })
  joc = await makeKey(server, 'joc', 'JOC duty desk', ['MINUSCA'])
  const analyst = await makeKey(server, 'analyst', 'JMAC analyst', ['MINUSCA'])
  // Only coordinates: the service places the report in Ouaka by its gazetteer.
  const res = await server.app.inject({
    method: 'POST', url: '/reports', headers: { authorization: `Bearer ${analyst}` },
    payload: report({ id: 'MINUSCA-MAP-1', mission: 'MINUSCA', occurredAt: '2026-03-01T08:00:00Z', location: { lat: 5.76, lon: 20.67, precision: 'exact' } }),
  })
  expect(res.statusCode, res.body).toBe(201)
  alertId = (res.json() as { alerts: { alertId: number }[] }).alerts[0]!.alertId
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  db?.remove()
})

describe('the map', { timeout: 180_000 }, () => {
  it('draws the CAR prefectures as vector layers, shades the one with an alert, and filters the board by a clicked area', async () => {
    const page = await signIn(browser, server.url, joc, { hash: '#/map?mission=MINUSCA' })
    await expect.poll(() => page.locator('[data-testid=map] path.gz-area-l1').count(), { timeout: 10_000 }).toBe(PREFECTURES.length)
    expect(await page.locator('.area-list li.area-l1 button').allTextContents()).toEqual(
      [...PREFECTURES].sort((a, b) => a.localeCompare(b)).map((name) => expect.stringContaining(name)))
    // No tile was asked for: nothing but vector layers.
    expect(await page.locator('[data-testid=map] img.leaflet-tile').count()).toBe(0)
    // The alerts come by the feed after the map is drawn: on a busy machine, later than a second.
    await expect.poll(() => page.locator('[data-testid=map] path.alert-dot').count(), { timeout: 10_000 }).toBe(1)
    await screenshot(page, 'map')

    // Choosing the prefecture in the list beside the map (the keyboard's way) filters the board to it.
    await page.click('.area-list button:has-text("Ouaka")')
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('area=Ouaka')
    await page.locator(`li.alert[data-alert-id="${alertId}"]`).waitFor()
    expect(await page.inputValue('select[name=area]')).toBe('Ouaka')
    await page.context().close()
  })

  it('filters the board by an area clicked on the map itself', async () => {
    const page = await signIn(browser, server.url, joc, { hash: '#/map?mission=MINUSCA' })
    await expect.poll(() => page.locator('[data-testid=map] path.gz-area-l1').count(), { timeout: 10_000 }).toBe(PREFECTURES.length)
    // The shaded prefecture is the one the alert lies in.
    const shaded = page.locator('[data-testid=map] path.gz-area-l1[fill-opacity="0.45"]')
    await expect.poll(() => shaded.count(), { timeout: 10_000 }).toBe(1)
    // The drawing the feed brings has been made (the alert's dot): the click meets the layers
    // the user sees, not ones a redraw is about to replace.
    await expect.poll(() => page.locator('[data-testid=map] path.alert-dot').count(), { timeout: 10_000 }).toBe(1)
    // A click that still lands mid-redraw meets a path being replaced: click again until the
    // board opens, as a user would. What each try met is kept, for a failure to say.
    const tries: string[] = []
    await expect.poll(async () => {
      const found = await shaded.count()
      const clicked = found === 1 && await shaded.dispatchEvent('click', undefined, { timeout: 1_000 }).then(() => true, () => false)
      tries.push(`${found} shaded${clicked ? ', clicked' : ''} -> ${page.url().split('#')[1]}`)
      return page.url()
    }, { timeout: 20_000, message: `clicks on the shaded area: ${tries.join('; ')}` }).toContain('area=Ouaka')
    await page.locator(`li.alert[data-alert-id="${alertId}"]`).waitFor()
    await page.context().close()
  })
})
