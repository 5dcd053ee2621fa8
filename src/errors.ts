/**
 * The registry of every error vigil answers over HTTP (fastify's lib/errors.js is the model).
 * Each has a stable code, an HTTP status and a message; bad input also carries the list of
 * problems, each naming the field path, so a client can fix every field in one go.
 */

/** One thing wrong with the input, at a path such as `location.lat` or `[3].category`. */
export interface Problem {
  path: string
  message: string
  /** Extra facts a client can act on (closest taxonomy codes, the conflicting revision...). */
  detail?: Record<string, unknown>
}

export class VigilError extends Error {
  override name = 'VigilError'
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly problems: Problem[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

type Factory<A extends unknown[]> = ((...args: A) => VigilError) & { code: string; statusCode: number }

function define<A extends unknown[]>(
  code: string,
  statusCode: number,
  build: (...args: A) => { message: string; problems?: Problem[]; extra?: Record<string, unknown> },
): Factory<A> {
  const f = (...args: A) => {
    const { message, problems, extra } = build(...args)
    return new VigilError(code, statusCode, message, problems, extra)
  }
  return Object.assign(f, { code, statusCode })
}

export const errors = {
  // Input
  VALIDATION: define('VIGIL_VALIDATION', 400, (problems: Problem[]) => ({
    message: `invalid input: ${problems.length} problem(s)`,
    problems,
  })),
  BAD_JSON: define('VIGIL_BAD_JSON', 400, (detail: string) => ({
    message: `body is not valid JSON: ${detail}`,
    problems: [{ path: '', message: detail }],
  })),
  BATCH_TOO_LARGE: define('VIGIL_BATCH_TOO_LARGE', 413, (count: number, max: number) => ({
    message: `batch holds ${count} reports; the maximum is ${max}`,
    problems: [{ path: '', message: `at most ${max} reports per batch` }],
  })),
  BODY_TOO_LARGE: define('VIGIL_BODY_TOO_LARGE', 413, (limit: number) => ({
    message: `body is larger than ${limit} bytes`,
  })),
  UNSUPPORTED_MEDIA_TYPE: define('VIGIL_UNSUPPORTED_MEDIA_TYPE', 415, (type: string) => ({
    message: `content type '${type}' is not supported`,
  })),

  // Reports
  REPORT_NOT_FOUND: define('VIGIL_REPORT_NOT_FOUND', 404, (id: string) => ({
    message: `report '${id}' not found`,
  })),
  REPORT_CONFLICT: define('VIGIL_REPORT_CONFLICT', 409, (id: string, revision: number) => ({
    message: `report '${id}' already exists with different content; send a revision with PUT /reports/${encodeURIComponent(id)}`,
    extra: { revision, revise: `PUT /reports/${encodeURIComponent(id)}` },
  })),
  REPORT_RETRACTED: define('VIGIL_REPORT_RETRACTED', 409, (id: string) => ({
    message: `report '${id}' is retracted and cannot be revised`,
  })),
  ID_MISMATCH: define('VIGIL_ID_MISMATCH', 400, (pathId: string, bodyId: string) => ({
    message: `body id '${bodyId}' differs from the id in the URL '${pathId}'`,
    problems: [{ path: 'id', message: `must equal '${pathId}'` }],
  })),

  // Taxonomy
  TAXONOMY_CODE_NOT_FOUND: define('VIGIL_TAXONOMY_CODE_NOT_FOUND', 404, (code: string, closest: string[]) => ({
    message: `taxonomy code '${code}' not found`,
    extra: { closest },
  })),

  // Access
  UNAUTHENTICATED: define('VIGIL_UNAUTHENTICATED', 401, () => ({
    message: 'a valid access key is required: Authorization: Bearer <token>',
  })),
  FORBIDDEN: define('VIGIL_FORBIDDEN', 403, (role: string, permission: string) => ({
    message: `the ${role} role may not do this (needs ${permission})`,
  })),
  OUT_OF_SCOPE: define('VIGIL_OUT_OF_SCOPE', 403, (mission: string, path: string) => ({
    message: `mission ${mission} is outside this key's missions`,
    problems: [{ path, message: `mission ${mission} is outside this key's missions` }],
  })),
  OUT_OF_AREA: define('VIGIL_OUT_OF_AREA', 403, (where: string, path: string) => ({
    message: `${where} lies outside this key's areas`,
    problems: [{ path, message: `${where} lies outside this key's areas` }],
  })),
  KEY_NOT_FOUND: define('VIGIL_KEY_NOT_FOUND', 404, (id: string) => ({ message: `key ${id} not found` })),
  LAST_ADMIN_KEY: define('VIGIL_LAST_ADMIN_KEY', 409, (id: string) => ({
    message: `key ${id} is the last admin key; create another admin key before revoking it`,
  })),

  // Alerts and silences
  ALERT_NOT_FOUND: define('VIGIL_ALERT_NOT_FOUND', 404, (id: number) => ({ message: `alert ${id} not found` })),
  ALERT_TRANSITION: define('VIGIL_ALERT_TRANSITION', 409, (id: number, status: string, action: string) => ({
    message: `alert ${id} is ${status}; it cannot be asked to ${action}`,
    extra: { status },
  })),
  SILENCE_NOT_FOUND: define('VIGIL_SILENCE_NOT_FOUND', 404, (id: number) => ({ message: `silence ${id} not found` })),

  // Rules
  RULE_INVALID: define('VIGIL_RULE_INVALID', 400, (problems: Problem[]) => ({
    message: `the rule fails its check: ${problems.length} problem(s)`,
    problems,
  })),
  RULE_NOT_FOUND: define('VIGIL_RULE_NOT_FOUND', 404, (id: string) => ({
    message: `no live rule '${id}'`,
  })),
  RULES_RELOAD_REFUSED: define('VIGIL_RULES_RELOAD_REFUSED', 422, (problems: Problem[], attempt: unknown, live: string) => ({
    message: `the rules fail their check: ${problems.length} problem(s); version ${live} stays live`,
    problems,
    extra: { attempt, live },
  })),

  // Gazetteers
  GAZETTEER_NOT_FOUND: define('VIGIL_GAZETTEER_NOT_FOUND', 404, (mission: string, known: string[]) => ({
    message: `mission ${mission} has no gazetteer; reports there keep their place names as given`,
    extra: { known },
  })),
  GAZETTEER_RELOAD_REFUSED: define('VIGIL_GAZETTEER_RELOAD_REFUSED', 422, (problems: Problem[], attempt: unknown, live: string) => ({
    message: `the gazetteers fail their check: ${problems.length} problem(s); version ${live} stays live`,
    problems,
    extra: { attempt, live },
  })),
  UNKNOWN_AREA: define('VIGIL_UNKNOWN_AREA', 400, (path: string, mission: string, name: string, closest: string[]) => ({
    message: `unknown area '${name}' in the ${mission} gazetteer`,
    problems: [{ path, message: `unknown area '${name}' in the ${mission} gazetteer; closest: ${closest.join(', ')}`, detail: { closest } }],
  })),

  // Generic
  NOT_FOUND: define('VIGIL_NOT_FOUND', 404, (what: string) => ({ message: `${what} not found` })),
  NOT_READY: define('VIGIL_NOT_READY', 503, (why: string) => ({ message: `not ready: ${why}` })),
  INTERNAL: define('VIGIL_INTERNAL', 500, () => ({ message: 'internal server error' })),
} as const

export type ErrorCode = (typeof errors)[keyof typeof errors]['code']
