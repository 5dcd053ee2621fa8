import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { packJson, parseStored, unpackJson } from '../../src/storage/packed-json.js'
import { DICTIONARY, JSON_DICTIONARIES } from '../../src/storage/json-dictionaries.js'
import { report } from '../helpers/reports.js'
import { envInt, prng } from '../helpers/seeded.js'

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16)

describe('packed JSON (migration 013)', () => {
  it('reads back every packed value identical, and packs a report body to well under half', () => {
    const text = JSON.stringify(report({ id: 'PACK-1', narrative: 'Armed men stopped a convoy on the axis north of the town; two drivers were held for an hour.' }))
    const packed = packJson(text, DICTIONARY.report)
    expect(Buffer.isBuffer(packed)).toBe(true)
    expect((packed as Buffer)[0]).toBe(DICTIONARY.report)
    expect((packed as Buffer).length).toBeLessThan(text.length * 0.45)
    expect(unpackJson(packed)).toBe(text)
    expect(parseStored(packed)).toEqual(JSON.parse(text))
  })

  it('keeps short values and values that would not shrink as text, and reads text as it is', () => {
    expect(packJson('{"seq":[12]}', DICTIONARY.alertChange)).toBe('{"seq":[12]}')
    // 70 characters without repeats: deflate's literals cost as much as the text, plus the id byte.
    const random = JSON.stringify(Array.from({ length: 4 }, (_, i) => createHash('sha256').update(String(i)).digest('base64')).join('').slice(0, 68))
    expect(packJson(random, DICTIONARY.report)).toBe(random)
    expect(unpackJson('{"a":1}')).toBe('{"a":1}')
  })

  it('round-trips generated JSON text, non-ASCII included, with either dictionary', () => {
    const { next: rand } = prng(envInt('VIGIL_PROPERTY_SEED', 13))
    const words = ['Bambari', 'Kidal', 'Gao', 'Ménaka', 'قرية', '村', '"quoted"', 'back\\slash', 'line\nbreak', '🙂', 'x'.repeat(300)]
    const value = (depth: number): unknown => {
      const r = rand()
      if (depth > 3 || r < 0.3) return r < 0.1 ? null : r < 0.2 ? Math.round(rand() * 1e6) / 100 : words[Math.floor(rand() * words.length)]
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 5) }, () => value(depth + 1))
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 6) }, (_, i) => [`${words[i % words.length]}${i}`, value(depth + 1)]))
    }
    for (let i = 0; i < envInt('VIGIL_PROPERTY_RUNS', 300); i++) {
      const text = JSON.stringify(value(0))
      for (const id of Object.values(DICTIONARY)) expect(unpackJson(packJson(text, id))).toBe(text)
    }
  })

  it('refuses a value naming a dictionary it does not know, rather than guessing', () => {
    const packed = Buffer.from(packJson(JSON.stringify(report({ id: 'PACK-2' })), DICTIONARY.report) as Buffer)
    packed[0] = 200
    expect(() => unpackJson(packed)).toThrow(/dictionary 200/)
  })

  it('never changes a released dictionary: stored values name them by id', () => {
    // A new dictionary gets a new id; these texts stay as they are for the rows written with them.
    expect(Object.fromEntries(Object.entries(JSON_DICTIONARIES).map(([id, text]) => [id, sha(text)]))).toEqual({
      1: '65c59201534ea15b', 2: '972a507d4d6404df',
    })
  })
})
