/**
 * A compact structural diff of two JSON values, and its inverse: what an alert change stores
 * instead of a whole snapshot (most of an alert is the same from one change to the next).
 *
 * A patch node is either
 * - `[v]`: the value is replaced by `v`;
 * - an object: the keys (or array indexes) that changed, each with its own patch node; an object
 *   whose keys changed in set or order also carries `"~"`, its keys in order, so the rebuilt
 *   object is identical to the original, key order included; an array whose length changed
 *   carries `"#"`, its new length (items past the old end are patched as `[v]`);
 * - for a long string, `{"s": [head, middle, tail]}`: the first `head` and last `tail` characters
 *   of the old string around a new middle (an alert's sentence changes in a number or two).
 * An empty object means "unchanged".
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type Patch = [Json] | { [key: string]: Patch | string[] | number } | { s: [number, string, number] }

const ORDER = '~'
const LENGTH = '#'
/** Strings shorter than this are replaced whole: a string patch would not be shorter. */
const STRING_PATCH_MIN = 40

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)

function sameKeys(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i])
}

/** Common head and tail of two strings (not overlapping), as a patch of `base` into `next`. */
function stringPatch(base: string, next: string): Patch {
  const most = Math.min(base.length, next.length)
  let head = 0
  while (head < most && base.charCodeAt(head) === next.charCodeAt(head)) head++
  let tail = 0
  while (tail < most - head && base.charCodeAt(base.length - 1 - tail) === next.charCodeAt(next.length - 1 - tail)) tail++
  const middle = next.slice(head, next.length - tail)
  return middle.length + 16 < next.length ? { s: [head, middle, tail] } : [next]
}

/** The patch that turns `base` into `next`; `null` when they are equal. */
export function diff(base: Json | undefined, next: Json): Patch | null {
  if (base === next) return null
  if (typeof base === 'string' && typeof next === 'string' && next.length >= STRING_PATCH_MIN) return stringPatch(base, next)
  if (Array.isArray(base) && Array.isArray(next)) {
    const out: Record<string, Patch | number> = {}
    let changed = false
    next.forEach((v, i) => {
      const d = i < base.length ? diff(base[i], v) : [v] as Patch
      if (d) { out[String(i)] = d; changed = true }
    })
    if (base.length !== next.length) { out[LENGTH] = next.length; changed = true }
    if (!changed) return null
    // An insertion near the front shifts every later item: then the whole array is shorter.
    return base.length === next.length || JSON.stringify(out).length < JSON.stringify(next).length ? out as Patch : [next]
  }
  if (isObject(base) && isObject(next) && !(ORDER in next) && !(ORDER in base)) {
    const out: Record<string, Patch | string[]> = {}
    let changed = false
    // A key holding undefined is absent from the JSON the patch is applied to: so here too.
    const keys = Object.keys(next).filter((k) => next[k] !== undefined)
    for (const k of keys) {
      const d = k in base ? diff(base[k], next[k]!) : [next[k]!] as Patch
      if (d) { out[k] = d; changed = true }
    }
    if (!sameKeys(Object.keys(base), keys)) { out[ORDER] = keys; changed = true }
    return changed ? out : null
  }
  return [next]
}

/** Applies a patch made by diff() to the same base. */
export function applyPatch(base: Json, patch: Patch): Json {
  if (Array.isArray(patch)) return patch[0] as Json
  if (typeof base === 'string') {
    const [head, middle, tail] = (patch as { s: [number, string, number] }).s
    return base.slice(0, head) + middle + base.slice(base.length - tail)
  }
  if (Array.isArray(base)) {
    const items = patch as Record<string, Patch | number>
    const out = base.slice(0, (items[LENGTH] as number | undefined) ?? base.length)
    for (const [k, p] of Object.entries(items)) if (k !== LENGTH) out[Number(k)] = applyPatch(base[Number(k)]!, p as Patch)
    return out
  }
  const from = base as Record<string, Json>
  const fields = patch as Record<string, Patch | string[]>
  const keys = (fields[ORDER] as string[] | undefined) ?? Object.keys(from)
  const out: Record<string, Json> = {}
  for (const k of keys) {
    const p = fields[k] as Patch | undefined
    out[k] = p === undefined ? from[k]! : applyPatch(from[k]!, p)
  }
  return out
}
