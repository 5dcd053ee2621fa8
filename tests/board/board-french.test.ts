import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { writeRules } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { BOARD_PER_INCIDENT } from '../helpers/board-rules.js'
import { builtBoard, dbFolder, launchChromium, makeKey, screenshot, signIn, startBoardServer, type BoardServer } from '../helpers/board-harness.js'
import { en } from '../../src/board/i18n/en.js'
import { fr } from '../../src/board/i18n/fr.js'

/**
 * The French page leaves no English label: every visible text node and every label attribute
 * outside data (marked translate="no": names, codes, numbers, dates, the service's own words) is
 * a message of the French catalogue.
 */

let server: BoardServer
let browser: Browser
let db: ReturnType<typeof dbFolder>
const tokens = { joc: '', hq: '', analyst: '' }
let alertId = 0

beforeAll(async () => {
  db = dbFolder()
  const boardDir = await builtBoard()
  server = await startBoardServer({ dbFile: db.file, boardDir, rulesDir: writeRules({ 'hostile-acts/HOS-103.yaml': BOARD_PER_INCIDENT }) })
  tokens.joc = await makeKey(server, 'joc', 'Bureau JOC Bangui', ['MINUSCA'])
  tokens.hq = await makeKey(server, 'hq', 'Centre de situation')
  tokens.analyst = await makeKey(server, 'analyst', 'Analyste JMAC', ['MINUSCA'])
  const res = await server.app.inject({
    method: 'POST', url: '/reports', headers: { authorization: `Bearer ${tokens.analyst}` },
    payload: report({ id: 'MINUSCA-FR-1', mission: 'MINUSCA', occurredAt: '2026-03-01T08:00:00Z', location: { lat: 4.36, lon: 18.56, precision: 'exact', admin1: 'Bangui', admin2: 'Bangui', route: 'MSR-1' } }),
  })
  alertId = (res.json() as { alerts: { alertId: number }[] }).alerts[0]!.alertId
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  db?.remove()
})

/** The page's visible label texts and label attributes outside translate="no". */
const LABELS_SCRIPT = `(() => {
  const out = []
  const isData = (el) => el.closest('[translate="no"]') !== null
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement
    const text = n.textContent.trim()
    if (!el || !text || isData(el) || el.closest('script,style')) continue
    if (el.tagName !== 'OPTION' && el.getClientRects().length === 0) continue
    out.push(text)
  }
  for (const el of document.body.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
    if (isData(el)) continue
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) { const v = el.getAttribute(a); if (v && v.trim()) out.push(v.trim()) }
  }
  out.push(document.title)
  return out
})()`

const FRENCH = Object.values(fr).sort((a, b) => b.length - a.length)
/** Symbols, numbers and punctuation carry no language. */
const NEUTRAL = /^[\s\d.,:;·()[\]–—\-…›→↗↘+−%#/]*$/

/** Identifiers put into a label (an indicator id such as HOS-103) carry no language either. */
const CODES = /\b[A-Z]{2,}[A-Z0-9.-]*\b/g

/**
 * Whether a label is made only of French messages (longest first), with numbers, codes and
 * punctuation between them: "Tués : Civils", "Ouvrir l’alerte HOS-103".
 */
function isFrench(text: string): boolean {
  let rest = text
  for (const m of FRENCH) rest = rest.split(m).join(' ')
  return NEUTRAL.test(rest.replace(CODES, ' '))
}

async function notFrench(page: Page): Promise<{ all: string[]; bad: string[] }> {
  const all = await page.evaluate(LABELS_SCRIPT) as string[]
  return { all, bad: all.filter((text) => !isFrench(text)) }
}

async function expectAllFrench(page: Page, view: string) {
  const { all, bad } = await notFrench(page)
  expect(all.length, `${view}: labels found`).toBeGreaterThan(5)
  expect(bad, `${view}: labels not in the French catalogue`).toEqual([])
}

describe('the board in French', { timeout: 180_000 }, () => {
  it('tells French labels from English ones', () => {
    expect(isFrench('Tués: Civils')).toBe(true)
    expect(isFrench('Ouvrir l’alerte HOS-103')).toBe(true)
    expect(isFrench('Killed: Civilians')).toBe(false)
    expect(isFrench('Open the alert HOS-103')).toBe(false)
    expect(isFrench('Sign out')).toBe(false)
  })

  it('has a French message for every English one', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort())
    for (const k of Object.keys(en) as (keyof typeof en)[]) expect(fr[k]?.length, k).toBeGreaterThan(0)
  })

  it('leaves no English label on the sign-in page, the board, an alert, the map and the HQ view', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' })
    const signin = await context.newPage()
    await signin.goto(server.url)
    await signin.waitForSelector('#api-key')
    expect(await signin.getAttribute('html', 'lang')).toBe('fr')
    await expectAllFrench(signin, 'sign-in')
    await context.close()

    const page = await signIn(browser, server.url, tokens.joc, { locale: 'fr-FR' })
    await page.waitForSelector(`li.alert[data-alert-id="${alertId}"]`)
    await page.waitForSelector('[data-testid=connection][data-mode=live]')
    // The rule's French sentence, not the service's English one (the gazetteer placed the report at the Bangui site).
    expect(await page.locator(`li.alert[data-alert-id="${alertId}"] .sentence`).textContent()).toBe('1 acte hostile sur l’axe MSR-1 au site Bangui à Bangui en 1 jour')
    await expectAllFrench(page, 'board')
    await screenshot(page, 'board-fr')

    await page.goto(`${server.url}/#/alert/${alertId}`)
    await page.waitForSelector('table.history tr[data-kind=raised]')
    await page.click('button:has-text("Mettre en sourdine")')
    await page.waitForSelector('form.silence')
    await expectAllFrench(page, 'alert detail')

    await page.goto(`${server.url}/#/map`)
    await page.waitForSelector('[data-testid=map] .leaflet-control-zoom')
    await expectAllFrench(page, 'map')
    await page.context().close()

    const hq = await signIn(browser, server.url, tokens.hq, { locale: 'fr-FR', hash: '#/hq' })
    await hq.waitForSelector('table.rules tr[data-rule=HOS-103]')
    expect(await hq.locator('table.rules tr[data-rule=HOS-103] strong').textContent()).toBe('Acte hostile isolé')
    await expectAllFrench(hq, 'HQ')
    await hq.context().close()
  })

  it('leaves no English label on the report form, its problems shown beside their fields in the service\'s words', async () => {
    const page = await signIn(browser, server.url, tokens.analyst, { locale: 'fr-FR', hash: '#/report' })
    await page.waitForSelector('form.report-form select[name=category] option')
    await page.click('button[type=submit]')
    await page.waitForSelector('[aria-invalid=true]')
    // Each problem beside its field: the category and the coordinates were missing.
    expect(await page.locator('#problems-category li').count()).toBeGreaterThan(0)
    expect(await page.locator('#problems-location\\.lat li').count()).toBeGreaterThan(0)
    await expectAllFrench(page, 'report form')
    await screenshot(page, 'report-form-fr')

    await page.fill('input[name=search]', 'eei')
    await page.selectOption('select[name=category]', 'HOS.IED')
    await page.fill('input[name=lat]', '4.36')
    await page.fill('input[name=lon]', '18.56')
    // The service's clock is fixed in March 2026: the report happened before it.
    await page.fill('input[name=occurredAt]', '2026-03-01T08:00')
    await page.click('button[type=submit]')
    await page.waitForSelector('.report-form [role=status]')
    expect(await page.textContent('.report-form [role=status]')).toBe(`${fr['report.stored']} 1`)
    await page.context().close()
  })
})
