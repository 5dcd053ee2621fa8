/**
 * `npm ci` builds dist/ once (the `prepare` script) and `npm start` rebuilds only when a source
 * changed: the build script, run on a copy of the project, leaves a current dist/ untouched.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../src/paths.js'
import { tempDir } from '../helpers/test-app.js'

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }

/** The project's sources and build configuration in a temporary folder, sharing node_modules. */
function projectCopy(): string {
  const dir = tempDir('vigil-build-')
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f))
  fs.cpSync(path.join(ROOT, 'src'), path.join(dir, 'src'), { recursive: true })
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  return dir
}

const build = (dir: string) => execFileSync('npm', ['run', '-s', 'build'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' })
const mtime = (file: string) => fs.statSync(file).mtimeMs

describe('build once', () => {
  it('npm ci builds (prepare) and npm start builds through the same script', () => {
    expect(pkg.scripts.prepare).toBe('npm run -s build')
    expect(pkg.scripts.prestart).toBe('npm run -s build')
  })

  it('the build leaves a current dist/ untouched and rebuilds what a changed source needs', () => {
    const dir = projectCopy()
    build(dir)
    const app = path.join(dir, 'dist/app.js')
    const clock = path.join(dir, 'dist/clock.js')
    const before = { app: mtime(app), clock: mtime(clock) }

    build(dir)
    expect(mtime(app)).toBe(before.app)
    expect(mtime(clock)).toBe(before.clock)

    fs.appendFileSync(path.join(dir, 'src/clock.ts'), '\nexport const BUILD_PROBE = 1\n')
    build(dir)
    expect(fs.readFileSync(clock, 'utf8')).toContain('BUILD_PROBE')
  }, 300_000)
})
