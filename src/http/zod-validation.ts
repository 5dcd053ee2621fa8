import type { FastifySchemaCompiler } from 'fastify'
import type { ZodType } from 'zod'
import { errors } from '../errors.js'
import { zodProblems } from '../ingest/ingest.js'

const PART_PREFIX: Record<string, string> = { body: '', querystring: 'query', params: 'params', headers: 'headers' }

/**
 * Validates a request part with its zod schema and fails with VIGIL_VALIDATION listing every
 * problem by field path (body fields bare, `query.x` / `params.x` for the others).
 */
export const zodValidatorCompiler: FastifySchemaCompiler<ZodType> = ({ schema, httpPart }) => (data) => {
  const result = schema.safeParse(data)
  if (result.success) return { value: result.data }
  return { error: errors.VALIDATION(zodProblems(result.error, PART_PREFIX[httpPart ?? 'body'] ?? '')) }
}
