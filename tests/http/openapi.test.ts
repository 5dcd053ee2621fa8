import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp, type TestApp } from '../helpers/test-app.js'
import { ANSWERS } from '../../src/http/answer-schemas.js'

/** The OpenAPI document at /docs/json, as a client generator reads it. */

interface Operation {
  operationId?: string
  parameters?: { name: string; in: string; required?: boolean }[]
  requestBody?: unknown
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }>; headers?: Record<string, unknown> }>
  security?: unknown[]
}
interface Doc { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Record<string, unknown>> } }

let t: TestApp
let doc: Doc
beforeAll(async () => {
  t = await testApp()
  doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as Doc
})
afterAll(async () => { await t.close() })

const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, method, op })))
const ERROR_REF = '#/components/schemas/Error'

describe('the OpenAPI document', () => {
  it('lets a generated client call every route: a unique operationId, every path parameter declared, every $ref resolved', () => {
    const ops = operations()
    expect(ops.length).toBeGreaterThan(25)
    const ids = ops.map((o) => o.op.operationId)
    for (const o of ops) expect(o.op.operationId, o.name).toMatch(/^[a-z][A-Za-z]+$/)
    expect(new Set(ids).size).toBe(ids.length)
    for (const o of ops) {
      for (const name of [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) {
        expect(o.op.parameters?.find((p) => p.in === 'path' && p.name === name && p.required), `${o.name}: path parameter ${name}`).toBeDefined()
      }
    }
    for (const ref of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas[ref[1]!], `$ref ${ref[1]}`).toBeDefined()
    }
    expect(Object.keys(doc.components.schemas).filter((n) => /InputInput$/.test(n))).toEqual([])
  })

  it('documents every status each route answers, errors with the one error body schema', () => {
    for (const o of operations()) {
      const statuses = Object.keys(o.op.responses)
      const isPublic = o.path === '/healthz' || o.path === '/readyz'
      expect(statuses.some((s) => s.startsWith('2')), o.name).toBe(true)
      expect(statuses.includes('200') && statuses.includes('201'), `${o.name}: 200 and 201`).toBe(false)
      if (!isPublic) expect(statuses, o.name).toEqual(expect.arrayContaining(['401', '429']))
      if (!isPublic && o.path !== '/whoami') expect(statuses, o.name).toContain('403')
      if (o.op.requestBody) expect(statuses, o.name).toEqual(expect.arrayContaining(['400', '413', '415']))
      if (o.path.includes('{')) expect(statuses, o.name).toEqual(expect.arrayContaining(['400', '404']))
      for (const s of statuses.filter((x) => Number(x) >= 400)) {
        expect(o.op.responses[s]!.content?.['application/json']?.schema.$ref, `${o.name} ${s}`).toBe(ERROR_REF)
        expect(o.op.responses[s]!.description, `${o.name} ${s}`).not.toBe('Default Response')
      }
      for (const s of statuses.filter((x) => x === '201')) expect(o.op.responses[s]!.headers, `${o.name} 201 Location`).toHaveProperty('location')
    }
    const at = (path: string, method: string) => Object.keys(doc.paths[path]![method]!.responses)
    expect(at('/reports', 'post')).toEqual(expect.arrayContaining(['201', '409']))
    expect(at('/silences', 'post')).toContain('201')
    expect(at('/keys', 'post')).toContain('201')
    expect(at('/alerts', 'get')).toEqual(expect.arrayContaining(['304', '409']))
    expect(at('/alerts/stream', 'get')).toContain('409')
    expect(at('/alerts/{id}/ack', 'post')).toContain('409')
    expect(at('/rules/reload', 'post')).toContain('422')
    expect(at('/readyz', 'get')).toContain('503')
    const error = doc.components.schemas.Error as { properties: Record<string, unknown> }
    expect(Object.keys(error.properties)).toEqual(expect.arrayContaining(['statusCode', 'code', 'message', 'problems']))
    expect(doc.paths['/whoami']!.get!.responses['200']!.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/Whoami')
  })

  it('documents what every route answers on success: a JSON schema with its fields, or the content type it sends', () => {
    const lacking: string[] = []
    for (const o of operations()) {
      for (const [status, answer] of Object.entries(o.op.responses).filter(([s]) => s === '200' || s === '201')) {
        const content = answer.content ?? {}
        const types = Object.keys(content)
        const json = content['application/json']?.schema
        const described = json ? Boolean(json.$ref || json.properties || json.anyOf || json.oneOf || json.type === 'array') : types.length > 0
        if (!described) lacking.push(`${o.name} ${status}`)
      }
    }
    expect(lacking).toEqual([])
    // Each entry of the table names a real route: none is left behind when a route is renamed.
    const documented = new Set(operations().map((o) => `${o.method.toUpperCase()} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`))
    expect(Object.keys(ANSWERS).filter((k) => !documented.has(k))).toEqual([])
    expect(doc.paths['/alerts']!.get!.responses['200']!.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/AlertFeed')
    expect(Object.keys(doc.paths['/reports.csv']!.get!.responses['200']!.content!)).toEqual(['text/csv'])
    expect(Object.keys(doc.paths['/alerts/summary']!.get!.responses['200']!.content!)).toEqual(['application/json', 'text/markdown'])
  })

  it('marks /healthz and /readyz public (no security), every other route behind the bearer key', () => {
    expect(doc.paths['/healthz']!.get!.security).toEqual([])
    expect(doc.paths['/readyz']!.get!.security).toEqual([])
    for (const o of operations().filter((x) => x.path !== '/healthz' && x.path !== '/readyz')) expect(o.op.security, o.name).toBeUndefined()
    expect((doc as unknown as { security: unknown }).security).toEqual([{ bearer: [] }])
  })
})
