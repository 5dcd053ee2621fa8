import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/test-app.js'
import { vigilAsync } from '../helpers/cli-process.js'
import { ROOT } from '../../src/paths.js'

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

/** No user ever sees a stack trace for an expected error. */
const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m

// Child processes on a shared 2-core machine: generous timeouts, the assertions are about output.
describe('vigil on the command line (real processes)', { timeout: 90_000 }, () => {
  it('every command and subcommand answers --help with its usage and exit 0, doing nothing else', async () => {
    const db = path.join(tempDir(), 'vigil.db')
    // A port another test would notice, on a database that must not be created.
    const env = { VIGIL_DB: db, PORT: '0', HOST: '127.0.0.1' }
    const paths = [[], ['serve'], ['rules'], ['rules', 'check'], ['rules', 'test'], ['rules', 'diff'], ['keys'], ['keys', 'create'],
      ['keys', 'list'], ['keys', 'revoke'], ['schemas'], ['schemas', 'build'], ['schemas', 'check'], ['import'], ['backtest']]
    // A few at a time: each is a Node process loading TypeScript on a 2-core machine.
    const runs = []
    for (let i = 0; i < paths.length; i += 3) runs.push(...await Promise.all(paths.slice(i, i + 3).map((p) => vigilAsync([...p, '--help'], env, 60_000))))
    runs.forEach((run, i) => {
      const name = ['vigil', ...paths[i]!].join(' ')
      expect(run.status, `${name} --help: ${run.stderr}`).toBe(0)
      expect(run.stdout, name).toMatch(/^usage: vigil/)
      expect(run.stderr, name).toBe('')
    })
    expect(runs[1]!.stdout).toContain('usage: vigil serve')
    expect(runs[3]!.stdout).toContain('usage: vigil rules check [dir]')
    expect(fs.existsSync(db), 'a --help opened the database').toBe(false)
  }, 300_000)

  it('answers --version at the top and on any command, exit 0', async () => {
    const runs = await Promise.all([['--version'], ['serve', '--version'], ['keys', 'create', '--version']].map((a) => vigilAsync(a)))
    for (const run of runs) {
      expect(run.status).toBe(0)
      expect(run.stdout).toBe(`vigil ${VERSION}\n`)
    }
  })

  it('says "unknown command" (exit 2) for a command or subcommand it does not have', async () => {
    const [top, sub] = await Promise.all([vigilAsync(['frobnicate']), vigilAsync(['rules', 'lint'])])
    expect(top.status).toBe(2)
    expect(top.stderr).toContain("vigil: unknown command 'frobnicate'")
    expect(sub.status).toBe(2)
    expect(sub.stderr).toContain("unknown command 'rules lint' (rules has: check, test, diff)")
  })

  it('says which argument is wrong and why (exit 2), never with a stack trace', async () => {
    const db = path.join(tempDir(), 'vigil.db')
    const [role, missing, unknownOption, extra] = await Promise.all([
      vigilAsync(['keys', 'create', '--role', 'boss', '--name', 'x'], { VIGIL_DB: db }),
      vigilAsync(['rules', 'test', '/no/such/rules']),
      vigilAsync(['rules', 'check', '--bogus']),
      vigilAsync(['serve', 'now']),
    ])
    expect(role.status).toBe(2)
    expect(role.stderr).toContain("--role must be one of analyst, joc, hq, admin, partner, not 'boss'")
    expect(fs.existsSync(db), 'a wrong command line opened the database').toBe(false)
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('vigil rules test: /no/such/rules: no such file or directory')
    expect(unknownOption.status).toBe(2)
    expect(unknownOption.stderr).toMatch(/vigil rules check: Unknown option '--bogus'/)
    expect(extra.status).toBe(2)
    expect(extra.stderr).toContain("vigil serve: unexpected argument 'now'")
    for (const run of [role, missing, unknownOption, extra]) expect(run.stderr).not.toMatch(NO_STACK)
  })

  it('says "an analyst key" when its missions are missing (exit 1)', async () => {
    const run = await vigilAsync(['keys', 'create', '--role', 'analyst', '--name', 'JMAC Gao'], { VIGIL_DB: path.join(tempDir(), 'vigil.db') })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('an analyst key needs at least one mission')
  })

  it('vigil import --help agrees with the README: importing beside a running service is supported', async () => {
    const run = await vigilAsync(['import', '--help'])
    expect(run.stdout).toContain('The service may\nbe running on the same database')
    expect(run.stdout).not.toMatch(/stop the service/i)
  })
})
