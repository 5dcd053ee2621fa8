import type { AlertState } from '../alerts/alert.js'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import { el, renderXml, type XmlNode } from './xml.js'

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2'

/** One alert change as CAP sees it. */
export interface CapChange {
  seq: number
  kind: string
  at: number
  alert: AlertState
}

export interface CapContext {
  taxonomy: Taxonomy
  /** The indicator's title, when the live rules still hold it. */
  title?: string | undefined
  /** Earlier messages of the same alert this one refers to (Update, Cancel). */
  earlier: CapChange[]
}

/** CAP times: seconds, and an explicit offset (the schema's pattern refuses `Z`). */
export function capTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}+00:00`
}

export const capSender = (mission: string) => `urn:vigil:${mission}`
export const capIdentifier = (c: CapChange) => `urn:vigil:alert:${c.alert.id}:${c.seq}`

/** raised: Alert; an alert that ended (withdrawn, expired, resolved): Cancel; any other change: Update. */
export function msgTypeOf(kind: string): 'Alert' | 'Update' | 'Cancel' {
  if (kind === 'raised') return 'Alert'
  if (kind === 'withdrawn' || kind === 'expired' || kind === 'resolved') return 'Cancel'
  return 'Update'
}

const SEVERITY = { critical: 'Extreme', high: 'Severe', medium: 'Moderate', low: 'Minor' } as const
const CERTAINTY = { high: 'Likely', medium: 'Possible', low: 'Unlikely' } as const

/** The horizon of each level (hours, weeks, months); a severe tactical alert needs action now. */
function urgencyOf(a: AlertState, cancel: boolean): string {
  if (cancel) return 'Past'
  if (a.level === 'tactical') return a.grade === 'critical' || a.grade === 'high' ? 'Immediate' : 'Expected'
  return a.level === 'operational' ? 'Expected' : 'Future'
}

function responseTypeOf(a: AlertState, cancel: boolean): string {
  if (cancel) return 'AllClear'
  return a.grade === 'critical' ? 'Avoid' : a.grade === 'high' ? 'Prepare' : 'Monitor'
}

/** CAP categories from the taxonomy's UNSMS crosswalk: hazards are Safety (Health for illness), the rest Security. */
export function capCategories(a: AlertState, taxonomy: Taxonomy): string[] {
  const out = new Set<string>()
  const codes = a.taxonomy.flatMap((c) => (taxonomy.codes.has(c) ? [c] : (taxonomy.tops.get(c)?.subcategories.map((s) => s.code) ?? [])))
  for (const code of codes) {
    const sub = taxonomy.codes.get(code)
    if (!sub) continue
    for (const u of sub.unsms) out.add(u === 'hazard' ? (sub.fatalityCause === 'Illness' ? 'Health' : 'Safety') : 'Security')
  }
  if (out.size === 0) out.add(a.topCategory === 'HLT' ? 'Health' : a.topCategory === 'SAF' ? 'Safety' : 'Security')
  return [...out].sort()
}

/** Response actions (issue 18) as one instruction text, whatever shape they come in. */
function instructionOf(a: AlertState): string | null {
  const response = (a as AlertState & { response?: unknown }).response
  if (response === undefined || response === null) return null
  const text = (v: unknown): string => {
    if (typeof v === 'string') return v
    if (Array.isArray(v)) return v.map(text).filter(Boolean).join('\n')
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>
      const main = [o.action, o.text, o.title, o.instruction].find((x) => typeof x === 'string') as string | undefined
      if (main) return main
      if (o.actions !== undefined) return text(o.actions)
    }
    return ''
  }
  const out = text(response).trim()
  return out.length > 0 ? out : null
}

function areaDescOf(a: AlertState): string {
  const s = a.scope
  const parts = [s.route && `route ${s.route}`, s.site && `site ${s.site}`, s.admin2, s.admin1].filter(Boolean) as string[]
  if (s.radiusKm !== undefined && s.center) parts.unshift(`within ${s.radiusKm} km of ${s.center.lat.toFixed(3)}, ${s.center.lon.toFixed(3)}`)
  return parts.length > 0 ? `${parts.join(', ')} (${a.mission})` : `${a.mission} mission area`
}

/** A polygon as CAP writes it: "lat,lon" pairs, the ring closed; from [lon, lat] rings (GeoJSON order). */
function capPolygon(ring: unknown): string | null {
  if (!Array.isArray(ring) || ring.length < 3) return null
  const pts = ring.filter((p): p is [number, number] => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number')
  if (pts.length < 3) return null
  const closed = pts[0]![0] === pts[pts.length - 1]![0] && pts[0]![1] === pts[pts.length - 1]![1] ? pts : [...pts, pts[0]!]
  return closed.length >= 4 ? closed.map(([lon, lat]) => `${lat},${lon}`).join(' ') : null
}

/** The outer ring of an area polygon, if the alert carries one (GeoJSON Polygon or MultiPolygon, or a bare ring). */
function polygonOf(a: AlertState): string | null {
  const g = (a as AlertState & { areaPolygon?: unknown }).areaPolygon ?? (a.scope as unknown as { polygon?: unknown }).polygon
  if (!g) return null
  if (Array.isArray(g)) return capPolygon(Array.isArray(g[0]?.[0]) ? g[0] : g)
  const geo = g as { type?: string; coordinates?: unknown }
  if (geo.type === 'Polygon' && Array.isArray(geo.coordinates)) return capPolygon(geo.coordinates[0])
  if (geo.type === 'MultiPolygon' && Array.isArray(geo.coordinates)) return capPolygon((geo.coordinates[0] as unknown[] | undefined)?.[0])
  return null
}

function areaOf(a: AlertState): XmlNode {
  const s = a.scope
  const polygon = polygonOf(a)
  const circle = s.center && s.radiusKm !== undefined
    ? `${s.center.lat},${s.center.lon} ${s.radiusKm}`
    : s.centroid ? `${s.centroid.lat},${s.centroid.lon} 0` : null
  const geocodes = (['admin1', 'admin2', 'route', 'site'] as const).filter((k) => s[k] !== undefined)
    .map((k) => el('geocode', [el('valueName', `vigil:${k}`), el('value', s[k]!)]))
  return el('area', [el('areaDesc', areaDescOf(a)), polygon ? el('polygon', polygon) : null, circle ? el('circle', circle) : null, ...geocodes])
}

const reference = (c: CapChange) => `${capSender(c.alert.mission)},${capIdentifier(c)},${capTime(c.at)}`

/** One alert change as a CAP 1.2 `alert` element (restricted to the mission, never public). */
export function capAlert(c: CapChange, ctx: CapContext): XmlNode {
  const a = c.alert
  const msgType = msgTypeOf(c.kind)
  const cancel = msgType === 'Cancel'
  // The first message of the alert and the one just before: what an Update or Cancel refers to.
  const refs = msgType === 'Alert' ? [] : [...new Map([ctx.earlier[0], ctx.earlier[ctx.earlier.length - 1]].filter((x): x is CapChange => x !== undefined).map((x) => [x.seq, x])).values()]
  const instruction = instructionOf(a)
  const facts = Object.entries(a.facts).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`).join(', ')
  const description = [a.summary, `Status: ${a.status}${a.statusReason ? ` (${a.statusReason})` : ''}.`, facts ? `Facts: ${facts}.` : ''].filter(Boolean).join(' ')
  return el('alert', [
    el('identifier', capIdentifier(c)),
    el('sender', capSender(a.mission)),
    el('sent', capTime(c.at)),
    el('status', 'Actual'),
    el('msgType', msgType),
    el('source', `vigil indicator ${a.indicatorId} v${a.indicatorVersion}, rule set ${a.ruleSetVersion}`),
    el('scope', 'Restricted'),
    el('restriction', `UN peacekeeping mission ${a.mission}: mission and UN headquarters staff only`),
    el('code', 'vigil'),
    cancel || c.kind !== 'raised' ? el('note', `${c.kind}${a.statusReason ? `: ${a.statusReason}` : ''}`) : null,
    refs.length > 0 ? el('references', refs.map(reference).join(' ')) : null,
    el('incidents', `urn:vigil:alert:${a.id}`),
    el('info', [
      el('language', 'en'),
      ...capCategories(a, ctx.taxonomy).map((cat) => el('category', cat)),
      el('event', ctx.title ? `${a.indicatorId} ${ctx.title}` : a.indicatorId),
      el('responseType', responseTypeOf(a, cancel)),
      el('urgency', urgencyOf(a, cancel)),
      el('severity', SEVERITY[a.grade]),
      el('certainty', CERTAINTY[a.confidence]),
      el('eventCode', [el('valueName', 'vigil:indicator'), el('value', a.indicatorId)]),
      ...a.taxonomy.map((code) => el('eventCode', [el('valueName', 'vigil:taxonomy'), el('value', code)])),
      el('effective', capTime(a.raisedAt)),
      el('onset', capTime(a.firstSeen)),
      el('expires', capTime(cancel ? c.at : a.expiresAt)),
      el('senderName', `vigil early warning, ${a.mission}`),
      el('headline', a.summary.length > 160 ? `${a.summary.slice(0, 157)}...` : a.summary),
      el('description', description),
      instruction ? el('instruction', instruction) : null,
      el('parameter', [el('valueName', 'vigil:level'), el('value', a.level)]),
      el('parameter', [el('valueName', 'vigil:grade'), el('value', a.grade)]),
      el('parameter', [el('valueName', 'vigil:confidence'), el('value', a.confidence)]),
      el('parameter', [el('valueName', 'vigil:change'), el('value', c.kind)]),
      areaOf(a),
    ]),
  ], { xmlns: CAP_NAMESPACE })
}

export const renderCapAlert = (c: CapChange, ctx: CapContext) => renderXml(capAlert(c, ctx))
