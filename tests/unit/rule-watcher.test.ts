import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { writeRules } from '../helpers/test-app.js'
import { watchRules, type RuleWatcher } from '../../src/rules/rule-watcher.js'

let watcher: RuleWatcher | undefined
afterEach(() => { watcher?.close(); watcher = undefined })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves when `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, ms = 3000) {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await sleep(20)
  }
}

describe('watchRules', () => {
  it('collapses a burst of changes, in subfolders too, into one call after the quiet time', async () => {
    const dir = writeRules({ 'hostile-acts/HOS-101-a.yaml': 'id: HOS-101\n' })
    let calls = 0
    // A quiet time well above the gaps between the writes below, so a slow machine cannot split the burst.
    watcher = watchRules(dir, () => { calls++ }, { debounceMs: 400 })
    for (let i = 0; i < 5; i++) {
      fs.writeFileSync(path.join(dir, 'hostile-acts/HOS-101-a.yaml'), `id: HOS-101\n# edit ${i}\n`)
      await sleep(20)
    }
    fs.mkdirSync(path.join(dir, 'safety'))
    fs.writeFileSync(path.join(dir, 'safety/SAF-101-b.yaml'), 'id: SAF-101\n')
    await until(() => calls > 0)
    await sleep(800)
    expect(calls).toBe(1)

    fs.rmSync(path.join(dir, 'safety/SAF-101-b.yaml'))
    await until(() => calls === 2)
  })

  it('calls nothing once closed, even for a change made just before', async () => {
    const dir = writeRules({ 'hostile-acts/HOS-101-a.yaml': 'id: HOS-101\n' })
    let calls = 0
    watcher = watchRules(dir, () => { calls++ }, { debounceMs: 50 })
    fs.writeFileSync(path.join(dir, 'hostile-acts/HOS-101-a.yaml'), 'id: HOS-101\n# edited\n')
    await sleep(10)
    watcher.close()
    await sleep(200)
    expect(calls).toBe(0)
  })
})
