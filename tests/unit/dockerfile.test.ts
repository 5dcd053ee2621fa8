/**
 * Docker cannot run where the tests run, so the Dockerfile is held to what a mission's offline
 * build needs by reading it: no frontend image fetched at build time, and one supported Node
 * image for both stages (the native module is compiled for the Node that runs it).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../src/paths.js'
import { startFlags } from '../helpers/start-flags.js'

const text = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
const lines = text.split('\n')

/** The base image of each stage, ARG defaults substituted. */
function stageImages(): string[] {
  const args = new Map<string, string>()
  for (const m of text.matchAll(/^ARG (\w+)=(\S+)$/gm)) args.set(m[1]!, m[2]!)
  return [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? ''))
}

describe('Dockerfile', () => {
  it('has no syntax directive (it would fetch a frontend image at build time)', () => {
    expect(lines.filter((l) => /^#\s*syntax\s*=/i.test(l))).toEqual([])
  })

  it('builds and runs on one Node LTS image of version 24 or later', () => {
    const images = stageImages()
    expect(images).toHaveLength(2)
    expect(new Set(images).size).toBe(1)
    const major = Number(/^node:(\d+)/.exec(images[0]!)?.[1])
    expect(major).toBeGreaterThanOrEqual(24)
    expect(major % 2).toBe(0)
  })

  it('installs without running prepare before the sources are copied, and starts the built CLI with npm start\'s node flags', () => {
    const install = lines.findIndex((l) => /npm ci/.test(l))
    const copySrc = lines.findIndex((l) => /^COPY src /.test(l))
    expect(install).toBeGreaterThan(-1)
    expect(install < copySrc ? /--ignore-scripts/.test(lines[install]!) : true).toBe(true)
    const cmd = ['node', ...startFlags(), 'dist/cli/main.js', 'serve'].map((a) => JSON.stringify(a)).join(', ')
    expect(lines).toContain(`CMD [${cmd}]`)
    expect(startFlags()).toContain('--max-semi-space-size=32')
    expect(text).toMatch(/^USER node$/m)
  })

  it('builds every native module the service loads after installing without scripts (the ones package.json allows scripts for, bar the build tools)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean>; dependencies: Record<string, string> }
    const native = Object.keys(pkg.allowScripts).filter((name) => name in pkg.dependencies)
    expect(native.sort()).toEqual(['better-sqlite3', 're2'])
    const rebuild = lines.find((l) => /npm rebuild/.test(l)) ?? ''
    for (const name of native) expect(rebuild, name).toMatch(new RegExp(`npm rebuild[^&]*\\b${name}\\b`))
  })
})
