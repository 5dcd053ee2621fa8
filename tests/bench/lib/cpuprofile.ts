/** A tiny .cpuprofile summariser: top functions by self time, and self time grouped by package/area. */
import fs from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples?: number[]
  timeDeltas?: number[]
  startTime: number
  endTime: number
}

export interface ProfileEntry {
  name: string
  where: string
  selfMs: number
  selfPct: number
}

export interface ProfileSummary {
  file: string
  totalMs: number
  top: ProfileEntry[]
  byArea: { area: string; selfMs: number; selfPct: number }[]
}

function shortUrl(url: string): string {
  if (!url) return ''
  const u = url.replace(/^file:\/\//, '')
  const nm = u.lastIndexOf('node_modules/')
  if (nm >= 0) return u.slice(nm + 'node_modules/'.length)
  const src = u.indexOf('/src/')
  if (src >= 0) return u.slice(src + 1)
  const tests = u.indexOf('/tests/')
  if (tests >= 0) return u.slice(tests + 1)
  return u.replace(/^node:/, 'node:')
}

/** What part of the stack a frame belongs to: a package, a vigil folder, node internals, GC. */
function areaOf(node: ProfileNode): string {
  const url = node.callFrame.url
  const fn = node.callFrame.functionName
  if (!url) {
    if (fn === '(garbage collector)') return 'GC'
    if (fn === '(idle)' || fn === '(program)') return fn
    return 'native/builtin'
  }
  const s = shortUrl(url)
  if (s.startsWith('node:') || s.startsWith('internal')) return 'node internals'
  if (s.startsWith('src/')) return `vigil ${s.split('/').slice(0, 2).join('/')}`
  const parts = s.split('/')
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
}

export function summarizeProfile(file: string, topN = 15): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  /** The nearest caller that is JavaScript of vigil or a package: where a native call (SQL, I/O) comes from. */
  const jsCaller = (id: number): ProfileNode | null => {
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const n = byId.get(p)!
      if (n.callFrame.url && !n.callFrame.url.startsWith('node:') && !n.callFrame.url.includes('better-sqlite3/lib')) return n
    }
    return null
  }
  const self = new Map<number, number>()
  if (prof.samples && prof.timeDeltas) {
    for (let i = 0; i < prof.samples.length; i++) {
      const id = prof.samples[i]!
      self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000)
    }
  } else {
    const interval = (prof.endTime - prof.startTime) / 1000 / Math.max(1, prof.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0))
    for (const n of prof.nodes) self.set(n.id, (n.hitCount ?? 0) * interval)
  }
  const fns = new Map<string, ProfileEntry>()
  const areas = new Map<string, number>()
  let total = 0
  for (const [id, ms] of self) {
    const node = byId.get(id)!
    const fn = node.callFrame.functionName || '(anonymous)'
    if (fn === '(idle)') continue
    total += ms
    // Native frames (SQLite statements, writes) are named with the function that called them.
    const caller = node.callFrame.url ? null : jsCaller(id)
    const where = node.callFrame.url ? shortUrl(node.callFrame.url) : caller ? `called from ${caller.callFrame.functionName || '(anonymous)'} (${shortUrl(caller.callFrame.url)})` : ''
    // The inspector serialising the profile at its stop is not the service's work.
    if (where.includes('bench-server.ts')) continue
    const key = `${fn}@${where}`
    const e = fns.get(key) ?? { name: fn, where, selfMs: 0, selfPct: 0 }
    e.selfMs += ms
    fns.set(key, e)
    const area = areaOf(node)
    areas.set(area, (areas.get(area) ?? 0) + ms)
  }
  const pct = (ms: number) => Math.round((ms / total) * 1000) / 10
  const top = [...fns.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN)
    .map((e) => ({ ...e, selfMs: Math.round(e.selfMs), selfPct: pct(e.selfMs) }))
  const byArea = [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, topN)
    .map(([area, ms]) => ({ area, selfMs: Math.round(ms), selfPct: pct(ms) }))
  return { file, totalMs: Math.round(total), top, byArea }
}

/** The newest .cpuprofile in a directory. */
export function newestProfile(dir: string): string | null {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ f, t: fs.statSync(`${dir}/${f}`).mtimeMs })).sort((a, b) => b.t - a.t)
  return files[0] ? `${dir}/${files[0].f}` : null
}
