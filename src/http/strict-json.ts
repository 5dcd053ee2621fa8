import type { FastifyInstance } from 'fastify'
import { errors } from '../errors.js'

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * JSON bodies must be valid UTF-8: the default parser would quietly turn bad bytes into U+FFFD
 * and store a report that differs from what was sent. The text then goes through fastify's own
 * JSON parser, which refuses prototype-poisoning keys.
 */
export function strictUtf8Json(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    // An empty body is no body (curl -X POST with the header and no data): the route's schema
    // says whether it needs one.
    if ((body as Buffer).length === 0) {
      done(null, undefined)
      return
    }
    let text: string
    try {
      text = decoder.decode(body as Buffer)
    } catch {
      done(errors.BAD_JSON('the body is not valid UTF-8'), undefined)
      return
    }
    parse(req, text, done)
  })
}
