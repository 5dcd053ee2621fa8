import L from 'leaflet'
import type { GeoJsonObject } from 'geojson'
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, type Api } from '../api'
import type { Gazetteer, GazetteerFeature } from '../types'
import { useI18n } from '../i18n/i18n'

/** A Leaflet map in a div: no tiles unless the mission configured its own server. */
export function useLeafletMap(tileUrl: string | null) {
  const { t } = useI18n()
  const ref = useRef<HTMLDivElement>(null)
  const [map, setMap] = useState<L.Map | null>(null)
  useEffect(() => {
    if (!ref.current) return
    // The controls are made here so their titles are in the reader's language; no attribution
    // control unless a tile server is configured (nothing else comes from outside).
    const m = L.map(ref.current, { center: [5, 20], zoom: 4, zoomControl: false, attributionControl: Boolean(tileUrl), keyboard: true })
    L.control.zoom({ zoomInTitle: t('map.zoomIn'), zoomOutTitle: t('map.zoomOut') }).addTo(m)
    if (tileUrl) m.attributionControl.setPrefix(false)
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 18 }).addTo(m)
    setMap(m)
    return () => { m.remove() }
  }, [tileUrl, t])
  return { ref, map }
}

/** The mission's gazetteer (GET /gazetteer/:mission); null when the mission has none (404). */
export function useGazetteer(api: Api, mission: string | undefined) {
  const [state, setState] = useState<{ mission: string; gazetteer: Gazetteer | null } | null>(null)
  useEffect(() => {
    if (!mission) return
    let live = true
    api.get<Gazetteer>(`/gazetteer/${encodeURIComponent(mission)}`).then(
      (g) => { if (live) setState({ mission, gazetteer: g }) },
      (e) => { if (live && e instanceof ApiError) setState({ mission, gazetteer: null }) },
    )
    return () => { live = false }
  }, [api, mission])
  return state && state.mission === mission ? state.gazetteer : undefined
}

export const areaName = (f: GazetteerFeature) => f.properties.name

/**
 * The gazetteer as vector layers: areas as polygons (first level bolder), sites as circles of
 * their radius, routes as lines. Each path carries a class naming what it is, for styling.
 */
export function gazetteerLayer(g: Gazetteer, opts: { onArea?(f: GazetteerFeature): void; areaFill?(f: GazetteerFeature): string | null } = {}): L.GeoJSON {
  return L.geoJSON(g as unknown as GeoJsonObject, {
    style: (feature) => {
      const f = feature as unknown as GazetteerFeature
      const p = f.properties
      if (p.featureType === 'route') return { className: 'gz gz-route', color: '#6b4f1d', weight: 3, dashArray: '6 4' }
      if (p.featureType === 'site') return { className: 'gz gz-site', color: '#1d4f91', weight: 2 }
      const fill = opts.areaFill?.(f) ?? null
      return {
        className: `gz gz-area gz-area-l${p.level ?? 1}`,
        color: p.level === 2 ? '#7a8896' : '#34495e',
        weight: p.level === 2 ? 1 : 2,
        fillColor: fill ?? '#c9d6df',
        fillOpacity: fill ? 0.45 : 0.12,
      }
    },
    pointToLayer: (feature, latlng) => {
      const p = (feature as unknown as GazetteerFeature).properties
      return p.radiusKm ? L.circle(latlng, { radius: p.radiusKm * 1000 }) : L.circleMarker(latlng, { radius: 5 })
    },
    onEachFeature: (feature, layer) => {
      const f = feature as unknown as GazetteerFeature
      layer.bindTooltip(f.properties.name, { sticky: true })
      if (f.properties.featureType === 'area' && opts.onArea) layer.on('click', () => opts.onArea!(f))
    },
  })
}
