import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../src/paths.js'
import { checkGazetteers, loadGazetteers } from '../../src/gazetteer/gazetteer-loader.js'
import { decodeUtf8, firstBadUtf8Byte, parseJsonText, positionOf } from '../../src/gazetteer/json-text.js'
import { tempDir } from '../helpers/test-app.js'

const FIXTURES = path.join(ROOT, 'tests/fixtures/gazetteer')

/** Each fixture folder's one expected problem: file, line:column, path, severity, message. */
const EXPECTED: Record<string, [string, number, number, string, 'error' | 'warning', string]> = {
  'alt-names-collide.bad': ['sites.geojson', 3, 123, 'features.1.properties.altNames.1', 'error', "alternate name 'Camp Kilo' is also the name of Kilo (kilo) (features.0): a report using it could mean either"],
  'bad-utf8.bad': ['areas.geojson', 3, 75, '', 'error', 'not valid UTF-8: bad byte 0xe9 at byte offset 314'],
  'coordinates-out-of-range.bad': ['sites.geojson', 3, 159, 'features.1.geometry.coordinates', 'error', 'latitude 101.5 is outside -90..90 (GeoJSON writes [longitude, latitude])'],
  'corridor-not-a-number.bad': ['routes.geojson', 2, 92, 'features.0.properties.corridorKm', 'error', 'a number of km'],
  'duplicate-pcode.bad': ['areas.geojson', 3, 57, 'features.1.properties.pcode', 'error', 'duplicate P-code TT01 (also features.0)'],
  'duplicate-site-id.bad': ['sites.geojson', 3, 42, 'features.1.properties.id', 'error', 'duplicate site id kilo (also features.0)'],
  'empty-name.bad': ['routes.geojson', 2, 59, 'features.0.properties.name', 'error', 'must not be empty'],
  'invalid-json.bad': ['areas.geojson', 2, 97, '', 'error', 'invalid JSON: expected a double-quoted property name'],
  'level-2-without-parent.bad': ['areas.geojson', 4, 35, 'features.2.properties', 'error', "missing required property 'parent': a level-2 area names the P-code of its level-1 area"],
  'missing-name.bad': ['areas.geojson', 3, 35, 'features.1.properties', 'error', "missing required property 'name'"],
  'nested-too-deep.bad': ['routes.geojson', 2, 31, '', 'error', 'invalid JSON: nested deeper than 32 levels'],
  'not-a-feature-collection.bad': ['sites.geojson', 1, 10, 'type', 'error', 'a gazetteer file is a GeoJSON FeatureCollection ({"type": "FeatureCollection", "features": [...]})'],
  'parent-not-level-1.bad': ['areas.geojson', 5, 104, 'features.3.properties.parent', 'error', "parent TT0201 (Beta North) is a level-2 area; a level-2 area's parent is a level-1 area"],
  'radius-not-positive.bad': ['sites.geojson', 3, 94, 'features.1.properties.radiusKm', 'error', 'a positive number of km'],
  'radius-too-large.bad': ['sites.geojson', 3, 94, 'features.1.properties.radiusKm', 'error', 'at most 50 km'],
  'ring-fewer-than-4-positions.bad': ['areas.geojson', 3, 146, 'features.1.geometry.coordinates.0', 'error', 'a ring needs at least 4 positions (the last repeating the first); this one has 3'],
  'ring-not-closed.bad': ['areas.geojson', 2, 147, 'features.0.geometry.coordinates.0', 'error', 'the ring is not closed: its last position must repeat its first'],
  'self-intersecting-ring.bad': ['areas.geojson', 3, 146, 'features.1.geometry.coordinates.0', 'error', 'the ring crosses itself: edge 0 crosses edge 2'],
  'site-outside-every-area.warning': ['sites.geojson', 3, 159, 'features.1.geometry.coordinates', 'warning', 'site lima (Lima) lies outside every level-1 area; check that the position is [longitude, latitude]'],
  'tiles-not-https.bad': ['gazetteer.yaml', 2, 8, 'tiles', 'error', 'an https URL template with {z}, {x} and {y}'],
  'unknown-metadata-field.bad': ['gazetteer.yaml', 2, 1, 'colour', 'error', "unknown field 'colour'; known: name, attribution, source, licence, tiles"],
  'unknown-parent.bad': ['areas.geojson', 4, 99, 'features.2.properties.parent', 'error', "unknown parent P-code 'TT09' (did you mean 'TT01'?)"],
  'unknown-property.bad': ['areas.geojson', 3, 97, 'features.1.properties.altName', 'error', "unknown property 'altName' (did you mean 'altNames'?); known: level, pcode, name, parent, altNames"],
  'unknown-site-kind.bad': ['sites.geojson', 3, 74, 'features.1.properties.kind', 'error', 'unknown site kind "fob"; one of: mission-hq, sector-hq, base, poc-site, idp-site, airfield, police, other'],
  'wrong-geometry-type.bad': ['sites.geojson', 3, 135, 'features.1.geometry.type', 'error', 'sites.geojson holds Point features, not Polygon'],
}

/** A gazetteer directory holding the given fixture folders as missions BAD-A, BAD-B, ... */
function asMissions(fixtures: string[]): { dir: string; mission: (fixture: string) => string } {
  const dir = tempDir('vigil-gazetteer-')
  const names = new Map<string, string>()
  fixtures.forEach((f, i) => {
    const mission = `BAD-${String.fromCharCode(65 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`
    names.set(f, mission)
    fs.cpSync(path.join(FIXTURES, f), path.join(dir, mission), { recursive: true })
  })
  return { dir, mission: (f) => names.get(f)! }
}

describe('gazetteer check', () => {
  it('has a fixture for every expected problem, and an expectation for every fixture', () => {
    const folders = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.bad') || f.endsWith('.warning')).sort()
    expect(folders).toEqual(Object.keys(EXPECTED).sort())
  })

  for (const [fixture, [file, line, column, p, severity, message]] of Object.entries(EXPECTED)) {
    it(`${fixture}: ${message.slice(0, 60)}`, () => {
      const { dir, mission } = asMissions([fixture])
      expect(checkGazetteers(dir)).toEqual([{ file: `${mission(fixture)}/${file}`, line, column, path: p, severity, message }])
      const loaded = loadGazetteers(dir)
      if (severity === 'error') expect(loaded.set).toBeNull()
      else expect(loaded.set?.missions()).toEqual([mission(fixture)])
    })
  }

  it('reports every problem of every folder at once, sorted by file and position', () => {
    const fixtures = Object.keys(EXPECTED)
    const { dir } = asMissions(fixtures)
    const problems = checkGazetteers(dir)
    expect(problems).toHaveLength(fixtures.length)
    const keys = problems.map((p) => [p.file, p.line, p.column] as const)
    const sorted = [...keys].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2])
    expect(keys).toEqual(sorted)
  })

  it('finds nothing wrong with the shipped MINUSCA gazetteer or the hand-made one', () => {
    expect(checkGazetteers(path.join(ROOT, 'schemas/gazetteer'))).toEqual([])
    expect(checkGazetteers(path.join(FIXTURES, 'minutest-5-areas-3-sites-1-route'))).toEqual([])
  })

  it('loads all or nothing: one broken mission folder and no set at all', () => {
    const dir = tempDir('vigil-gazetteer-')
    fs.cpSync(path.join(FIXTURES, 'minutest-5-areas-3-sites-1-route/MINUTEST'), path.join(dir, 'MINUTEST'), { recursive: true })
    expect(loadGazetteers(dir).set?.missions()).toEqual(['MINUTEST'])
    fs.cpSync(path.join(FIXTURES, 'duplicate-pcode.bad'), path.join(dir, 'OTHER'), { recursive: true })
    const r = loadGazetteers(dir)
    expect(r.set).toBeNull()
    expect(r.problems.map((p) => p.file)).toEqual(['OTHER/areas.geojson'])
  })

  it('refuses a folder not named for a mission code, warns of a file it does not know, and survives a missing directory', () => {
    const dir = tempDir('vigil-gazetteer-')
    fs.mkdirSync(path.join(dir, 'minusca'))
    fs.mkdirSync(path.join(dir, 'MINUTEST'))
    fs.writeFileSync(path.join(dir, 'MINUTEST', 'notes.txt'), 'x')
    expect(checkGazetteers(dir).map((p) => `${p.file} ${p.severity} ${p.message.split(':')[0]}`)).toEqual([
      'minusca error a gazetteer folder is named for its mission code, e.g. MINUSCA (capitals, digits, hyphens)',
      'MINUTEST/notes.txt warning ignored',
    ])
    expect(checkGazetteers(path.join(dir, 'nowhere'))[0]!.message).toMatch(/^cannot read the gazetteer directory/)
  })

  it('gives an empty folder an empty gazetteer, and a folder of areas only no sites or routes', () => {
    const dir = tempDir('vigil-gazetteer-')
    fs.mkdirSync(path.join(dir, 'EMPTY'))
    fs.mkdirSync(path.join(dir, 'AREAS'))
    fs.copyFileSync(path.join(FIXTURES, 'minutest-5-areas-3-sites-1-route/MINUTEST/areas.geojson'), path.join(dir, 'AREAS/areas.geojson'))
    const r = loadGazetteers(dir)
    expect(r.set?.missions()).toEqual(['AREAS', 'EMPTY'])
    expect(r.set!.get('EMPTY')!.areas).toEqual([])
    expect(r.set!.get('AREAS')!.areas).toHaveLength(5)
    expect(r.set!.get('AREAS')!.sites).toEqual([])
  })
})

describe('strict UTF-8 and JSON positions', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b)

  it('decodes valid UTF-8 (dropping a byte-order mark) and names the first bad byte', () => {
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x42, 0xc3, 0xaa, 0x74, 0x61))).toEqual({ text: 'Bêta' })
    expect(decodeUtf8(bytes(0x42, 0xe9, 0x74, 0x61))).toEqual({ badByte: 1 }) // Latin-1 é
    expect(firstBadUtf8Byte(bytes(0x41, 0xc0, 0x80))).toBe(1) // overlong
    expect(firstBadUtf8Byte(bytes(0x41, 0xed, 0xa0, 0x80))).toBe(1) // a surrogate
    expect(firstBadUtf8Byte(bytes(0x41, 0x42, 0xe2, 0x82))).toBe(2) // cut short at the end
    expect(firstBadUtf8Byte(bytes(0x41, 0x80))).toBe(1) // a lone continuation byte
    expect(firstBadUtf8Byte(bytes(0xf0, 0x9f, 0x98, 0x80, 0xff))).toBe(4)
  })

  it('positions JSON syntax errors by line and column', () => {
    const at = (text: string) => {
      const r = parseJsonText(text)
      if ('value' in r) return null
      return { ...positionOf(text, r.offset), message: r.message }
    }
    expect(at('{"a": 1,\n "b": tru}')).toEqual({ line: 2, column: 7, message: "unexpected character 't'" })
    expect(at('[1, 2\n')).toEqual({ line: 2, column: 1, message: "expected ',' or ']' after an array element" })
    expect(at('{"a": "x\ny"}')).toEqual({ line: 1, column: 9, message: 'a control character (such as a line break) inside a string' })
    expect(at('{} {}')).toEqual({ line: 1, column: 4, message: 'unexpected text after the end of the JSON value' })
    expect(at('')).toEqual({ line: 1, column: 1, message: 'unexpected end of the file' })
    expect(at(`${'['.repeat(33)}${']'.repeat(33)}`)).toEqual({ line: 1, column: 33, message: 'nested deeper than 32 levels' })
    expect(parseJsonText(`${'['.repeat(32)}${']'.repeat(32)}`)).toHaveProperty('value')
  })
})
