import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BAD_RULES_DIR } from '../helpers/rule-fixtures.js'
import { writeRules } from '../helpers/test-app.js'
import { vigil } from '../helpers/cli-process.js'

describe('vigil rules check (a real process)', () => {
  it('reports a file\'s schema error and its errors of meaning together, and counts every file read', () => {
    const dir = writeRules({
      'hostile-acts/HOS-920-schema-error-beside-meaning-errors.yaml': fs.readFileSync(path.join(BAD_RULES_DIR, 'schema-error-beside-meaning-errors.bad.yaml'), 'utf8'),
      'hostile-acts/HOS-921-broken.yaml': 'id: HOS-921\ntitle: [unclosed\n',
    })
    const run = vigil(['rules', 'check', dir])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("severity  unknown field 'severity'")
    expect(run.stderr).toContain("taxonomy.1  unknown taxonomy code 'HOS.MORTAR'")
    expect(run.stderr).toContain("alerts.0.when.all.1.fact  unknown fact 'deaths'")
    expect(run.stdout).toMatch(/^2 rule file\(s\) checked, \d+ problem\(s\)\n$/)
  })
})
