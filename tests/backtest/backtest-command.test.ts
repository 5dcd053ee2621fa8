import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, STANDARD_RULES_DIR } from '../../src/paths.js'
import { tempDir } from '../helpers/test-app.js'

function vigil(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('vigil backtest', () => {
  it('replays a UCDP file through the standard rules, scores it against the fatalities and writes the outputs', () => {
    const out = path.join(tempDir(), 'backtest')
    const r = vigil([
      'backtest', '--reports', path.join(ROOT, 'tests/fixtures/ucdp/ucdp-ged-23.1-car-19-events.geojson'), '--format', 'ucdp-ged',
      '--rules', STANDARD_RULES_DIR, '--from', '2014-01-01', '--to', '2015-12-31', '--mission', 'MINUSCA',
      '--outcomes', path.join(ROOT, 'tests/fixtures/fatalities/un-peacekeeping-fatalities-minusca-2014-2015.csv'), '--out', out,
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^MINUSCA 2014-01-01 to 2015-12-31: \d+ reports replayed in [\d.]+s \(\d+\/s\), \d+ alerts raised, \d+ changes$/)
    expect(lines[1]).toBe('6 fatal incidents (12 fatalities) in the period')
    expect(lines[2]).toMatch(/^\| level \| warnings \| detected \/ incidents \| probability of detection \|/)
    expect(lines.slice(4, 8).map((l) => l.split(' | ')[0])).toEqual(['| tactical', '| operational', '| strategic', '| operational or higher'])
    expect(lines.slice(8)).toEqual(['summary.json', 'report.md', 'timeline.html', 'changes.ndjson'].map((f) => `wrote ${path.join(out, f)}`))
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'))
    expect(summary).toMatchObject({ mission: 'MINUSCA', rules: { indicators: 36 }, outcomes: { incidents: 6, fatalities: 12 }, reports: { read: 19, rejected: 0 } })
  })

  it('explains bad usage and exits 2', () => {
    const r = vigil(['backtest', '--reports', path.join(ROOT, 'tests/fixtures/ucdp/ucdp-ged-23.1-car-19-events.geojson'), '--outcomes', 'x.csv'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^--outcomes needs --mission/)
  })
})
