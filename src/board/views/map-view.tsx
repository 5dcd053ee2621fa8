import L from 'leaflet'
import { useEffect, useRef, useState } from 'preact/hooks'
import { useI18n } from '../i18n/i18n'
import { alertAreas, matches, withFilters } from '../filters'
import { go } from '../route'
import { can } from '../permissions'
import { ACTIVE, GRADES, type Grade, type GazetteerFeature } from '../types'
import type { BoardData } from './board-data'
import { gazetteerLayer, useGazetteer, useLeafletMap } from './map-base'

const GRADE_COLOURS: Record<Grade, string> = { low: '#2e7d32', medium: '#b28704', high: '#d35400', critical: '#b71c1c' }

interface ReportPoint { id: string; occurredAt: string; category: string; location: { lat: number; lon: number; admin1?: string } }

/** The map: the mission's gazetteer, its active alerts and recent reports; an area filters the board. */
export function MapView(props: { data: BoardData; params: URLSearchParams }) {
  const { t } = useI18n()
  const { data } = props
  const mission = data.filters.mission ?? data.who.missions?.[0] ?? data.missions[0]
  const gazetteer = useGazetteer(data.api, mission)
  const { ref, map } = useLeafletMap(mission ? data.tiles[mission] ?? null : null)
  const [reports, setReports] = useState<ReportPoint[]>([])

  useEffect(() => {
    if (!mission || !can(data.who, 'reports:read')) return
    const from = new Date(data.now - 30 * 86_400_000).toISOString()
    data.api.get<{ items: ReportPoint[] }>(`/reports?mission=${mission}&from=${encodeURIComponent(from)}&limit=500`).then((r) => setReports(r.items), () => {})
  }, [data.api, mission])

  const active = [...data.book.alerts.values()].map((b) => b.alert)
    .filter((a) => ACTIVE.includes(a.status) && (!mission || a.mission === mission) && matches(a, { ...data.filters, area: undefined }))
  const areaGrade = (f: GazetteerFeature): string | null => {
    const names = [f.properties.name, f.properties.pcode].filter(Boolean).map((x) => x!.toLowerCase())
    let top = -1
    for (const a of active) if (alertAreas(a).some((x) => names.includes(x.toLowerCase()))) top = Math.max(top, GRADES.indexOf(a.grade))
    return top < 0 ? null : GRADE_COLOURS[GRADES[top]!]
  }
  const filterArea = (name: string) => go('board', withFilters(props.params, { area: name, mission }))

  // One layer group per map, emptied before each drawing: a redraw can never leave an earlier
  // drawing's paths behind, whatever order the map's and the layers' effects ran in.
  const layers = useRef<{ map: L.Map; group: L.FeatureGroup } | null>(null)
  useEffect(() => () => { layers.current?.group.remove() }, [])
  useEffect(() => {
    if (!map) return
    if (layers.current?.map !== map) layers.current = { map, group: L.featureGroup().addTo(map) }
    const group = layers.current.group
    group.clearLayers()
    if (gazetteer) gazetteerLayer(gazetteer, { onArea: (f) => filterArea(f.properties.name), areaFill: areaGrade }).addTo(group)
    for (const r of reports) {
      L.circleMarker([r.location.lat, r.location.lon], { radius: 3, color: '#37474f', weight: 1, fillOpacity: 0.7, className: 'report-dot' })
        .bindTooltip(`${r.id} · ${r.category}`).addTo(group)
    }
    for (const a of active) {
      const at = a.scope.center ?? a.scope.centroid
      if (!at) continue
      L.circleMarker([at.lat, at.lon], { radius: 9, color: GRADE_COLOURS[a.grade], weight: 3, fillOpacity: 0.3, className: `alert-dot grade-${a.grade}` })
        .bindTooltip(`${a.indicator.id} #${a.id}: ${a.summary}`)
        .on('click', () => go('alert', props.params, a.id)).addTo(group)
    }
    const bounds = group.getBounds()
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] })
  }, [map, gazetteer, reports, data.version])

  const areas = (gazetteer?.features ?? []).filter((f) => f.properties.featureType === 'area')
    .sort((a, b) => (a.properties.level ?? 1) - (b.properties.level ?? 1) || a.properties.name.localeCompare(b.properties.name))
  return (
    <div class="map-layout">
      <section class="map-panel" aria-labelledby="map-title">
        <h2 id="map-title">{t('map.title')} {mission && <span translate={false}>{mission}</span>}</h2>
        {!mission && <p>{t('map.pickMission')}</p>}
        {gazetteer === null && <p class="hint">{t('map.noGazetteer')}</p>}
        <div ref={ref} class="map" role="region" aria-label={t('map.region')} data-testid="map" />
        <p class="legend">
          <span class="key-alert">{t('map.alerts')}: <span translate={false}>{active.length}</span></span>
          <span class="key-report">{t('map.reports')}: <span translate={false}>{reports.length}</span></span>
        </p>
      </section>
      <aside class="area-list" aria-labelledby="areas-title">
        <h2 id="areas-title">{t('map.areas')}</h2>
        <p class="hint">{t('map.areasHint')}</p>
        <ul>
          {areas.map((f) => (
            <li key={`${f.properties.pcode ?? f.properties.name}`} class={`area-l${f.properties.level ?? 1}`}>
              <button type="button" class="link" onClick={() => filterArea(f.properties.name)} translate={false} data-pcode={f.properties.pcode}>
                {f.properties.name}{f.properties.pcode ? ` (${f.properties.pcode})` : ''}
              </button>
            </li>
          ))}
        </ul>
      </aside>
    </div>
  )
}
