import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { Api } from '../api'
import { forgetToken, saveToken, savedToken } from '../session'
import { I18nContext, initialLang, makeI18n, rememberLang, type Lang } from '../i18n/i18n'
import { AlertBook } from '../live/alert-book'
import { LiveFeed, type FeedState } from '../live/live-feed'
import { useRoute } from '../route'
import type { RuleSummary, WhoAmI } from '../types'
import { readFilters } from '../filters'
import { SignIn } from './sign-in'
import { Header } from './header'
import { AlertBoard } from './alert-board'
import { AlertDetail } from './alert-detail'
import { MapView } from './map-view'
import { ReportForm } from './report-form'
import { HqView } from './hq-view'
import { playCriticalTone } from './sound'
import { can } from '../permissions'
import type { BoardData } from './board-data'


function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(timer)
  }, [ms])
  return now
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang)
  const i18n = useMemo(() => makeI18n(lang), [lang])
  const [token, setToken] = useState<string | null>(savedToken)
  const [who, setWho] = useState<WhoAmI | null>(null)
  const route = useRoute()

  useEffect(() => {
    document.documentElement.lang = lang
    document.title = i18n.t('app.title')
  }, [lang, i18n])

  const signOut = () => {
    forgetToken()
    setToken(null)
    setWho(null)
  }

  // A key kept from earlier in this tab is checked again before use.
  useEffect(() => {
    if (!token || who) return
    new Api(token).get<WhoAmI>('/whoami').then(setWho, signOut)
  }, [token])

  const chooseLang = (l: Lang) => {
    rememberLang(l)
    setLang(l)
  }

  return (
    <I18nContext.Provider value={i18n}>
      <a class="skip" href="#content" onClick={(e) => { e.preventDefault(); document.getElementById('content')?.focus() }}>{i18n.t('app.skip')}</a>
      {!token || !who
        ? (token ? <p class="loading">{i18n.t('common.loading')}</p> : <SignIn onSignedIn={(tok, w) => { saveToken(tok); setToken(tok); setWho(w) }} />)
        : <SignedIn token={token} who={who} lang={lang} onLang={chooseLang} onSignOut={signOut} route={route} />}
    </I18nContext.Provider>
  )
}

function SignedIn(props: { token: string; who: WhoAmI; lang: Lang; onLang(l: Lang): void; onSignOut(): void; route: ReturnType<typeof useRoute> }) {
  const { token, who, route } = props
  const api = useMemo(() => new Api(token, props.onSignOut), [token])
  const book = useRef(new AlertBook())
  const [version, setVersion] = useState(0)
  const [feed, setFeed] = useState<FeedState | null>(null)
  const [rules, setRules] = useState<Map<string, RuleSummary>>(new Map())
  const [missions, setMissions] = useState<{ missions: string[] }>({ missions: who.missions ?? [] })
  const [tiles, setTiles] = useState<Record<string, string>>({})
  const [sound, setSound] = useState(() => localStorage.getItem('vigil.sound') === 'on')
  const soundRef = useRef(sound)
  soundRef.current = sound
  const now = useNow(5000)

  useEffect(() => {
    if (!can(who, 'alerts:read')) return
    const transport = new URLSearchParams(location.search).get('transport') === 'poll' ? 'poll' : 'auto'
    const live = new LiveFeed(api, {
      transport,
      onChanges: (changes, isLive) => {
        const loud = book.current.apply(changes, isLive)
        if (soundRef.current && loud.some((c) => c.alert.grade === 'critical')) playCriticalTone()
        setVersion((v) => v + 1)
      },
      onState: setFeed,
    })
    live.start()
    return () => live.stop()
  }, [api])

  useEffect(() => {
    if (can(who, 'rules:read')) {
      api.get<{ rules: RuleSummary[] }>('/rules').then((r) => setRules(new Map(r.rules.map((x) => [x.id, x]))), () => {})
    }
    api.get<{ missions: string[] }>('/missions').then(setMissions, () => {})
    api.get<{ missions: { mission: string; tiles?: string }[] }>('/gazetteer').then(
      (g) => setTiles(Object.fromEntries(g.missions.flatMap((m) => (m.tiles ? [[m.mission, m.tiles]] : [])))), () => {})
  }, [api])

  const toggleSound = (on: boolean) => {
    localStorage.setItem('vigil.sound', on ? 'on' : 'off')
    setSound(on)
  }

  const data: BoardData = { api, who, book: book.current, version, feed, rules, missions: missions.missions, tiles, now, filters: readFilters(route.params) }
  let view
  switch (route.view) {
    case 'alert': view = <AlertDetail data={data} id={route.id!} params={route.params} onSeen={(id) => { book.current.seen(id); setVersion((v) => v + 1) }} />; break
    case 'map': view = <MapView data={data} params={route.params} />; break
    case 'report': view = <ReportForm data={data} />; break
    case 'hq': view = <HqView data={data} />; break
    default: view = <AlertBoard data={data} params={route.params} />
  }
  return (
    <>
      <Header who={who} route={route} feed={feed} now={now} lang={props.lang} onLang={props.onLang} onSignOut={props.onSignOut}
        sound={sound} onSound={toggleSound} />
      <main id="content" tabIndex={-1}>{view}</main>
    </>
  )
}
