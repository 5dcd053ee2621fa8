import { z } from 'zod'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { ALSO_AS, ANSWERS, isOtherAnswer } from './answer-schemas.js'

/**
 * The OpenAPI document's answers: every operation lists the statuses it really gives, each with
 * its body schema, from the zod schemas (the error body is one schema, reused by every error).
 * Documentation only: the handlers' answers are not re-validated against these schemas.
 */

/** The body of every error answer (see errorBody in error-handler.ts). */
export const errorBodySchema = z.object({
  statusCode: z.number().int(),
  code: z.string().describe('a stable code, e.g. VIGIL_VALIDATION'),
  message: z.string(),
  problems: z.array(z.object({
    path: z.string().describe('the field path, e.g. location.lat or query.after'),
    message: z.string(),
    detail: z.record(z.string(), z.unknown()).optional(),
  })).optional().describe('every problem of the input at once'),
}).catchall(z.unknown()).meta({ id: 'Error', description: 'An error answer; some carry extra facts (closest, head, revision...)' })

const DESCRIPTIONS: Record<number, string> = {
  200: 'OK',
  201: 'Created; the Location header names it',
  304: 'Nothing changed since the ETag sent in If-None-Match',
  400: 'Invalid input: every problem with its field path',
  401: 'No valid access key (Authorization: Bearer <token>)',
  403: "The key's role or missions do not allow this",
  404: 'Not found, or not visible to this key',
  409: 'Conflict with the current state',
  413: 'The body (or batch) is too large',
  415: 'The content type is not supported',
  422: 'The rules fail their check; the live set stays',
  429: "This key's rate limit; see Retry-After",
  503: 'Not ready',
}

/** Statuses beyond those every route of its kind gives, by `METHOD /url`. */
const SPECIFIC: Record<string, number[]> = {
  'POST /reports': [201, 409],
  'POST /partner/reports': [201, 409],
  'PUT /reports/:id': [409],
  'GET /alerts': [304, 409],
  'GET /alerts/stream': [409],
  'POST /alerts/:id/ack': [409],
  'POST /alerts/:id/resolve': [409],
  'POST /silences': [201],
  'POST /rules/drafts': [201],
  'POST /alerts/:id/actions': [201],
  'POST /keys': [201],
  'DELETE /keys/:id': [409],
  'POST /rules/reload': [422],
  'GET /readyz': [503],
}

type RouteSchema = { body?: unknown; querystring?: unknown; params?: unknown; response?: Record<string, unknown>; [k: string]: unknown }

/** The statuses a route answers with. */
export function statusesOf(method: string, url: string, schema: RouteSchema, permission: string | undefined): number[] {
  const isPublic = permission === 'public'
  const specific = SPECIFIC[`${method} ${url}`] ?? []
  const out = new Set<number>(specific.includes(201) ? [] : [200])
  for (const s of specific) out.add(s)
  if (schema.body || schema.querystring || schema.params || url.includes(':')) out.add(400)
  if (url.includes(':')) out.add(404)
  if (schema.body) {
    out.add(413)
    out.add(415)
  }
  if (!isPublic) {
    out.add(401)
    out.add(429)
  }
  // A permission or a mission the key lacks; a route for any valid key has no 403.
  if (!isPublic && permission !== 'authenticated') out.add(403)
  return [...out].sort((a, b) => a - b)
}

/** `postAlertsByIdAck` for POST /alerts/:id/ack: stable, unique, what a generated client calls. */
export function operationIdOf(method: string, url: string): string {
  const words = url.split('/').filter(Boolean).map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
  // A file-like route (/reports.geojson, /cap/alerts/:id.xml) names its format as a word too.
  const camel = words.join('-').replace(/[^A-Za-z0-9]+/g, '-').replace(/-([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())
  return `${method.toLowerCase()}${camel.charAt(0).toUpperCase()}${camel.slice(1)}`
}

/** Path parameters a route's URL names but its schema does not declare, as strings. */
function pathParams(url: string) {
  const names = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!)
  return names.length === 0 ? undefined : z.object(Object.fromEntries(names.map((n) => [n, z.string()])))
}

type TransformInput = Parameters<typeof jsonSchemaTransform>[0]

/** @fastify/swagger's transform: each route's statuses, operationId, path parameters, security. */
export function openApiTransform(input: TransformInput) {
  const { url, route } = input
  const schema = (input.schema ?? {}) as RouteSchema
  const method = Array.isArray(route.method) ? route.method[0]! : route.method
  const permission = (route.config as { permission?: string } | undefined)?.permission
  const isPublic = permission === 'public'
  const statuses = statusesOf(method, url, schema, permission)
  const key = `${method} ${url}`
  const answer = ANSWERS[key]
  const response: Record<string, unknown> = {}
  for (const s of statuses) {
    const success = s === 200 || s === 201
    response[s] = schema.response?.[s] ?? (s >= 400 ? errorBodySchema : success && answer && !isOtherAnswer(answer) ? answer : undefined)
  }
  const withResponses = Object.fromEntries(Object.entries(response).filter(([, v]) => v !== undefined))
  const params = schema.params ?? pathParams(url)
  const out = jsonSchemaTransform({
    ...input,
    schema: { ...schema, ...(params ? { params } : {}), response: withResponses } as TransformInput['schema'],
  })
  const documented = (out.schema.response ?? {}) as Record<string, Record<string, unknown>>
  const answers: Record<string, Record<string, unknown>> = {}
  for (const s of statuses) {
    const body = documented[s]
    const success = s === 200 || s === 201
    const headers = s === 201 ? { headers: { location: { type: 'string', description: 'the URL of what was created' } } } : {}
    const description = DESCRIPTIONS[s] ?? 'Answer'
    if (success && answer && isOtherAnswer(answer)) {
      answers[s] = { description: `${description}: ${answer.description}`, ...headers, content: { [answer.contentType]: { schema: { type: 'string' } } } }
    } else if (success && body && ALSO_AS[key]) {
      const other = ALSO_AS[key]!
      answers[s] = { description: `${description}; ${other.description}`, ...headers, content: { 'application/json': { schema: body }, [other.contentType]: { schema: { type: 'string' } } } }
    } else {
      answers[s] = { ...(body ?? (s === 304 ? { type: 'null' } : { type: 'object' })), description, ...headers }
    }
  }
  return {
    ...out,
    schema: {
      ...out.schema,
      operationId: operationIdOf(method, url),
      response: answers,
      ...(isPublic ? { security: [] } : {}),
    },
  }
}

type TransformObjectInput = Parameters<typeof jsonSchemaTransformObject>[0]

/**
 * The document's components, without the schemas no operation uses: the zod provider writes an
 * input and an output variant of every named schema, and half of them are never referenced.
 */
export function openApiTransformObject(input: TransformObjectInput): ReturnType<typeof jsonSchemaTransformObject> {
  const full = jsonSchemaTransformObject(input)
  const doc = full as { components?: { schemas?: Record<string, unknown> } }
  const schemas = doc.components?.schemas
  if (!schemas) return full
  const { components, ...rest } = doc
  const used = new Set<string>()
  const visit = (value: unknown) => {
    for (const m of JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (used.has(m[1]!)) continue
      used.add(m[1]!)
      visit(schemas[m[1]!])
    }
  }
  visit(rest)
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)))
  return { ...full, components: { ...components, schemas: kept } } as ReturnType<typeof jsonSchemaTransformObject>
}
