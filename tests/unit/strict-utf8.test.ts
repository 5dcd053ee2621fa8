import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeUtf8Strict } from '../../src/strict-utf8.js'
import { fcParams } from '../helpers/seeded.js'

/** The strict decoder every configuration file (rules, routing, gazetteer) is read with. */
describe('strict UTF-8', () => {
  it('accepts exactly what a fatal TextDecoder accepts, and names the first bad byte', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true })
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      let ok = true
      try { fatal.decode(bytes) } catch { ok = false }
      const out = decodeUtf8Strict(bytes)
      expect('text' in out).toBe(ok)
      if ('problem' in out) expect(() => fatal.decode(bytes.subarray(0, out.problem.byte))).not.toThrow()
    }), fcParams(2000))
  })

  it('positions a bad byte by line and byte column: a truncated sequence, an overlong form, a surrogate', () => {
    for (const [bad, hex] of [[[0xc3], 'c3'], [[0xc0, 0xaf], 'c0'], [[0xed, 0xa0, 0x80], 'ed']] as const) {
      const bytes = Buffer.concat([Buffer.from('id: X\nname: ab'), Buffer.from(bad), Buffer.from(bad.length === 1 ? '' : 'z\n')])
      expect(decodeUtf8Strict(bytes)).toEqual({ problem: { byte: 14, line: 2, column: 9, message: `invalid UTF-8 at byte 14 (0x${hex}): save the file as UTF-8` } })
    }
  })
})
