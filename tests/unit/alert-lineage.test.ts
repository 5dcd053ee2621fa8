import { describe, expect, it } from 'vitest'
import type { AlertState } from '../../src/alerts/alert.js'
import { AlertIndex } from '../../src/engine/alert-index.js'
import { lineageOf } from '../../src/engine/alert-lineage.js'

/** An active alert of an indicator, as much of one as the index reads. */
const alert = (indicatorId: string, n: number) => ({
  identity: `${indicatorId}|M|n=${n}`, indicatorId, mission: 'M', topCategory: 'HOS', level: 'operational', grade: 'high', rank: 5,
  status: 'open', scope: { mission: 'M', groupBy: {} }, expiresAt: 10_000, seq: 0,
}) as unknown as Omit<AlertState, 'id'>

describe('the lineage of an alert', () => {
  it('finds the same indicators from the alert inputs the index keeps apart as from every input, through links made and unmade', () => {
    const index = new AlertIndex()
    const [a, b, c, d, e] = ['HOS-001', 'HOS-002', 'ESC-001', 'ESC-002', 'ESC-003'].map((id, i) => index.insert(alert(id, i))) as [number, number, number, number, number]
    index.link(a, ['R1', 'R2'])
    index.link(b, ['R3'])
    index.link(c, [`alert:${a}`, `alert:${b}`, 'R4'])
    index.link(d, [`alert:${c}`])
    index.link(e, [`alert:${d}`, `alert:${b}`])
    // Only inputIds and get: the way a store without the alert inputs apart is read.
    const plain = { inputIds: (id: number) => index.inputIds(id), get: (id: number) => index.get(id) }
    const both = (id: number) => {
      const kept = [...lineageOf(index, index.get(id)!)].sort()
      expect(kept).toEqual([...lineageOf(plain, index.get(id)!)].sort())
      return kept
    }
    expect(both(e)).toEqual(['ESC-001', 'ESC-002', 'ESC-003', 'HOS-001', 'HOS-002'])
    expect(both(d)).toEqual(['ESC-001', 'ESC-002', 'HOS-001', 'HOS-002'])
    expect(both(a)).toEqual(['HOS-001'])
    // A withdrawn alert input is unlinked from everything that counted it.
    index.unlink(`alert:${c}`)
    expect(both(d)).toEqual(['ESC-002'])
    expect(both(e)).toEqual(['ESC-002', 'ESC-003', 'HOS-002'])
  })
})
