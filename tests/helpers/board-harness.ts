import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { build } from 'vite'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.js'
import { defaultConfig, type Config } from '../../src/config.js'
import { manualClock } from '../../src/clock.js'
import { openStore, type Store } from '../../src/storage/store.js'
import { RuleRegistry } from '../../src/rules/rule-registry.js'
import { GAZETTEER_DIR, ROOT } from '../../src/paths.js'
import { GazetteerRegistry } from '../../src/gazetteer/gazetteer-registry.js'
import type { Clock } from '../../src/clock.js'
import type { Role } from '../../src/auth/roles.js'
import { taxonomy, tempDir } from './test-app.js'

/** Debian's Chromium: a test tool's own browser download cannot work on a mission network. */
export const CHROMIUM = '/usr/bin/chromium'
export const ARTIFACTS = path.join(ROOT, 'tests', '.artifacts')

/** The board's sources, hashed: a build is reused while they are unchanged. */
function sourcesHash(): string {
  const h = crypto.createHash('sha256')
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else h.update(p).update(fs.readFileSync(p))
    }
  }
  walk(path.join(ROOT, 'src', 'board'))
  h.update(fs.readFileSync(path.join(ROOT, 'package-lock.json')))
  return h.digest('hex').slice(0, 16)
}

/**
 * The board built from the current sources with the project's Vite config, into a cache folder
 * named by their hash (built once per change, shared by the test files; the rename makes a
 * concurrent second build harmless).
 */
export async function builtBoard(): Promise<string> {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'vigil-board-test', sourcesHash())
  if (fs.existsSync(path.join(dir, 'index.html'))) return dir
  const tmp = `${dir}.tmp-${process.pid}`
  await build({ configFile: path.join(ROOT, 'src', 'board', 'vite.config.ts'), logLevel: 'error', build: { outDir: tmp, emptyOutDir: true } })
  fs.mkdirSync(path.dirname(dir), { recursive: true })
  try {
    fs.renameSync(tmp, dir)
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  return dir
}

/** The gazetteers shipped with vigil (MINUSCA), loaded as the service loads them. */
export function shippedGazetteers(clock: Clock): GazetteerRegistry {
  const gazetteers = new GazetteerRegistry(GAZETTEER_DIR, clock)
  const placed = gazetteers.reload('startup')
  if (!placed.ok) throw new Error(`shipped gazetteers failed their check: ${JSON.stringify(placed.problems)}`)
  return gazetteers
}

export interface BoardServer {
  app: FastifyInstance
  url: string
  port: number
  store: Store
  clock: ReturnType<typeof manualClock>
  close(): Promise<void>
}

/**
 * The real app with authentication on, listening on a loopback port (0: a free one), on a SQLite
 * file that outlives it (a restart reopens the same file on the same port).
 */
export async function startBoardServer(opts: { dbFile: string; boardDir: string; rulesDir: string; port?: number; now?: string; config?: Partial<Config> }): Promise<BoardServer> {
  const clock = manualClock(opts.now ?? '2026-03-01T12:00:00Z')
  const config = defaultConfig({ dbPath: opts.dbFile, logLevel: 'silent', auth: 'on', sseHeartbeatMs: 2000, ...opts.config })
  const store = openStore(opts.dbFile)
  const rules = new RuleRegistry(opts.rulesDir, taxonomy, clock)
  const attempt = rules.reload()
  if (!attempt.ok) throw new Error(`board test rules failed their check: ${JSON.stringify(attempt.problems)}`)
  const app = await buildApp({ config, store, taxonomy, rules, clock, gazetteers: shippedGazetteers(clock), logger: pino({ level: 'silent' }), boardDir: opts.boardDir })
  await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  return {
    app, url: `http://127.0.0.1:${port}`, port, store, clock,
    async close() {
      await app.close()
      store.close()
    },
  }
}

/** A new key on the server; returns its token. */
export async function makeKey(s: BoardServer, role: Role, name: string, missions?: string[]): Promise<string> {
  const v = s.app.vigil
  const made = await v.queue.run(() => v.keyAdmin.create({ name, role, ...(missions ? { missions } : {}) }, { keyId: null, name: 'board test' }, s.clock()))
  return made.token
}

/** Debian's Chromium, headless, with a fresh profile and nothing reaching out to the network. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
}

/** Opens the board in a fresh context (its own session storage) and signs in with the token. */
export async function signIn(browser: Browser, url: string, token: string, opts: { locale?: string; hash?: string; search?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: opts.locale ?? 'en-GB', viewport: { width: 1366, height: 768 } })
  const page = await context.newPage()
  await page.goto(`${url}/${opts.search ?? ''}${opts.hash ?? ''}`)
  await page.fill('#api-key', token)
  await page.click('button[type=submit]')
  await page.waitForSelector('header.top')
  return page
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false })
}

/** A temp folder for a test's database, removed by the returned function. */
export function dbFolder(): { file: string; remove(): void } {
  const dir = tempDir('vigil-board-')
  return { file: path.join(dir, 'vigil.db'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

