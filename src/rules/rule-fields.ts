import type { z } from 'zod'
import { indicatorRuleSchema } from './rule-schema.js'

type Schema = z.core.$ZodType

/** Optional, default, prefault and lazy wrappers hide the schema that names the fields. */
function unwrap(schema: Schema): Schema {
  const def = schema._zod.def as { type: string; innerType?: Schema; getter?: () => Schema }
  if (def.innerType && ['optional', 'default', 'prefault', 'nullable', 'readonly'].includes(def.type)) return unwrap(def.innerType)
  if (def.type === 'lazy' && def.getter) return unwrap(def.getter())
  return schema
}

/** The object schemas a value at this place may be: one, or every object option of a union. */
function objectsOf(schema: Schema): Schema[] {
  const s = unwrap(schema)
  const def = s._zod.def as { type: string; options?: Schema[] }
  if (def.type === 'object') return [s]
  if (def.type === 'union' && def.options) return def.options.flatMap(objectsOf)
  return []
}

function shapeOf(schema: Schema): Record<string, Schema> {
  return (schema._zod.def as { shape?: Record<string, Schema> }).shape ?? {}
}

/** The schemas a path inside a rule leads to (several where a condition may take several forms). */
function schemasAt(path: readonly (string | number)[]): Schema[] {
  let current: Schema[] = [indicatorRuleSchema]
  for (const step of path) {
    const next: Schema[] = []
    for (const s of current) {
      const u = unwrap(s)
      const def = u._zod.def as { type: string; element?: Schema; valueType?: Schema }
      if (typeof step === 'number' && def.type === 'array' && def.element) next.push(def.element)
      else if (typeof step === 'string') {
        for (const obj of objectsOf(u)) {
          const field = shapeOf(obj)[step]
          if (field) next.push(field)
        }
      }
    }
    current = next
  }
  return current
}

/**
 * The field names a rule may use at a path (`[]` for the top, `['alerts', 0]` for a threshold):
 * what an "unknown field" problem offers instead. Empty when the place takes free-form keys.
 */
export function fieldNamesAt(path: readonly (string | number)[]): string[] {
  const names = new Set<string>()
  for (const s of schemasAt(path)) {
    for (const obj of objectsOf(s)) for (const k of Object.keys(shapeOf(obj))) names.add(k)
  }
  return [...names].filter((n) => n !== '$schema')
}
