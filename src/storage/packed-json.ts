import zlib from 'node:zlib'
import { JSON_DICTIONARIES } from './json-dictionaries.js'

/**
 * Stored JSON, packed (migration 013): a value is either the JSON text itself (TEXT: rows
 * written before, and values too short to gain) or a BLOB whose first byte names a preset
 * dictionary (src/storage/json-dictionaries.ts) and whose rest is the text deflated against it.
 * The column's type says which, so old and new rows live side by side and every reader goes
 * through unpackJson. A 1 KB report body packs to about a quarter: the dictionary holds its keys.
 */

/** Below this many characters a value is kept as text: deflate's own overhead eats the gain. */
const PACK_MIN = 64
/** A small window (8 KB) holds the dictionary and one value; zlib sets it up much faster than 32 KB. */
const WINDOW_BITS = 13
const MEM_LEVEL = 8

const dictionaries = new Map(Object.entries(JSON_DICTIONARIES).map(([id, text]) => [Number(id), Buffer.from(text, 'utf8')]))

function dictionaryOf(id: number): Buffer {
  const d = dictionaries.get(id)
  if (!d) throw new Error(`stored JSON names dictionary ${id}, which this version of vigil does not know`)
  return d
}

/**
 * The output buffer zlib allocates per call (16 KB by default, more than a value needs): most of a
 * small value's inflate was that allocation. A smaller one, sized from the input, halves the call
 * (a 258-byte body: ~13 -> ~7 us); a larger output simply takes more chunks.
 */
const chunkFor = (bytes: number) => Math.min(65_536, Math.max(1_024, 2 ** Math.ceil(Math.log2(bytes))))

/** The stored form of a JSON text: packed against dictionary `id` when that is shorter. */
export function packJson(text: string, id: number): string | Buffer {
  if (text.length < PACK_MIN) return text
  // Deflated output is smaller than the text: a chunk of the text's size holds it (the bytes
  // are the same whatever the chunk).
  const deflated = zlib.deflateRawSync(text, { dictionary: dictionaryOf(id), windowBits: WINDOW_BITS, memLevel: MEM_LEVEL, chunkSize: chunkFor(text.length) })
  if (deflated.length + 1 >= Buffer.byteLength(text)) return text
  const out = Buffer.allocUnsafe(deflated.length + 1)
  out[0] = id
  deflated.copy(out, 1)
  return out
}

/** The JSON text of a stored value, packed or not. */
export function unpackJson(stored: string | Buffer | Uint8Array): string {
  if (typeof stored === 'string') return stored
  const bytes = Buffer.isBuffer(stored) ? stored : Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength)
  // JSON deflated against its keys comes back 3 to 6 times larger.
  return zlib.inflateRawSync(bytes.subarray(1), { dictionary: dictionaryOf(bytes[0]!), windowBits: WINDOW_BITS, chunkSize: chunkFor(bytes.length * 6) }).toString('utf8')
}

/** unpackJson for a nullable column. */
export function unpackNullable(stored: string | Buffer | null): string | null {
  return stored === null ? null : unpackJson(stored)
}

/** The parsed value of a stored JSON column. */
export function parseStored<T>(stored: string | Buffer): T {
  return JSON.parse(unpackJson(stored)) as T
}
