import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml, stringify as yamlText } from 'yaml'
import { checkYamlDepth, valueDepth } from '../../src/yaml-depth.js'
import { fcParams } from '../helpers/seeded.js'
import { LIBRARY } from '../helpers/hostile-rules.js'

/** The depth guard every configuration file (rules, routing, gazetteer) passes before parsing. */
describe('YAML depth guard', () => {
  it('never says a file is shallower than it parses: depth of the parsed value <= the guard\'s measure', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(1, 'a', null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('node'), { maxKeys: 3 })),
    })).node
    fc.assert(fc.property(value, fc.boolean(), (v, flow) => {
      const text = flow ? JSON.stringify(v) : yamlText(v)
      const depth = valueDepth(parseYaml(text))
      if (depth > 0) expect(checkYamlDepth(text, depth - 1), text).not.toBeNull()
    }), fcParams(500))
  })

  it('refuses 20,000 levels of flow or compact nesting and 2,000 of block nesting at once, with a position', () => {
    const texts = [
      '{"a": '.repeat(20_000) + '1' + '}'.repeat(20_000),
      Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
      '- '.repeat(20_000) + 'x',
    ]
    for (const text of texts) expect(checkYamlDepth(text)).toMatchObject({ line: expect.any(Number), column: expect.any(Number), depth: 65 })
  })

  it('passes every file of the standard library with room to spare', () => {
    for (const [file, text] of Object.entries(LIBRARY)) expect(checkYamlDepth(text, 12), file).toBeNull()
  })
})
