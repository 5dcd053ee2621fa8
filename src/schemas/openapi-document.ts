import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { buildApp } from '../app.js'
import { defaultConfig } from '../config.js'
import { manualClock } from '../clock.js'
import { openStore } from '../storage/store.js'
import { loadTaxonomy } from '../taxonomy/taxonomy.js'
import { RuleRegistry } from '../rules/rule-registry.js'
import { GazetteerRegistry } from '../gazetteer/gazetteer-registry.js'
import { ALIASES_DIR, GAZETTEER_DIR, STANDARD_RULES_DIR, TAXONOMY_FILE } from '../paths.js'

/**
 * The OpenAPI document exactly as the service serves it at /docs/json, as the text of
 * schemas/openapi.json: a client generator (or a reviewer of a change) reads it without starting
 * the service. Built by an app on a throwaway database; nothing in it depends on the data.
 */
export async function openApiDocument(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-openapi-'))
  const clock = manualClock('2026-01-01T00:00:00Z')
  const dbPath = path.join(dir, 'vigil.db')
  const store = openStore(dbPath)
  try {
    const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)
    const rules = new RuleRegistry(STANDARD_RULES_DIR, taxonomy, clock)
    rules.reload()
    const gazetteers = new GazetteerRegistry(GAZETTEER_DIR, clock)
    gazetteers.reload('startup')
    const config = defaultConfig({ dbPath, logLevel: 'silent', routingFile: path.join(dir, 'none.yaml') })
    const app = await buildApp({ config, store, taxonomy, rules, gazetteers, clock, logger: pino({ level: 'silent' }) })
    try {
      await app.ready()
      const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as unknown
      return `${JSON.stringify(doc, null, 2)}\n`
    } finally {
      await app.close()
    }
  } finally {
    store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
