import type { ZodType } from 'zod'
import { errors } from '../errors.js'

/** An opaque pagination cursor: base64url JSON, so clients cannot depend on its inside. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** Decodes a cursor made by encodeCursor; a tampered or foreign one is a 400 at `path`. */
export function decodeCursor<T>(cursor: string, schema: ZodType<T>, path: string): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
  } catch {
    throw errors.VALIDATION([{ path, message: 'not a cursor this service issued' }])
  }
}
