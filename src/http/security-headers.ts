import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import helmet from 'helmet'

/** The headers helmet sets by default, bar its Content-Security-Policy (the docs page sets its own). */
export function helmetHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) { headers[name.toLowerCase()] = String(value) },
    // x-powered-by: fastify never sets it, so there is nothing to remove.
    removeHeader() {},
  }
  helmet({ contentSecurityPolicy: false })({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => { if (err) throw err })
  return headers
}

/**
 * helmet's security headers on every response. Without a CSP (whose nonces are its only
 * per-request part) they never depend on the request, so they are recorded once and set with the
 * reply's own headers: @fastify/helmet rebuilt helmet on every request and set each header on the
 * raw response, which cost a caught-up poll more than the poll itself.
 */
export function securityHeaders(app: FastifyInstance): void {
  const headers = helmetHeaders()
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers)
    done()
  })
}
