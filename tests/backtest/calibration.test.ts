import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { taxonomy, tempDir, writeRules } from '../helpers/test-app.js'
import { vigil, vigilAsync } from '../helpers/cli-process.js'
import { REGION_VIOLENCE, REGION_VIOLENCE_FILE } from '../helpers/test-rules.js'
import { ROOT } from '../../src/paths.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import { runCalibration, type CalibrateOptions } from '../../src/backtest/calibration-run.js'
import { parseSweep, settingsOf } from '../../src/backtest/sweep-spec.js'
import { paretoFront } from '../../src/backtest/pareto-front.js'
import { calibrationMarkdown, sweepTable } from '../../src/backtest/calibration-report.js'
import { calibrateCommand } from '../../src/cli/calibrate-command.js'
import { parseRuleText } from '../../src/rules/rule-loader.js'
import { ruleContentHash, validationWarnings } from '../../src/rules/validation-record.js'

/**
 * Calibration on the hand-made area fixture (tests/fixtures/backtest/README.md; the rule of
 * area-backtest.test.ts: an operational alert per admin1 at one ARM.CLASH or POC.KILL report,
 * expiring `expires` after the last). Outcomes POC.KILL civiliansKilled>=5, areas Ouaka, Vakaga,
 * Bamingui-Bangoran; training Jan 1-15 2020 (45 area-days), validation Jan 16-31 (48).
 *
 * Training: outcomes Jan 5 in Ouaka and Jan 10 in Vakaga (the latter raises its own alert).
 *   expires 5d:  Ouaka alert Jan 2 10:00, extended to Jan 13 10:00: Jan 3-13 (11 days); Vakaga
 *                Jan 10 12:00 to Jan 15 12:00: Jan 11-15 (5). 16 area-days; Jan 5 detected (lead 3).
 *   expires 10d: Ouaka Jan 3-15 (13, open at the end), Vakaga Jan 11-15 (5): 18; same detection.
 *   expires 20d: the same 18 as 10d.
 *   => POD 1/2 each; 5d warns least, so it dominates: the front is 5d alone, and it is chosen.
 * Validation, the chosen 5d: the Vakaga alert is over by Jan 15; Jan 20 raises a new one (Jan
 *   21-24) and Jan 25 one in B-B (Jan 26-29): 8 area-days, neither outcome detected. The rule as
 *   found (10d) detected Jan 20 (lead 10) with 23 area-days: tuned on 15 days, the shorter expiry
 *   does worse on data it never saw.
 */
const RULE = REGION_VIOLENCE
const FILE = REGION_VIOLENCE_FILE
const REPORTS = path.join(ROOT, 'tests/fixtures/backtest/hand-made-area-outcomes-2-of-4-detected.ndjson')

const options = (rulesDir: string): CalibrateOptions => ({
  reports: { kind: 'file', file: REPORTS, format: 'ndjson' }, rulesDir, taxonomy, missions: DEFAULT_MISSIONS, mission: 'MINUSCA',
  areas: ['Ouaka', 'Vakaga', 'Bamingui-Bangoran'], from: '2020-01-01', to: '2020-01-31', split: '2020-01-16',
  outcomeSpecs: ['POC.KILL civiliansKilled>=5'], indicators: ['POC-902'], sweeps: [parseSweep('expires=5d,10d,20d')], draws: 100, bootstrap: 100, seed: 2,
})

describe('vigil calibrate: the sweep on the training period, the choice, then validation', () => {
  it('replays every setting on training, marks the front, chooses on training and only then scores validation', async () => {
    const c = await runCalibration(options(writeRules({ [FILE]: RULE })))
    expect(c).toMatchObject({ training: { from: '2020-01-01', to: '2020-01-15' }, validation: { from: '2020-01-16', to: '2020-01-31' }, scale: 'admin1-day', chosen: 0, note: null })
    expect(c.settings.map((s) => [s.setting[0], s.row!.rules.detected, s.row!.rules.outcomes, s.row!.rules.underWarning, s.onFront, s.current]))
      .toEqual([['5d', 1, 2, 16, true, false], ['10d', 1, 2, 18, false, true], ['20d', 1, 2, 18, false, false]])
    expect(c.settings[0]!.row!.rules.lift).toBeCloseTo(0.5 / (16 / 45), 12)
    expect(sweepTable(c).split('\n').slice(2)).toEqual([
      expect.stringMatching(/^\| 1 \| 5d \| 50\.0% \| 50\.0% \| 3 \| 35\.6% \| 1\.41 \(.*\) \| n\/a \| 0\.15 \| 0\.311 \| [\d.]+ \| chosen, front \|$/),
      expect.stringMatching(/^\| 2 \| 10d \| 50\.0% \| 50\.0% \| 3 \| 40\.0% \| 1\.25 \(.*\) \| n\/a \| .* \| current \|$/),
      expect.stringMatching(/^\| 3 \| 20d \| 50\.0% \| 50\.0% \| 3 \| 40\.0% \| 1\.25 \(.*\) \| n\/a \| .* \|  \|$/),
    ])
    expect(c.chosenValidation.rules).toMatchObject({ steps: 48, outcomes: 2, detected: 0, underWarning: 8 })
    expect(c.currentValidation!.rules).toMatchObject({ steps: 48, outcomes: 2, detected: 1, underWarning: 23, leadTimeDays: { median: 10 } })
    expect(c.chosenTexts).toEqual([{ file: FILE, indicator: 'POC-902', text: RULE.replace('expires: 10d', 'expires: 5d'), changed: true }])
  })

  it('a value the rule check refuses is a row with the reason, not a failed calibration', async () => {
    const c = await runCalibration({ ...options(writeRules({ [FILE]: RULE })), sweeps: [parseSweep('expires=5d,0d')] })
    expect(c.settings[1]).toMatchObject({ row: null, error: expect.stringMatching(/^expires /) })
    expect(c.chosen).toBe(0)
  })
})

describe('vigil calibrate as a command', () => {
  it('prints the table, writes the page and, with --write, the rule with the chosen setting and its validation record', () => {
    const rules = writeRules({ [FILE]: RULE })
    const out = path.join(tempDir(), 'calibration')
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'calibrate',
      '--reports', REPORTS, '--rules', rules, '--mission', 'MINUSCA', '--from', '2020-01-01', '--to', '2020-01-31', '--split', '2020-01-16',
      '--outcomes-from', 'reports', '--outcome', 'POC.KILL civiliansKilled>=5', '--indicator', 'POC-902', '--sweep', 'expires=5d,10d,20d',
      '--draws', '50', '--bootstrap', '50', '--out', out, '--write', '--dataset', 'hand-made fixture'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } })
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('setting 1 of 3 replayed\nsetting 2 of 3 replayed\nsetting 3 of 3 replayed\n')
    // Placed by the shipped gazetteer: 17 prefectures, 255 area-days of training.
    expect(r.stdout).toContain('Chosen: expires = 5d (best skill on the front with POD >= 0.5 on the training period).')
    expect(r.stdout).toMatch(/^\| 1 \| 5d \| 50\.0% \| 50\.0% \| 3 \| 6\.3% \|.* \| chosen, front \|$/m)
    const html = fs.readFileSync(path.join(out, 'calibration.html'), 'utf8')
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org)/)
    expect(html.match(/<circle /g)).toHaveLength(3)
    expect(html).toContain('class="chosen"')

    const written = fs.readFileSync(path.join(rules, FILE), 'utf8')
    // Only the changed lines differ: the swept value, the version, and the record appended.
    expect(written.startsWith(RULE.replace('expires: 10d', 'expires: 5d').replace('version: 1', 'version: 2'))).toBe(true)
    const loaded = parseRuleText(FILE, written)
    if ('problems' in loaded) throw new Error(JSON.stringify(loaded.problems))
    expect(loaded.rule.rule.validation).toMatchObject({
      dataset: 'hand-made fixture', mission: 'MINUSCA', outcomes: 'reports POC.KILL civiliansKilled>=5', scale: 'admin1-day', level: 'operational',
      training: { from: '2020-01-01', to: '2020-01-15' }, period: { from: '2020-01-16', to: '2020-01-31' },
      figures: { outcomes: 2, pod: 0, far: 1 }, ruleVersion: 2, contentHash: expect.stringMatching(/^[0-9a-f]{12}$/),
    })
    expect(validationWarnings([loaded.rule])).toEqual([])
    // Changed since it was measured: the record is stale, by content or by version.
    const edited = parseRuleText(FILE, written.replace('window: 30d', 'window: 20d'))
    const bumped = parseRuleText(FILE, written.replace('version: 2', 'version: 3'))
    if ('problems' in edited || 'problems' in bumped) throw new Error('the edits must stay valid')
    expect(validationWarnings([edited.rule]).map((w) => `${w.path} ${w.message}`)).toEqual([
      'validation stale validation record: the rule changed since it was measured (content hash differs); measure it again (vigil calibrate --write)',
    ])
    // The status is not content: a rule promoted or demoted on its record keeps the record.
    const demoted = parseRuleText(FILE, written.replace('status: experimental', 'status: test'))
    if ('problems' in demoted) throw new Error('the edit must stay valid')
    expect(validationWarnings([demoted.rule])).toEqual([])
    expect(validationWarnings([bumped.rule]).map((w) => w.message)).toEqual([
      'stale validation record: it measured version 2, the rule is version 3; measure it again (vigil calibrate --write)',
    ])
  })
})

describe('vigil calibrate --jobs: settings replayed on worker threads', () => {
  const line = (rules: string, out: string, jobs: string) => ['calibrate', '--reports', REPORTS, '--rules', rules, '--mission', 'MINUSCA',
    '--from', '2020-01-01', '--to', '2020-01-31', '--split', '2020-01-16', '--outcomes-from', 'reports', '--outcome', 'POC.KILL civiliansKilled>=5',
    '--indicator', 'POC-902', '--sweep', 'expires=5d,0d,10d,20d', '--draws', '50', '--bootstrap', '50', '--out', out, '--jobs', jobs]

  it('gives the same tables, in the sweep\'s order, as one setting after another (a refused value a row on either)', async () => {
    const rules = writeRules({ [FILE]: RULE })
    const [outOne, outTwo] = [path.join(tempDir(), 'one'), path.join(tempDir(), 'two')]
    const [one, two] = await Promise.all([vigilAsync(line(rules, outOne, '1'), {}, 120_000), vigilAsync(line(rules, outTwo, '3'), {}, 120_000)])
    expect([one.status, two.status]).toEqual([0, 0])
    expect(two.stderr).toBe('setting 1 of 4 replayed\nsetting 2 of 4 replayed\nsetting 3 of 4 replayed\nsetting 4 of 4 replayed\n')
    expect(two.stderr).toBe(one.stderr)
    expect(two.stdout.replaceAll(outTwo, outOne)).toBe(one.stdout)
    expect(two.stdout).toMatch(/^\| 1 \| 5d \| 50\.0% \| 50\.0% \| 3 \| 6\.3% \|.* \| chosen, front \|$/m)
    expect(two.stdout).toMatch(/^\| 2 \| 0d \| expires /m)
    const json = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'calibration.json'), 'utf8'))
    expect(json(outTwo)).toEqual(json(outOne))
    expect(json(outTwo).settings.map((s: { setting: string[] }) => s.setting[0])).toEqual(['5d', '0d', '10d', '20d'])
  })

  it('refuses a --jobs that is not a whole number of at least 1', () => {
    const r = vigil(line(writeRules({ [FILE]: RULE }), tempDir(), '0'))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^vigil calibrate: --jobs must be a whole number, 1 or more/)
  })
})

describe('rules check and validation records', () => {
  it('warns when a stable rule has no validation record, at its status', () => {
    const loaded = parseRuleText(FILE, RULE.replace('status: experimental', 'status: stable'))
    if ('problems' in loaded) throw new Error('valid')
    expect(validationWarnings([loaded.rule])).toEqual([{
      file: FILE, line: 4, column: 9, path: 'status',
      message: 'a stable rule with no validation record: measure it (vigil calibrate --write) or make it test',
    }])
  })
})

describe('rules check: a stable rule must show skill', () => {
  const record = (figures: Record<string, number | null>) => {
    const bare = parseRuleText(FILE, RULE.replace('status: experimental', 'status: stable'))
    if ('problems' in bare) throw new Error('valid')
    const block = ['validation:', '  dataset: hand-made', '  mission: MINUSCA', '  outcomes: reports POC.KILL', '  scale: admin1-day', '  level: operational',
      '  training: { from: 2020-01-01, to: 2020-01-15 }', '  period: { from: 2020-01-16, to: 2020-01-31 }',
      `  figures: ${JSON.stringify({ outcomes: 2, pod: 0.5, far: 0.5, medianLeadDays: 3, timeUnderWarning: 0.1, lift: 5, liftLow: 1.5, liftHigh: 9, skillVsPersistence: 1.2, peirce: 0.4, warningsPerAreaWeek: 0.01, pRandom: 0.01, persistenceDays: 30, ...figures })}`,
      '  date: 2026-12-05', '  ruleSetVersion: abc', '  ruleVersion: 1', `  contentHash: ${ruleContentHash(bare.rule.rule)}`].join('\n')
    const loaded = parseRuleText(FILE, `${RULE.replace('status: experimental', 'status: stable')}\n${block}\n`)
    if ('problems' in loaded) throw new Error(JSON.stringify(loaded.problems))
    return validationWarnings([loaded.rule]).map((w) => `${w.line}:${w.column} ${w.path} ${w.message}`)
  }

  it('passes a record whose lift interval is above 1 and whose skill vs persistence is at least 1', () => {
    expect(record({})).toEqual([])
    expect(record({ skillVsPersistence: 1 })).toEqual([])
  })

  it('warns at the status when the interval reaches down to 1, skill is under persistence, or the rule never warned', () => {
    expect(record({ liftLow: 0.77, lift: 3.49, liftHigh: 6.55, skillVsPersistence: 1.59 })).toEqual([
      "4:9 status a stable rule whose validation record shows no skill (lift 3.49, 95% interval 0.77-6.55, skill vs persistence 1.59; stable needs the interval above 1 and skill at least 1): make it test, or improve it and measure it again",
    ])
    expect(record({ liftLow: 1 })).toHaveLength(1)
    expect(record({ skillVsPersistence: 0.9 })).toHaveLength(1)
    expect(record({ lift: null, liftLow: null, liftHigh: null, skillVsPersistence: null })[0]).toContain('(lift n/a, 95% interval n/a-n/a, skill vs persistence n/a;')
  })
})

describe('sweeps and the front', () => {
  it('reads ranges, steps and lists, paths dotted or bracketed, an indicator in front', () => {
    expect(parseSweep('alerts[0].when.all[1].value=2..8')).toEqual({ label: 'alerts[0].when.all[1].value', indicator: null, path: ['alerts', 0, 'when', 'all', 1, 'value'], values: [2, 3, 4, 5, 6, 7, 8] })
    expect(parseSweep('POC-001:alerts.1.when.all.0.value=5..20/5')).toMatchObject({ indicator: 'POC-001', path: ['alerts', 1, 'when', 'all', 0, 'value'], values: [5, 10, 15, 20] })
    expect(parseSweep('window=7d, 14d,30d').values).toEqual(['7d', '14d', '30d'])
    expect(settingsOf([parseSweep('a=1..2'), parseSweep('b=x,y')])).toEqual([[1, 'x'], [1, 'y'], [2, 'x'], [2, 'y']])
    expect(() => parseSweep('window')).toThrow("write <path>=<values>")
    expect(() => parseSweep('a=8..2')).toThrow('the range 8..2 is empty')
    expect(() => settingsOf([parseSweep('a=1..30'), parseSweep('b=1..30')])).toThrow('the sweeps make 900 settings; at most 500')
  })

  it('the Pareto front: no other setting detects as much or more with as little time under warning or less', () => {
    expect(paretoFront([
      { pod: 0.5, timeUnderWarning: 0.1 }, { pod: 0.5, timeUnderWarning: 0.2 }, { pod: 0.7, timeUnderWarning: 0.3 },
      { pod: 0.6, timeUnderWarning: 0.4 }, { pod: 0.9, timeUnderWarning: 0.6 },
    ])).toEqual([true, false, true, false, true])
  })
})

describe('vigil calibrate without --sweep: the rule measured as it is', () => {
  it('replays the rule unchanged on training, then validation once, chooses nothing, and --write adds only the record', async () => {
    const rules = writeRules({ [FILE]: RULE })
    const c = await runCalibration({ ...options(rules), sweeps: [] })
    // The same figures as the 10d setting of the sweep above (the rule as it is), on both periods.
    expect(c).toMatchObject({ measured: true, chosen: 0, note: 'measured as it is: no --sweep, nothing chosen', currentValidation: null })
    expect(c.settings.map((s) => [s.setting, s.row!.rules.detected, s.row!.rules.outcomes, s.row!.rules.underWarning, s.current])).toEqual([[[], 1, 2, 18, true]])
    expect(c.chosenValidation.rules).toMatchObject({ steps: 48, outcomes: 2, detected: 1, underWarning: 23, leadTimeDays: { median: 10 } })
    expect(c.chosenTexts).toEqual([{ file: FILE, indicator: 'POC-902', text: RULE, changed: false }])
    expect(calibrationMarkdown(c)).toContain('Measured as it is: nothing swept, nothing chosen.')
    expect(sweepTable(c).split('\n')[2]).toMatch(/^\| 1 \| 50\.0% \|.*\| as it is \|$/)

    const out: string[] = []
    const code = await calibrateCommand(['--reports', REPORTS, '--rules', rules, '--mission', 'MINUSCA', '--from', '2020-01-01', '--to', '2020-01-31',
      '--split', '2020-01-16', '--outcomes-from', 'reports', '--outcome', 'POC.KILL civiliansKilled>=5', '--indicator', 'POC-902',
      '--draws', '50', '--bootstrap', '50', '--write', '--dataset', 'hand-made fixture'], { write: (s: string) => out.push(s) }, { write: () => true }, () => '2026-12-05')
    expect(code).toBe(0)
    expect(out.join('')).toContain(`wrote ${path.join(rules, FILE)} with its validation record`)
    const written = fs.readFileSync(path.join(rules, FILE), 'utf8')
    // The rule itself untouched (version 1, every line as before); the record appended.
    expect(written.startsWith(RULE)).toBe(true)
    const loaded = parseRuleText(FILE, written)
    if ('problems' in loaded) throw new Error(JSON.stringify(loaded.problems))
    expect(loaded.rule.rule.validation).toMatchObject({
      ruleVersion: 1, date: '2026-12-05', training: { from: '2020-01-01', to: '2020-01-15' }, period: { from: '2020-01-16', to: '2020-01-31' },
      figures: { outcomes: 2, pod: 0.5, medianLeadDays: 10 },
    })
    expect(validationWarnings([loaded.rule])).toEqual([])
  })
})
