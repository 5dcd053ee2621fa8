import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { errors, VigilError } from '../errors.js'
import { drainRefusedBody } from './refused-body.js'

/** The most of a refused body read and discarded so its client can read the 413. */
const drainCap = (bodyLimit: number) => Math.max(4 * bodyLimit, 8 * 1024 * 1024)

/** The body of every error answer: fastify's shape plus the problems and any extra facts. */
export function errorBody(err: VigilError) {
  return {
    statusCode: err.statusCode,
    code: err.code,
    error: err.statusCode >= 500 ? 'Internal Server Error' : undefined,
    message: err.message,
    ...(err.problems.length > 0 ? { problems: err.problems } : {}),
    ...err.extra,
  }
}

/** Turns fastify's own client errors (bad JSON, body too large, bad media type) into coded ones. */
function fromFastify(err: FastifyError, req: FastifyRequest, bodyLimit: number): VigilError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return errors.BODY_TOO_LARGE(bodyLimit)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return errors.UNSUPPORTED_MEDIA_TYPE(req.headers['content-type'] ?? '')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return errors.BAD_JSON('the body is empty')
    default: break
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return errors.BAD_JSON(err.message)
  if (err.statusCode === 429) return errors.RATE_LIMITED(err.message)
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return errors.BAD_REQUEST(err.statusCode, err.message)
  return null
}

/** The vigil error an error is answered with: a refusal is audited under the code its client sees. */
export function toVigilError(err: FastifyError, req: FastifyRequest, bodyLimit = 0): VigilError | null {
  return err instanceof VigilError ? err : fromFastify(err, req, bodyLimit)
}

/** Answers every error with a coded body; a 5xx never leaks its message, and is logged. */
export function makeErrorHandler(bodyLimit: number) {
  return function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
    const known = toVigilError(err, req, bodyLimit)
    if (known && known.statusCode < 500) {
      if (known.code === errors.BODY_TOO_LARGE.code) drainRefusedBody(req, reply, drainCap(bodyLimit))
      req.log.info({ code: known.code, problems: known.problems.length }, known.message)
      return reply.code(known.statusCode).send(errorBody(known))
    }
    req.log.error({ err }, 'request failed')
    const e = known ?? errors.INTERNAL()
    return reply.code(e.statusCode).send(errorBody(e))
  }
}
