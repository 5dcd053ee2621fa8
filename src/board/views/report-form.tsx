import L from 'leaflet'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { ApiError } from '../api'
import { useI18n } from '../i18n/i18n'
import { can } from '../permissions'
import type { GazetteerFeature, Problem } from '../types'
import type { BoardData } from './board-data'
import { gazetteerLayer, useGazetteer, useLeafletMap } from './map-base'
import { FieldProblems, fromUtcInput, utcInput } from './silence-form'

interface TaxonomyAnswer {
  categories: { code: string; label: string; subcategories: { code: string; label: string }[] }[]
  aliases: Record<string, Record<string, string>>
}

interface CategoryChoice { code: string; text: string }

const PRECISIONS = ['exact', 'near', 'admin2', 'admin1', 'country'] as const
const RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'] as const
const CREDIBILITY = [1, 2, 3, 4, 5, 6] as const
const GROUPS = ['killed', 'injured'] as const
const WHO = ['civilian', 'military', 'police', 'unCivilian'] as const

/** A fresh report id: the mission, the UTC date and a random tail (the service refuses a reused id with other content). */
const newId = (mission: string) => `${mission}-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${crypto.randomUUID().slice(0, 8)}`

/** A representative point of a gazetteer feature: a site's point, the middle of an area's bounds. */
function pointOf(f: GazetteerFeature): { lat: number; lon: number } {
  const c = L.geoJSON(f as never).getBounds().getCenter()
  return { lat: Number(c.lat.toFixed(5)), lon: Number(c.lng.toFixed(5)) }
}

/** The analyst's intake form: POST /reports, the API's problems shown beside their fields. */
export function ReportForm(props: { data: BoardData }) {
  const { t } = useI18n()
  const { data } = props
  const missions = data.who.missions ?? data.missions
  const [mission, setMission] = useState(data.filters.mission ?? missions[0] ?? '')
  const [id, setId] = useState(() => newId(mission || 'REPORT'))
  const [occurredAt, setOccurredAt] = useState(() => utcInput(Date.now()))
  const [category, setCategory] = useState('')
  const [search, setSearch] = useState('')
  const [lat, setLat] = useState('')
  const [lon, setLon] = useState('')
  const [precision, setPrecision] = useState<(typeof PRECISIONS)[number]>('exact')
  const [admin1, setAdmin1] = useState('')
  const [counts, setCounts] = useState<Record<string, number>>({})
  const [reliability, setReliability] = useState<(typeof RELIABILITY)[number]>('B')
  const [credibility, setCredibility] = useState<number>(2)
  const [narrative, setNarrative] = useState('')
  const [problems, setProblems] = useState<Problem[]>([])
  const [result, setResult] = useState<string | null>(null)
  const [taxonomy, setTaxonomy] = useState<TaxonomyAnswer | null>(null)
  const gazetteer = useGazetteer(data.api, mission || undefined)
  const { ref, map } = useLeafletMap(mission ? data.tiles[mission] ?? null : null)
  const marker = useRef<L.CircleMarker | null>(null)

  useEffect(() => { data.api.get<TaxonomyAnswer>('/taxonomy').then(setTaxonomy, () => {}) }, [data.api])

  const choices = useMemo<CategoryChoice[]>(() => {
    if (!taxonomy) return []
    const out: CategoryChoice[] = []
    for (const top of taxonomy.categories) for (const s of top.subcategories ?? []) out.push({ code: s.code, text: `${s.code}: ${s.label}` })
    for (const [term, code] of Object.entries(taxonomy.aliases[mission] ?? {})) out.push({ code, text: `${term} → ${code}` })
    return out
  }, [taxonomy, mission])
  const q = search.trim().toLowerCase()
  const filtered = q ? choices.filter((c) => c.text.toLowerCase().includes(q)) : choices

  // The map: the gazetteer drawn, a click places the report.
  useEffect(() => {
    if (!map) return
    const group = L.featureGroup().addTo(map)
    if (gazetteer) gazetteerLayer(gazetteer).addTo(group)
    const b = group.getBounds()
    if (b.isValid()) map.fitBounds(b)
    const click = (e: L.LeafletMouseEvent) => {
      setLat(e.latlng.lat.toFixed(5))
      setLon(e.latlng.lng.toFixed(5))
      setPrecision('exact')
    }
    map.on('click', click)
    group.eachLayer((l) => l.on('click', (e: L.LeafletMouseEvent) => click(e)))
    return () => { map.off('click', click); group.remove() }
  }, [map, gazetteer])
  useEffect(() => {
    if (!map) return
    marker.current?.remove()
    const la = Number(lat)
    const lo = Number(lon)
    if (lat !== '' && lon !== '' && Number.isFinite(la) && Number.isFinite(lo)) marker.current = L.circleMarker([la, lo], { radius: 7, color: '#b71c1c' }).addTo(map)
  }, [map, lat, lon])

  const places = (gazetteer?.features ?? []).filter((f) => f.properties.featureType !== 'route')
  const pickPlace = (name: string) => {
    const f = places.find((p) => p.properties.name === name)
    if (!f) return
    const p = pointOf(f)
    setLat(String(p.lat))
    setLon(String(p.lon))
    if (f.properties.featureType === 'area') {
      setPrecision(f.properties.level === 2 ? 'admin2' : 'admin1')
      if (f.properties.level !== 2) setAdmin1(f.properties.name)
    } else setPrecision('near')
  }

  if (!can(data.who, 'reports:write')) return <p>{t('report.noWrite')}</p>

  const count = (group: string, who: string) => counts[`${group}.${who}`] ?? 0
  const casualties = Object.fromEntries(GROUPS.map((g) => [g, {
    civilian: count(g, 'civilian'),
    un: { military: count(g, 'military'), police: count(g, 'police'), civilian: count(g, 'unCivilian') },
  }]))

  const submit = async (e: Event) => {
    e.preventDefault()
    setProblems([])
    setResult(null)
    const body = {
      id, mission, occurredAt: fromUtcInput(occurredAt), category,
      location: { lat: lat === '' ? null : Number(lat), lon: lon === '' ? null : Number(lon), precision, ...(admin1 ? { admin1 } : {}) },
      casualties, source: { reliability, credibility }, narrative,
    }
    try {
      const out = await data.api.post<{ alerts: unknown[] }>('/reports', body)
      setResult(`${t('report.stored')} ${out.alerts.length}`)
      setId(newId(mission))
    } catch (err) {
      setProblems(err instanceof ApiError ? (err.problems.length ? err.problems : [{ path: '', message: err.message }]) : [{ path: '', message: String(err) }])
    }
  }
  const at = (path: string) => problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`))
  const known = ['id', 'mission', 'occurredAt', 'category', 'location', 'casualties', 'source', 'narrative']
  const others = problems.filter((p) => !known.some((k) => p.path === k || p.path.startsWith(`${k}.`) || p.path.startsWith(`${k}[`)))
  const invalid = (path: string) => (at(path).length > 0 ? { 'aria-invalid': true, 'aria-describedby': `problems-${path}` } : {})

  return (
    <form class="report-form" onSubmit={submit} aria-labelledby="report-title" noValidate>
      <h2 id="report-title">{t('report.title')}</h2>
      {problems.length > 0 && <p role="alert" class="error">{t('report.invalid')}</p>}
      {result && <p role="status" class="message">{result}</p>}
      <div class="grid">
        <label>{t('report.id')}<input name="id" value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} {...invalid('id')} /></label>
        <FieldProblems list={at('id')} id="problems-id" />
        <label>{t('report.mission')}
          <select name="mission" value={mission} onChange={(e) => { const m = (e.target as HTMLSelectElement).value; setMission(m); setId(newId(m)) }} {...invalid('mission')}>
            {missions.map((m) => <option value={m} translate={false}>{m}</option>)}
          </select>
        </label>
        <FieldProblems list={at('mission')} id="problems-mission" />
        <label>{t('report.occurredAt')}<input name="occurredAt" type="datetime-local" value={occurredAt} onInput={(e) => setOccurredAt((e.target as HTMLInputElement).value)} {...invalid('occurredAt')} /></label>
        <FieldProblems list={at('occurredAt')} id="problems-occurredAt" />
      </div>
      <fieldset>
        <legend>{t('report.category')}</legend>
        <label>{t('report.categorySearch')}<input type="search" name="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} /></label>
        <label>{t('report.categoryPick')}
          <select name="category" size={6} value={category} onChange={(e) => setCategory((e.target as HTMLSelectElement).value)} {...invalid('category')}>
            {filtered.map((c) => <option key={c.text} value={c.code} translate={false}>{c.text}</option>)}
          </select>
        </label>
        <FieldProblems list={at('category')} id="problems-category" />
      </fieldset>
      <fieldset>
        <legend>{t('report.place')}</legend>
        <p class="hint">{t('report.placeHint')}</p>
        <div ref={ref} class="map map-small" role="region" aria-label={t('map.region')} />
        <label>{t('report.placeByName')}
          <select onChange={(e) => pickPlace((e.target as HTMLSelectElement).value)}>
            <option value="">…</option>
            {places.map((f) => <option value={f.properties.name} translate={false}>{f.properties.name}</option>)}
          </select>
        </label>
        <div class="grid">
          <label>{t('report.lat')}<input name="lat" inputMode="decimal" value={lat} onInput={(e) => setLat((e.target as HTMLInputElement).value)} {...invalid('location.lat')} /></label>
          <FieldProblems list={at('location.lat')} id="problems-location.lat" />
          <label>{t('report.lon')}<input name="lon" inputMode="decimal" value={lon} onInput={(e) => setLon((e.target as HTMLInputElement).value)} {...invalid('location.lon')} /></label>
          <FieldProblems list={at('location.lon')} id="problems-location.lon" />
          <label>{t('report.precision')}
            <select name="precision" value={precision} onChange={(e) => setPrecision((e.target as HTMLSelectElement).value as typeof precision)}>
              {PRECISIONS.map((p) => <option value={p}>{t(`precision.${p}`)}</option>)}
            </select>
          </label>
          <label>{t('report.admin1')}<input name="admin1" value={admin1} onInput={(e) => setAdmin1((e.target as HTMLInputElement).value)} /></label>
        </div>
        <FieldProblems list={at('location').filter((p) => !p.path.startsWith('location.lat') && !p.path.startsWith('location.lon'))} />
      </fieldset>
      <fieldset>
        <legend>{t('report.casualties')}</legend>
        <table class="casualties">
          <thead><tr><td /><th scope="col">{t('report.civilians')}</th><th scope="col">{t('report.unMilitary')}</th><th scope="col">{t('report.unPolice')}</th><th scope="col">{t('report.unCivilian')}</th></tr></thead>
          <tbody>
            {GROUPS.map((g) => (
              <tr key={g}>
                <th scope="row">{t(`report.${g}`)}</th>
                {WHO.map((w) => (
                  <td key={w}><input type="number" min={0} name={`${g}.${w}`} aria-label={`${t(`report.${g}`)}: ${t(w === 'civilian' ? 'report.civilians' : w === 'military' ? 'report.unMilitary' : w === 'police' ? 'report.unPolice' : 'report.unCivilian')}`}
                    value={count(g, w)} onInput={(e) => setCounts({ ...counts, [`${g}.${w}`]: Number((e.target as HTMLInputElement).value) })} /></td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <FieldProblems list={at('casualties')} />
      </fieldset>
      <fieldset>
        <legend>{t('report.source')}</legend>
        <label>{t('report.reliability')}
          <select name="reliability" value={reliability} onChange={(e) => setReliability((e.target as HTMLSelectElement).value as typeof reliability)}>
            {RELIABILITY.map((r) => <option value={r}>{t(`reliability.${r}`)}</option>)}
          </select>
        </label>
        <label>{t('report.credibility')}
          <select name="credibility" value={String(credibility)} onChange={(e) => setCredibility(Number((e.target as HTMLSelectElement).value))}>
            {CREDIBILITY.map((c) => <option value={String(c)}>{t(`credibility.${c}`)}</option>)}
          </select>
        </label>
        <FieldProblems list={at('source')} />
      </fieldset>
      <label>{t('report.narrative')}<textarea name="narrative" rows={4} value={narrative} onInput={(e) => setNarrative((e.target as HTMLTextAreaElement).value)} /></label>
      <FieldProblems list={at('narrative')} />
      {others.length > 0 && <div><h3>{t('report.other')}</h3><FieldProblems list={others} /></div>}
      <button type="submit">{t('report.submit')}</button>
    </form>
  )
}
