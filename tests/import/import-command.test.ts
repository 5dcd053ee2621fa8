import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, STANDARD_RULES_DIR } from '../../src/paths.js'
import { tempDir } from '../helpers/test-app.js'

const UCDP = path.join(ROOT, 'tests/fixtures/ucdp')

/** Runs the real CLI (not on a terminal: stdout and stderr are pipes) against a database of its own. */
function vigil(args: string[], db: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, VIGIL_DB: db, VIGIL_RULES_DIR: STANDARD_RULES_DIR, LOG_LEVEL: 'silent' },
  })
  return { code: r.status, stdout: r.stdout.replace(/read in [\d.]+s/, 'read in Ns'), stderr: r.stderr }
}

describe('vigil import', () => {
  it('imports into VIGIL_DB, then imports nothing the second time; a pipe gets the plain summary, no bar', () => {
    const db = path.join(tempDir(), 'vigil.db')
    const file = path.join(UCDP, 'ucdp-ged-23.1-car-19-events.geojson')
    const first = vigil(['import', file, '--format', 'ucdp-ged', '--mission', 'MINUSCA'], db)
    expect(first).toMatchObject({ code: 0, stderr: '' })
    expect(first.stdout).toBe(`19 row(s) read in Ns: imported 19, skipped as duplicates 0, rejected 0 (${db})\n`)
    const second = vigil(['import', file, '--format', 'ucdp-ged', '--mission', 'MINUSCA'], db)
    expect(second.stdout).toBe(`19 row(s) read in Ns: imported 0, skipped as duplicates 19, rejected 0 (${db})\n`)
  })

  it('lists rejected rows with their reasons and exits 1', () => {
    const db = path.join(tempDir(), 'vigil.db')
    const r = vigil(['import', path.join(UCDP, 'ucdp-ged-4-rows-3-rejected-no-date-no-coordinates-bad-violence.csv'), '--format', 'ucdp-ged', '--mission', 'MINUSCA'], db)
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n').slice(0, 5)).toEqual([
      `4 row(s) read in Ns: imported 1, skipped as duplicates 0, rejected 3 (${db})`,
      'rejected:',
      '       1  no usable date (date_start, date_end)  (line 3 UCDP-157140 [/])',
      '       1  no usable coordinates (latitude, longitude)  (line 4 UCDP-157403 [, ])',
      '       1  unknown type_of_violence  (line 7 UCDP-292831 [9])',
    ])
  })

  it('explains bad usage and exits 2', () => {
    const r = vigil(['import', path.join(UCDP, 'ucdp-ged-23.1-car-19-events.csv'), '--format', 'csv', '--mission', 'MINUSCA'], path.join(tempDir(), 'vigil.db'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^vigil import: --format csv needs --map <mapping.yaml>\n\nusage: vigil import/)
  })
})
