import type { AlertState } from '../alerts/alert.js'
import { placeOf, type StoredReport } from '../reports/report.js'

/** RFC 7946 positions: longitude first, WGS 84, at most 6 decimals (about 10 cm). */
const position = (lat: number, lon: number): [number, number] => [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6]

const iso = (ms: number) => new Date(ms).toISOString()

/** A report as a GeoJSON Feature (Point). The narrative stays out: exports go to GIS layers and partners. */
export function reportFeature(s: StoredReport) {
  const r = s.report
  const c = r.casualties
  // Where it was placed (the gazetteer's names and P-codes); a report known only by name and never placed has no point.
  const p = placeOf(r)
  return {
    type: 'Feature',
    id: r.id,
    geometry: p.lat !== null && p.lon !== null ? { type: 'Point', coordinates: position(p.lat, p.lon) } : null,
    properties: {
      id: r.id, mission: r.mission, category: r.category, categoryTerm: r.categoryTerm, categories: r.categories,
      occurredAt: r.occurredAt, datePrecision: r.datePrecision, reportedAt: r.reportedAt, precision: p.precision,
      admin1: p.admin1 ?? null, admin1Pcode: p.admin1Pcode ?? null, admin2: p.admin2 ?? null, admin2Pcode: p.admin2Pcode ?? null,
      place: r.location.place ?? null, route: p.route ?? null, site: p.site ?? null,
      killed: c.killed.un.military + c.killed.un.police + c.killed.un.civilian + c.killed.civilian + c.killed.other,
      injured: c.injured.un.military + c.injured.un.police + c.injured.un.civilian + c.injured.civilian + c.injured.other,
      unKilled: c.killed.un.military + c.killed.un.police + c.killed.un.civilian,
      unInjured: c.injured.un.military + c.injured.un.police + c.injured.un.civilian,
      reliability: r.source.reliability, credibility: r.source.credibility,
      status: s.status, revision: s.revision,
    },
  }
}

/** An area polygon the alert may carry (from the gazetteer): a GeoJSON Polygon or MultiPolygon. */
function areaGeometry(a: AlertState): { type: string; coordinates: unknown } | null {
  const g = (a as AlertState & { areaPolygon?: unknown }).areaPolygon
  if (g && typeof g === 'object' && !Array.isArray(g)) {
    const geo = g as { type?: unknown; coordinates?: unknown }
    if ((geo.type === 'Polygon' || geo.type === 'MultiPolygon') && Array.isArray(geo.coordinates)) return { type: geo.type, coordinates: geo.coordinates }
  }
  return null
}

/** An alert as a GeoJSON Feature: its area polygon, else its centre or centroid as a Point, else no geometry. */
export function alertFeature(a: AlertState) {
  const at = a.scope.center ?? a.scope.centroid
  const geometry = areaGeometry(a) ?? (at ? { type: 'Point', coordinates: position(at.lat, at.lon) } : null)
  return {
    type: 'Feature',
    id: a.id,
    geometry,
    properties: {
      id: a.id, indicator: a.indicatorId, mission: a.mission, level: a.level, grade: a.grade, status: a.status,
      confidence: a.confidence, category: a.topCategory, taxonomy: a.taxonomy, summary: a.summary, count: a.count,
      admin1: a.scope.admin1 ?? null, admin2: a.scope.admin2 ?? null, route: a.scope.route ?? null, site: a.scope.site ?? null,
      radiusKm: a.scope.radiusKm ?? null, unKilled: a.facts.unKilled ?? null, unInjured: a.facts.unInjured ?? null,
      raisedAt: iso(a.raisedAt), updatedAt: iso(a.updatedAt), expiresAt: iso(a.expiresAt), silenced: a.silenced, inhibited: a.inhibited,
    },
  }
}

/** A FeatureCollection written a feature at a time: a large export never sits whole in memory. */
export function* featureCollection<T>(items: Iterable<T>, toFeature: (item: T) => unknown): Generator<string> {
  yield '{"type":"FeatureCollection","features":['
  let first = true
  for (const item of items) {
    yield `${first ? '' : ','}\n${JSON.stringify(toFeature(item))}`
    first = false
  }
  yield '\n]}\n'
}
