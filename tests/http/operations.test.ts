import { afterEach, describe, expect, it } from 'vitest'
import { testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { STANDARD_RULES_DIR } from '../../src/paths.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

describe('operations', () => {
  it('GET /healthz is alive; GET /readyz is ready with the database migrated and rules loaded', async () => {
    t = await testApp({ rulesDir: STANDARD_RULES_DIR })
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json().checks).toEqual({ database: 'ok', rules: 'ok', inputs: 'ok' })
  })

  it('GET /readyz is 503 while no rules are loaded', async () => {
    t = await testApp({ rulesDir: writeRules({}) })
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json().checks.rules).toBe('no rules loaded')
  })

  it('serves an OpenAPI 3 document generated from the zod schemas', async () => {
    t = await testApp()
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json()
    expect(doc.openapi).toMatch(/^3\./)
    const ref: string = doc.paths['/reports'].post.requestBody.content['application/json'].schema.$ref
    const schema = doc.components.schemas[ref.split('/').pop()!]
    expect(schema.properties.location.properties.lat).toMatchObject({ type: 'number', minimum: -90, maximum: 90 })
    expect((await t.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400)
  })

  it('sends the security headers on every answer, errors included', async () => {
    t = await testApp()
    for (const url of ['/alerts', '/healthz', '/nope']) {
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.headers, url).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'x-dns-prefetch-control': 'off',
        'x-permitted-cross-domain-policies': 'none',
      })
      expect(res.headers['x-powered-by'], url).toBeUndefined()
    }
  })

  it('answers an unknown route with a coded 404', async () => {
    t = await testApp()
    const res = await t.app.inject({ method: 'GET', url: '/nope' })
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('VIGIL_NOT_FOUND')
  })
})
