import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, STANDARD_RULES_DIR } from '../../src/paths.js'
import { tempDir, writeRules } from '../helpers/test-app.js'
import { REGION_VIOLENCE, REGION_VIOLENCE_FILE } from '../helpers/test-rules.js'

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
    // Asked from 2014-01-01, scored from MINUSCA's deployment: the months before are warm-up.
    expect(lines[0]).toMatch(/^MINUSCA 2014-09-15 to 2015-12-31: \d+ reports replayed in [\d.]+s \(\d+\/s\), \d+ alerts raised, \d+ changes$/)
    expect(lines[1]).toBe('scored from 2014-09-15, when MINUSCA deployed; the days before are warm-up')
    expect(lines[2]).toBe('6 fatal incidents (12 fatalities) in the period')
    expect(lines[3]).toMatch(/^\| level \| warnings \| detected \/ incidents \| probability of detection \|/)
    expect(lines.slice(5, 9).map((l) => l.split(' | ')[0])).toEqual(['| tactical', '| operational', '| strategic', '| operational or higher'])
    // The fatalities scored mission-wide with persistence and chance beside the rules.
    expect(lines[10]).toMatch(/^operational or higher warnings\. Outcomes: MINUSCA malicious-act fatalities \(UN list, dates only\): 6 in the scored period/)
    expect(lines.filter((l) => l.startsWith('| whole 2014-09-15..2015-12-31 | mission-wide | day |')).map((l) => l.split(' | ')[3]))
      .toEqual(['rules', expect.stringMatching(/^persistence \d+ d$/), 'random (1000 draws)'])
    expect(lines.slice(-4)).toEqual(['summary.json', 'report.md', 'timeline.html', 'changes.ndjson'].map((f) => `wrote ${path.join(out, f)}`))
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'))
    expect(summary).toMatchObject({ mission: 'MINUSCA', rules: { indicators: 37 }, outcomes: { incidents: 6, fatalities: 12 }, reports: { read: 19, rejected: 0 } })
  })

  it('scores by admin1 against outcomes picked from the reports, the events placed by the shipped gazetteer', () => {
    const rules = writeRules({
      [REGION_VIOLENCE_FILE]: REGION_VIOLENCE,
    })
    const r = vigil([
      'backtest', '--reports', path.join(ROOT, 'tests/fixtures/backtest/hand-made-area-outcomes-2-of-4-detected.ndjson'), '--rules', rules,
      '--mission', 'MINUSCA', '--from', '2020-01-01', '--to', '2020-01-31', '--outcomes-from', 'reports', '--outcome', 'POC.KILL civiliansKilled>=5',
      '--draws', '100', '--bootstrap', '100',
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    // tests/backtest/area-backtest.test.ts works the figures out; here over the 17 prefectures of
    // the MINUSCA gazetteer (527 area-days): 41 under warning (7.8%), 2 of 4 detected, lift 0.5 / (41/527).
    expect(r.stdout).toContain('Outcomes: reports POC.KILL civiliansKilled>=5: 4 in the scored period;')
    expect(r.stdout).toMatch(/^\| whole 2020-01-01\.\.2020-01-31 \| by admin1 \| day \| rules \| 4 \| 2 \| 50\.0% \| 33\.3% \| 6\.5 \| 7\.8% \| 6\.43 \(/m)
    expect(r.stdout).toMatch(/^\| whole 2020-01-01\.\.2020-01-31 \| by admin1 \| day \| rules \| .* \| 0\.43 \| 0\.040 \| [\d.]+ \|$/m)
  })

  it('refuses an outcome class it cannot read, naming the problem', () => {
    const r = vigil(['backtest', '--reports', path.join(ROOT, 'tests/fixtures/backtest/hand-made-area-outcomes-2-of-4-detected.ndjson'),
      '--mission', 'MINUSCA', '--outcomes-from', 'reports', '--outcome', 'POC.KILL deaths>=5'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/unknown field 'deaths'/)
  })

  it('explains bad usage and exits 2', () => {
    const r = vigil(['backtest', '--reports', path.join(ROOT, 'tests/fixtures/ucdp/ucdp-ged-23.1-car-19-events.geojson'), '--outcomes', 'x.csv'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^--outcomes needs --mission/)
  })
})
