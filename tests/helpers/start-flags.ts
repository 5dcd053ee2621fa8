import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../../src/paths.js'

/**
 * The node flags `npm start` runs the service with (package.json's start script, between `node`
 * and the CLI): the image's CMD must use the same, and the benchmarks start the service with them.
 */
export function startFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  const m = /^node((?: --[\w-]+(?:=\S+)?)*) dist\/cli\/main\.js serve$/.exec(pkg.scripts.start ?? '')
  if (!m) throw new Error(`package.json start is not "node [flags] dist/cli/main.js serve": ${pkg.scripts.start}`)
  return m[1]!.trim().split(' ').filter(Boolean)
}
