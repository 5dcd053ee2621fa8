/**
 * The copy of a condition's value or params that json-rules-engine evaluates and reports: it
 * copies each rule result's conditions with `clone` 2.1 before evaluating them, and that copy
 * leaves out a key its prototype holds as plain data (`toString`, `constructor`, `valueOf`, ...)
 * and applies an own `__proto__` key as the prototype. A value such as `{ toString: x }` is
 * therefore `{}` to the engine; compiled conditions see the same.
 */
export function engineCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (const i in value) out[i as unknown as number] = engineCopy(value[i as unknown as number])
    return out
  }
  if (value instanceof Date) return new Date(value.getTime())
  const proto = Object.getPrototypeOf(value) as object | null
  const out = Object.create(proto) as Record<string, unknown>
  for (const key in value) {
    const inherited = proto ? Object.getOwnPropertyDescriptor(proto, key) : undefined
    if (inherited && inherited.set == null) continue
    out[key] = engineCopy((value as Record<string, unknown>)[key])
  }
  return out
}
