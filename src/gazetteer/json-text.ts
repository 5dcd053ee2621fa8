import { firstInvalidByte } from '../strict-utf8.js'
/**
 * Reading a gazetteer file's JSON with positions. JSON.parse does the parsing (a 500 KB boundary
 * file parses in milliseconds, where a positioned YAML parse takes seconds); a small scanner
 * finds where a path sits, or where the syntax broke, only when a problem needs showing.
 */

/** Deeper than any GeoJSON needs (a MultiPolygon position is 8 levels down): refused before parsing. */
export const MAX_JSON_DEPTH = 32

export interface TextPosition {
  line: number
  column: number
}

export class JsonTextError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message)
  }
}

/**
 * Decodes bytes strictly as UTF-8: a bad byte is an error at its byte offset, never a silent
 * U+FFFD. A leading byte-order mark is dropped.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { badByte: number } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) }
  } catch {
    return { badByte: firstBadUtf8Byte(bytes) }
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence: the rule files' check. */
export const firstBadUtf8Byte = firstInvalidByte

/** Line and column (1-based, column in characters) of an offset in a text. */
export function positionOf(text: string, offset: number): TextPosition {
  let line = 1
  let lineStart = 0
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: end - lineStart + 1 }
}

/** The deepest nesting of arrays and objects, counted without parsing; stops past `limit`. */
export function nestingDepth(text: string, limit = MAX_JSON_DEPTH): { depth: number; offset: number } {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++
      else if (c === 34) inString = false
      continue
    }
    if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      depth++
      if (depth > max) max = depth
      if (depth > limit) return { depth, offset: i }
    } else if (c === 93 || c === 125) depth--
  }
  return { depth: max, offset: -1 }
}

const isWs = (c: number) => c === 32 || c === 10 || c === 13 || c === 9

/** A scanner over JSON text: skips whole values, so a path can be found without a tree of offsets. */
class Scanner {
  constructor(readonly text: string) {}

  ws(i: number): number {
    while (i < this.text.length && isWs(this.text.charCodeAt(i))) i++
    return i
  }

  /** The end of the value starting at `i` (after whitespace); throws at the first syntax error. */
  value(i: number): number {
    i = this.ws(i)
    const c = this.text[i]
    if (c === '{') return this.object(i, () => undefined)
    if (c === '[') return this.array(i, () => undefined)
    if (c === '"') return this.string(i)
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number(i)
    for (const word of ['true', 'false', 'null']) if (this.text.startsWith(word, i)) return i + word.length
    throw new JsonTextError(i, i >= this.text.length ? 'unexpected end of the file' : `unexpected character '${c}'`)
  }

  string(i: number): number {
    for (let j = i + 1; j < this.text.length; j++) {
      const c = this.text.charCodeAt(j)
      if (c === 92) {
        const e = this.text[j + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(j + 2, j + 6))) throw new JsonTextError(j, 'bad \\u escape')
          j += 5
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++
        else throw new JsonTextError(j, 'bad escape in a string')
      } else if (c === 34) return j + 1
      else if (c < 32) throw new JsonTextError(j, 'a control character (such as a line break) inside a string')
    }
    throw new JsonTextError(i, 'a string that never ends')
  }

  number(i: number): number {
    const m = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
    m.lastIndex = i
    if (!m.exec(this.text)) throw new JsonTextError(i, 'bad number')
    return m.lastIndex
  }

  /** Walks an object's members; `visit` may return an offset to stop there. */
  object(i: number, visit: (key: string, valueAt: number, keyAt: number) => number | undefined): number {
    i = this.ws(i + 1)
    if (this.text[i] === '}') return i + 1
    for (;;) {
      if (this.text[i] !== '"') throw new JsonTextError(i, 'expected a double-quoted property name')
      const keyAt = i
      const keyEnd = this.string(i)
      const key = JSON.parse(this.text.slice(i, keyEnd)) as string
      i = this.ws(keyEnd)
      if (this.text[i] !== ':') throw new JsonTextError(i, "expected ':' after a property name")
      const valueAt = this.ws(i + 1)
      const stop = visit(key, valueAt, keyAt)
      if (stop !== undefined) return stop
      i = this.ws(this.value(valueAt))
      if (this.text[i] === '}') return i + 1
      if (this.text[i] !== ',') throw new JsonTextError(i, "expected ',' or '}' after a property value")
      i = this.ws(i + 1)
    }
  }

  array(i: number, visit: (index: number, valueAt: number) => number | undefined): number {
    i = this.ws(i + 1)
    if (this.text[i] === ']') return i + 1
    for (let n = 0; ; n++) {
      const stop = visit(n, i)
      if (stop !== undefined) return stop
      i = this.ws(this.value(i))
      if (this.text[i] === ']') return i + 1
      if (this.text[i] !== ',') throw new JsonTextError(i, "expected ',' or ']' after an array element")
      i = this.ws(i + 1)
    }
  }
}

/** The offset of the first syntax error in a text JSON.parse refused, and what is wrong there. */
export function syntaxError(text: string): { offset: number; message: string } {
  const s = new Scanner(text)
  try {
    const end = s.ws(s.value(0))
    if (end < text.length) return { offset: end, message: 'unexpected text after the end of the JSON value' }
  } catch (err) {
    if (err instanceof JsonTextError) return { offset: err.offset, message: err.message }
    throw err
  }
  return { offset: 0, message: 'not valid JSON' }
}

/**
 * Finds where paths sit in a parsed JSON text. The offsets of the top array's elements
 * (`features.N`) are found once, so locating many problems in a large file stays linear.
 */
export class JsonLocator {
  private readonly scanner: Scanner
  private readonly elements = new Map<string, number[]>()

  constructor(readonly text: string) {
    this.scanner = new Scanner(text)
  }

  /** Line and column of the value at `path`, or of its deepest existing ancestor. */
  locate(path: readonly (string | number)[]): TextPosition {
    return positionOf(this.text, this.offset(path))
  }

  /** Line and column of the member name at the end of `path` (where an unknown field is written). */
  locateKey(path: readonly (string | number)[], key: string): TextPosition {
    const at = this.offset(path)
    if (this.text[at] !== '{') return positionOf(this.text, at)
    let found = at
    this.scanner.object(at, (k, valueAt, keyAt) => (k === key ? (found = keyAt) : undefined))
    return positionOf(this.text, found)
  }

  private offset(path: readonly (string | number)[]): number {
    let at = this.scanner.ws(0)
    let start = 0
    // A path into the top array's elements starts from the cached element offset.
    if (path.length >= 2 && typeof path[0] === 'string' && typeof path[1] === 'number') {
      const first = this.step(at, path[0])
      if (first === null) return at
      const offsets = this.elementOffsets(path[0], first)
      const el = offsets[path[1]]
      if (el === undefined) return first
      at = el
      start = 2
    }
    for (let k = start; k < path.length; k++) {
      const next = this.step(at, path[k]!)
      if (next === null) return at
      at = next
    }
    return at
  }

  private elementOffsets(key: string, arrayAt: number): number[] {
    let cached = this.elements.get(key)
    if (!cached) {
      const offsets: number[] = []
      if (this.text[arrayAt] === '[') this.scanner.array(arrayAt, (_, valueAt) => { offsets.push(valueAt); return undefined })
      cached = offsets
      this.elements.set(key, cached)
    }
    return cached
  }

  private step(at: number, segment: string | number): number | null {
    let found: number | null = null
    if (this.text[at] === '{') {
      this.scanner.object(at, (k, valueAt) => (k === String(segment) ? (found = valueAt) : undefined))
    } else if (this.text[at] === '[' && typeof segment === 'number') {
      this.scanner.array(at, (n, valueAt) => (n === segment ? (found = valueAt) : undefined))
    }
    return found
  }
}

/**
 * Parses JSON text: the value, or the position and reason of the first syntax error, or a
 * nesting deeper than a gazetteer can need (refused before parsing, so no stack is at risk).
 */
export function parseJsonText(text: string): { value: unknown } | { offset: number; message: string } {
  const nesting = nestingDepth(text)
  if (nesting.offset >= 0) return { offset: nesting.offset, message: `nested deeper than ${MAX_JSON_DEPTH} levels` }
  try {
    return { value: JSON.parse(text) as unknown }
  } catch {
    return syntaxError(text)
  }
}
