import type { z } from 'zod'
import type { Problem } from './errors.js'

/**
 * Zod issues as problems with dotted field paths. An unknown field is named at its own path
 * (zod reports it at the object holding it, which for the body is the empty path).
 */
export function zodProblems(error: z.ZodError, prefix = ''): Problem[] {
  const join = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter((p) => p !== '').join('.')
  return error.issues.flatMap((i) => (i.code === 'unrecognized_keys'
    ? i.keys.map((key) => ({ path: join([...i.path, key]), message: `unknown field '${key}'` }))
    : [{ path: join(i.path), message: i.message }]))
}
