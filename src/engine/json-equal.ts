/**
 * Whether two values would serialize to the same JSON text, without serializing them: the alert
 * writer's test of what a reader sees ran JSON.stringify over the whole state on every update,
 * the costliest step of a busy mission-wide alert. Same rules as JSON.stringify: key order
 * counts, undefined and function members are skipped (null inside arrays), non-finite numbers
 * read as null, toJSON is honoured.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  // The same value writes the same text (NaN included: both read as null).
  if (a === b) return true
  const ja = jsonOf(a)
  const jb = jsonOf(b)
  if (ja === SKIP || jb === SKIP) return ja === jb
  if (ja === null || jb === null || typeof ja !== 'object' || typeof jb !== 'object') return ja === jb
  if (Array.isArray(ja) !== Array.isArray(jb)) return false
  if (Array.isArray(ja)) {
    const xb = jb as unknown[]
    if (ja.length !== xb.length) return false
    for (let i = 0; i < ja.length; i++) if (!itemEqual(ja[i], xb[i])) return false
    return true
  }
  return objectEqual(ja as Record<string, unknown>, jb as Record<string, unknown>)
}

const SKIP = Symbol('skip')

function hasToJSON(x: object): boolean {
  return typeof (x as { toJSON?: unknown }).toJSON === 'function'
}

/** A value as JSON.stringify would write it one level down: primitives normalized, objects as they are. */
function jsonOf(x: unknown): unknown {
  if (x !== null && typeof x === 'object' && hasToJSON(x)) x = (x as { toJSON(): unknown }).toJSON()
  switch (typeof x) {
    case 'number': return Number.isFinite(x) ? x : null
    case 'string': case 'boolean': return x
    case 'undefined': case 'function': case 'symbol': return SKIP
    case 'bigint': throw new TypeError('Do not know how to serialize a BigInt')
    default: return x
  }
}

/** Array items: what JSON.stringify skips in an object it writes as null in an array. */
function itemEqual(a: unknown, b: unknown): boolean {
  const ja = jsonOf(a)
  const jb = jsonOf(b)
  return jsonEqual(ja === SKIP ? null : ja, jb === SKIP ? null : jb)
}

function objectEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  let i = 0
  let j = 0
  for (;;) {
    while (i < ka.length && jsonOf(a[ka[i]!]) === SKIP) i++
    while (j < kb.length && jsonOf(b[kb[j]!]) === SKIP) j++
    if (i === ka.length || j === kb.length) return i === ka.length && j === kb.length
    if (ka[i] !== kb[j] || !jsonEqual(a[ka[i]!], b[kb[j]!])) return false
    i++
    j++
  }
}
