import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../src/paths.js'
import { loadGazetteers } from '../../src/gazetteer/gazetteer-loader.js'
import { gazetteerCommand } from '../../src/cli/gazetteer-commands.js'
import { tempDir } from '../helpers/test-app.js'

const FIXTURES = path.join(ROOT, 'tests/fixtures/gazetteer')
const IMPORT = path.join(FIXTURES, 'import')

// tsx by its file URL: a child started in a temporary folder cannot resolve the package by name.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href

/** Each child compiles the CLI with tsx: seconds on a busy machine, so these tests get more time. */
const CHILD_TIMEOUT_MS = 120_000

/** An output stream that keeps what was written. */
function sink() {
  const out = { text: '', write(s: string) { out.text += s; return true } }
  return out
}

/** The command in this process, for the cases where a child process proves nothing more. */
function inProcess(args: string[]) {
  const out = sink()
  const err = sink()
  const code = gazetteerCommand(args, out, err)
  return { code, stdout: out.text, stderr: err.text }
}

/** Runs the real CLI in `cwd` (not on a terminal: stdout and stderr are pipes). */
function vigil(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('vigil gazetteer check', () => {
  it('passes the shipped gazetteers from the default directory', () => {
    expect(vigil(['gazetteer', 'check'])).toEqual({ code: 0, stdout: '1 mission folder(s) checked, 0 error(s), 0 warning(s)\n', stderr: '' })
  }, CHILD_TIMEOUT_MS)

  it('prints each problem as file:line:column  path  message and exits 1 on errors; warnings alone pass', () => {
    const dir = tempDir('vigil-gazetteer-')
    fs.cpSync(path.join(FIXTURES, 'duplicate-pcode.bad'), path.join(dir, 'BAD'), { recursive: true })
    fs.cpSync(path.join(FIXTURES, 'site-outside-every-area.warning'), path.join(dir, 'WARN'), { recursive: true })
    const r = vigil(['gazetteer', 'check', dir])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe([
      `${dir}/BAD/areas.geojson:3:57  features.1.properties.pcode  duplicate P-code TT01 (also features.0)`,
      `${dir}/WARN/sites.geojson:3:159  features.1.geometry.coordinates  warning: site lima (Lima) lies outside every level-1 area; check that the position is [longitude, latitude]`,
      '',
    ].join('\n'))
    expect(r.stdout).toBe('2 mission folder(s) checked, 1 error(s), 1 warning(s)\n')
    fs.rmSync(path.join(dir, 'BAD'), { recursive: true })
    expect(vigil(['gazetteer', 'check', dir]).code).toBe(0)
  }, CHILD_TIMEOUT_MS)
})

describe('vigil gazetteer import', () => {
  it('imports COD-AB prefectures and Geo-PKO sites into a mission folder, then checks it', () => {
    const dir = tempDir('vigil-gazetteer-')
    const out = path.join(dir, 'MINUSCA')
    const areas = vigil(['gazetteer', 'import', '--areas', path.join(IMPORT, 'ocha-cod-ab-caf-adm1-bangui-and-ombella-mpoko.geojson'), '--level', '1', '--out', out])
    expect(areas).toEqual({ code: 0, stdout: `wrote 2 areas to ${out}/areas.geojson\nchecked ${out}: 0 error(s), 0 warning(s)\n`, stderr: '' })
    const sites = vigil(['gazetteer', 'import', '--sites', path.join(IMPORT, 'geo-pko-2.3-minusca-bangui-bouar-bocaranga-and-2-minusma-rows.csv'), '--out', out])
    // Bouar and Bocaranga lie outside the two imported prefectures: warnings, not errors.
    expect(sites.code).toBe(0)
    expect(sites.stdout).toBe(`wrote 3 sites to ${out}/sites.geojson\nchecked ${out}: 0 error(s), 2 warning(s)\n`)
    expect(sites.stderr.split('\n').filter(Boolean).map((l) => l.replace(/:\d+:\d+ .*\((\w+)\).*/, ' $1'))).toEqual([
      `${out}/sites.geojson Bouar`, `${out}/sites.geojson Bocaranga`,
    ])

    const set = loadGazetteers(dir).set!
    const g = set.get('MINUSCA')!
    expect(g.areas.map((a) => `${a.pcode} ${a.name} ${a.level}`)).toEqual(['CF11 Ombella M\'Poko 1', 'CF71 Bangui 1'])
    expect(g.sites.map((s) => ({ id: s.id, kind: s.kind, radiusKm: s.radiusKm, lat: s.lat, admin1Pcode: s.admin1Pcode }))).toEqual([
      { id: 'bangui', kind: 'mission-hq', radiusKm: 10, lat: 4.393797, admin1Pcode: 'CF71' },
      { id: 'bouar', kind: 'sector-hq', radiusKm: 10, lat: 5.943066, admin1Pcode: null },
      // Two positions over the years: the latest year's wins.
      { id: 'bocaranga', kind: 'base', radiusKm: 5, lat: 6.9965, admin1Pcode: null },
    ])
    const text = fs.readFileSync(path.join(out, 'sites.geojson'), 'utf8')
    expect(text.split('\n')[2]).toBe('{"type":"Feature","properties":{"id":"bouar","name":"Bouar","kind":"sector-hq","radiusKm":10,"altNames":[],"firstYear":2014,"lastYear":2024},"geometry":{"type":"Point","coordinates":[15.598526,5.943066]}},')
  }, CHILD_TIMEOUT_MS)

  it('keeps alternate names added by hand and the other level when re-importing', () => {
    const dir = tempDir('vigil-gazetteer-')
    const out = path.join(dir, 'MINUSCA')
    const cod = path.join(IMPORT, 'ocha-cod-ab-caf-adm1-bangui-and-ombella-mpoko.geojson')
    expect(inProcess(['import', '--areas', cod, '--level', '1', '--out', out]).code).toBe(0)
    const file = path.join(out, 'areas.geojson')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"name":"Bangui","altNames":[]', '"name":"Bangui","altNames":["Bangui province"]'))
    // The same file as level 2 under another field mapping: Bangui's commune under the capital.
    const level2 = inProcess(['import', '--areas', cod, '--level', '2', '--name-field', 'admin1Name', '--pcode-field', 'admin0Pcode', '--parent-field', 'admin1Pcode', '--out', out])
    // Both features have admin0Pcode CF: the second is a duplicate P-code, so the check fails.
    expect(level2.code).toBe(1)
    expect(level2.stderr).toMatch(/areas\.geojson:\d+:\d+ {2}features\.3\.properties\.pcode {2}duplicate P-code CF \(also features\.2\)/)
    const again = inProcess(['import', '--areas', cod, '--level', '1', '--out', out])
    expect(again.stdout).toMatch(/^wrote 2 areas \(and kept 2 others\) to /)
    const props = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"type":"Feature"')).map((l) => JSON.parse(l.replace(/,$/, '')).properties)
    expect(props.map((p) => `${p.level} ${p.pcode} ${p.altNames.join('|')}`)).toEqual(['2 CF ', '2 CF ', '1 CF11 ', '1 CF71 Bangui province'])
  })

  it('imports a plain site CSV, lists the rows it leaves out and exits 1', () => {
    const dir = tempDir('vigil-gazetteer-')
    const r = vigil(['gazetteer', 'import', '--sites', path.join(IMPORT, 'plain-sites-2-good-1-unknown-kind.csv'), '--mission', 'MINUTEST'], dir)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("skipped: line 4: kind 'fob' is not one of mission-hq, sector-hq, base, poc-site, idp-site, airfield, police, other\n")
    expect(r.stdout).toBe('wrote 2 sites to schemas/gazetteer/MINUTEST/sites.geojson\nchecked schemas/gazetteer/MINUTEST: 0 error(s), 0 warning(s)\n')
    const g = loadGazetteers(path.join(dir, 'schemas/gazetteer')).set!.get('MINUTEST')!
    expect(g.sites.map((s) => [s.id, s.kind, s.radiusKm, s.altNames])).toEqual([
      ['tt-hq', 'mission-hq', 10, ['HQ Test', 'Quartier général']],
      ['tt-poc', 'poc-site', 1.5, []],
    ])
  }, CHILD_TIMEOUT_MS)

  it('explains bad usage and exits 2', () => {
    const r = inProcess(['import', '--areas', path.join(IMPORT, 'ocha-cod-ab-caf-adm1-bangui-and-ombella-mpoko.geojson'), '--out', 'x/minusca'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^--out must end in a folder named for the mission code, e\.g\. schemas\/gazetteer\/MINUSCA \(got minusca\)\n\nusage: vigil gazetteer check/)
    expect(inProcess(['import', '--areas', 'a.geojson', '--sites', 'b.csv', '--mission', 'MINUSCA']).stderr).toMatch(/^give one of --areas/)
    expect(inProcess(['frobnicate']).code).toBe(2)
  })
})
