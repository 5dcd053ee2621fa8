/**
 * Strict UTF-8 decoding for configuration files (rules, routing, gazetteer): Node's 'utf8'
 * reading replaces bad bytes with U+FFFD, which would quietly change what a pattern or a place
 * name means and still go live. Here a bad byte is a problem at its position, and the file is
 * refused.
 */

export interface Utf8Problem {
  /** 0-based offset of the first byte of the bad sequence. */
  byte: number
  line: number
  /** 1-based, counted in bytes from the start of the line. */
  column: number
  message: string
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** The text of `bytes`, or where its first invalid UTF-8 sequence starts. A leading BOM is dropped. */
export function decodeUtf8Strict(bytes: Uint8Array): { text: string } | { problem: Utf8Problem } {
  const bad = firstInvalidByte(bytes)
  if (bad < 0) return { text: decoder.decode(bytes) }
  let line = 1
  let lineStart = 0
  for (let i = 0; i < bad; i++) {
    if (bytes[i] === 0x0a) {
      line++
      lineStart = i + 1
    }
  }
  const hex = bytes[bad]!.toString(16).padStart(2, '0')
  return { problem: { byte: bad, line, column: bad - lineStart + 1, message: `invalid UTF-8 at byte ${bad} (0x${hex}): save the file as UTF-8` } }
}

/** Offset of the first byte that does not start a well-formed sequence (RFC 3629), or -1. */
export function firstInvalidByte(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]!
    if (c < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    let max = 0xbf
    if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80 }
    else if (c === 0xe0) { need = 2; min = 0xa0 }
    else if (c === 0xed) { need = 2; min = 0x80; max = 0x9f } // no UTF-16 surrogates
    else if (c >= 0xe1 && c <= 0xef) { need = 2; min = 0x80 }
    else if (c === 0xf0) { need = 3; min = 0x90 }
    else if (c >= 0xf1 && c <= 0xf3) { need = 3; min = 0x80 }
    else if (c === 0xf4) { need = 3; min = 0x80; max = 0x8f } // nothing above U+10FFFF
    else return i
    if (i + need >= b.length) return i // cut short by the end of the file
    const second = b[i + 1]!
    if (second < min || second > max) return i
    for (let k = 2; k <= need; k++) if (b[i + k]! < 0x80 || b[i + k]! > 0xbf) return i
    i += need + 1
  }
  return -1
}
