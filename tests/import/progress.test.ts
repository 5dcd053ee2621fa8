import { describe, expect, it } from 'vitest'
import { progressBar, progressLine } from '../../src/import/progress.js'

function stream(isTTY: boolean) {
  const s = { isTTY, columns: 100, text: '', write(t: string) { s.text += t; return true } }
  return s
}

describe('progress bar', () => {
  it('draws a bar with the share done, the count, the rate and the time left', () => {
    expect(progressLine('importing', 250, 1000, 5000)).toBe('importing  [######------------------]  25%  250/1,000  50/s  15s left')
    expect(progressLine('replaying', 12_345, null, 1000)).toBe('replaying  12,345  12,345/s')
  })

  it('redraws in place on a terminal, at most every 100 ms, and clears itself at the end', () => {
    let now = 0
    const out = stream(true)
    const bar = progressBar(out, () => now)
    bar.start('importing', 4)
    bar.update(1)
    now = 50
    bar.update(2) // too soon: not drawn
    now = 200
    bar.update(3)
    bar.finish()
    const frames = out.text.split('\r').filter((f) => f.trim() !== '')
    expect(frames.map((f) => f.trim().split('  ').slice(0, 3).join('  '))).toEqual([
      'importing  [######------------------]  25%',
      'importing  [##################------]  75%',
    ])
    expect(out.text.endsWith('\r')).toBe(true)
  })

  it('writes nothing when the stream is not a terminal (a log or a pipe gets only the summary)', () => {
    const out = stream(false)
    const bar = progressBar(out)
    bar.start('importing', 10)
    for (let i = 1; i <= 10; i++) bar.update(i)
    bar.finish()
    expect(out.text).toBe('')
  })
})
