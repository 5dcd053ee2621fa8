import { didYouMean } from '../rules/did-you-mean.js'
import { areaKey, routeKey, siteKey } from './place-names.js'
import type { AreaFeature, ProblemSink, RouteFeature, SiteFeature } from './geojson-features.js'
import type { Gazetteer } from './gazetteer-types.js'

/**
 * The checks only a whole mission shows: duplicate keys, parents, names that collide, sites
 * outside the mission's areas. Each file's own checks are in geojson-features.ts.
 */

export interface MissionFeatures {
  areas: AreaFeature[]
  sites: SiteFeature[]
  routes: RouteFeature[]
}

export interface MissionSinks {
  areas: ProblemSink
  sites: ProblemSink
  routes: ProblemSink
}

type Path = (string | number)[]
const props = (i: number, ...rest: Path): Path => ['features', i, 'properties', ...rest]

function duplicates(items: { index: number; key: string }[], sink: ProblemSink, field: string, what: string) {
  const seen = new Map<string, number>()
  for (const { index, key } of items) {
    const first = seen.get(key)
    if (first !== undefined) sink.add(props(index, field), `duplicate ${what} ${key} (also features.${first})`)
    else seen.set(key, index)
  }
}

interface NameEntry { key: string; path: Path; text: string; alt: boolean }
interface Named { index: number; label: string; group: string; names: NameEntry[] }

/**
 * Names that two features of one class share. An alternate name that is another feature's name
 * or alternate name is an error: a report spelt that way would land on either. Two features
 * with the same name are a warning (real: two villages called Bossangoa); the name finds the
 * first, and the P-code or id tells them apart.
 */
function nameCollisions(items: Named[], sink: ProblemSink, what: string) {
  const owners = new Map<string, { index: number; label: string; alt: boolean }>()
  for (const item of items) {
    for (const n of item.names) {
      if (n.key === '') continue
      const k = `${item.group}\0${n.key}`
      const owner = owners.get(k)
      if (!owner) {
        owners.set(k, { index: item.index, label: item.label, alt: n.alt })
        continue
      }
      if (owner.index === item.index) continue
      const theirs = `${owner.alt ? 'an alternate name' : 'the name'} of ${owner.label} (features.${owner.index})`
      if (!n.alt && !owner.alt) {
        sink.add(n.path, `two ${what} are named '${n.text}': this one and ${owner.label} (features.${owner.index}); a name finds the first, refer to this one by its ${what === 'sites' || what === 'routes' ? 'id' : 'P-code'}`, 'warning')
      } else {
        sink.add(n.path, `${n.alt ? 'alternate name' : 'name'} '${n.text}' is also ${theirs}: a report using it could mean either`)
      }
    }
  }
}

function checkAreas(areas: AreaFeature[], sink: ProblemSink) {
  duplicates(areas.map((a) => ({ index: a.index, key: a.props.pcode })), sink, 'pcode', 'P-code')
  const byPcode = new Map<string, AreaFeature>()
  for (const a of areas) if (!byPcode.has(a.props.pcode)) byPcode.set(a.props.pcode, a)
  const level1 = areas.filter((a) => a.props.level === 1).map((a) => a.props.pcode)
  for (const a of areas) {
    const parent = a.props.parent
    if (a.props.level === 1) {
      if (parent) sink.add(props(a.index, 'parent'), 'a level-1 area has no parent; remove it, or make this area level 2')
      continue
    }
    if (!parent) {
      sink.add(props(a.index), `missing required property 'parent': a level-2 area names the P-code of its level-1 area`)
      continue
    }
    const p = byPcode.get(parent)
    if (!p) sink.add(props(a.index, 'parent'), `unknown parent P-code '${parent}'${didYouMean(parent, level1)}`)
    else if (p.props.level !== 1) sink.add(props(a.index, 'parent'), `parent ${parent} (${p.props.name}) is a level-2 area; a level-2 area's parent is a level-1 area`)
  }
  nameCollisions(areas.map((a) => ({
    index: a.index,
    label: `${a.props.name} (${a.props.pcode})`,
    group: String(a.props.level),
    names: [
      { key: areaKey(a.props.name), path: props(a.index, 'name'), text: a.props.name, alt: false },
      ...a.props.altNames.map((t, j) => ({ key: areaKey(t), path: props(a.index, 'altNames', j), text: t, alt: true })),
    ],
  })), sink, 'areas')
}

function checkSites(sites: SiteFeature[], sink: ProblemSink, mission: string) {
  duplicates(sites.map((s) => ({ index: s.index, key: s.props.id })), sink, 'id', 'site id')
  nameCollisions(sites.map((s) => ({
    index: s.index,
    label: `${s.props.name} (${s.props.id})`,
    group: '',
    names: [
      { key: siteKey(s.props.name, mission), path: props(s.index, 'name'), text: s.props.name, alt: false },
      ...s.props.altNames.map((t, j) => ({ key: siteKey(t, mission), path: props(s.index, 'altNames', j), text: t, alt: true })),
    ],
  })), sink, 'sites')
}

function checkRoutes(routes: RouteFeature[], sink: ProblemSink) {
  duplicates(routes.map((r) => ({ index: r.index, key: r.props.id })), sink, 'id', 'route id')
  nameCollisions(routes.map((r) => ({
    index: r.index,
    label: `${r.props.name} (${r.props.id})`,
    group: '',
    names: [
      { key: routeKey(r.props.name), path: props(r.index, 'name'), text: r.props.name, alt: false },
      ...r.props.altNames.map((t, j) => ({ key: routeKey(t), path: props(r.index, 'altNames', j), text: t, alt: true })),
    ],
  })), sink, 'routes')
}

/** Adds every mission-wide problem to the sink of the file it belongs to. */
export function checkMission(mission: string, f: MissionFeatures, sinks: MissionSinks) {
  checkAreas(f.areas, sinks.areas)
  checkSites(f.sites, sinks.sites, mission)
  checkRoutes(f.routes, sinks.routes)
}

/**
 * A site outside every level-1 area is a warning, not an error: a mission's logistics base or
 * regional office may lie across the border (MINUSCA's in Douala, Entebbe), and a riverside camp
 * may fall just outside a generalised boundary. Its reports still place by coordinates; they
 * simply get no area from the site.
 */
export function checkSitesInAreas(gaz: Gazetteer, sites: SiteFeature[], sink: ProblemSink) {
  if (!gaz.areas.some((a) => a.level === 1)) return
  gaz.sites.forEach((s, i) => {
    if (s.admin1Pcode !== null) return
    sink.add(['features', sites[i]!.index, 'geometry', 'coordinates'], `site ${s.id} (${s.name}) lies outside every level-1 area; check that the position is [longitude, latitude]`, 'warning')
  })
}
