import { useI18n, type Lang } from '../i18n/i18n'
import type { FeedState } from '../live/live-feed'
import { href, type Route } from '../route'
import type { WhoAmI } from '../types'
import type { MessageKey } from '../i18n/en'
import { can, canSeeHq } from '../permissions'

const LANG_NAMES: Record<Lang, string> = { en: 'English', fr: 'Français' }

/** Top bar: the views this key may open, who is signed in, the feed's health, language and sound. */
export function Header(props: {
  who: WhoAmI; route: Route; feed: FeedState | null; now: number; lang: Lang
  onLang(l: Lang): void; onSignOut(): void; sound: boolean; onSound(on: boolean): void
}) {
  const { t } = useI18n()
  const { who, route } = props
  // Filters travel with the views that use them.
  const keep = new URLSearchParams(route.params)
  const links: [Route['view'], MessageKey, boolean][] = [
    ['board', 'nav.board', can(who, 'alerts:read')],
    ['map', 'nav.map', can(who, 'alerts:read') || can(who, 'reports:read')],
    ['report', 'nav.report', can(who, 'reports:write')],
    ['hq', 'nav.hq', canSeeHq(who)],
  ]
  const current = route.view === 'alert' ? 'board' : route.view
  return (
    <header class="top">
      <h1 class="brand">{t('app.title')}</h1>
      <nav aria-label={t('nav.label')}>
        <ul>
          {links.filter(([, , ok]) => ok).map(([view, label]) => (
            <li key={view}><a href={href(view, keep)} aria-current={current === view ? 'page' : undefined}>{t(label)}</a></li>
          ))}
        </ul>
      </nav>
      {can(who, 'alerts:read') && <Connection feed={props.feed} now={props.now} />}
      <dl class="who" aria-label={t('header.signedIn')}>
        <div><dt>{t('header.signedIn')}</dt><dd translate={false} data-testid="who-name">{who.name}</dd></div>
        <div><dt>{t('header.role')}</dt><dd data-testid="who-role">{roleLabel(t, who.role)}</dd></div>
        <div><dt>{t('header.missions')}</dt><dd>{who.missions ? <span translate={false}>{who.missions.join(', ')}</span> : t('header.all')}</dd></div>
        {who.areas && <div><dt>{t('header.areas')}</dt><dd translate={false}>{who.areas.join(', ')}</dd></div>}
      </dl>
      <div class="tools">
        <fieldset class="lang">
          <legend>{t('header.language')}</legend>
          {(['en', 'fr'] as const).map((l) => (
            <button type="button" key={l} lang={l} translate={false} aria-pressed={props.lang === l} onClick={() => props.onLang(l)}>{LANG_NAMES[l]}</button>
          ))}
        </fieldset>
        {can(who, 'alerts:read') && (
          <label class="sound">
            <input type="checkbox" checked={props.sound} onChange={(e) => props.onSound((e.target as HTMLInputElement).checked)} />
            {t('header.sound')}
          </label>
        )}
        <button type="button" onClick={props.onSignOut}>{t('header.signOut')}</button>
      </div>
    </header>
  )
}

function roleLabel(t: (k: MessageKey) => string, role: string): string {
  return role === 'analyst' || role === 'joc' || role === 'hq' || role === 'admin' ? t(`role.${role}`) : role
}

/** The feed's state: live, or lost and since when; how old the last word from the service is. */
function Connection(props: { feed: FeedState | null; now: number }) {
  const { t, ago } = useI18n()
  const f = props.feed
  const mode = f?.mode ?? 'connecting'
  const label = mode === 'live' ? (f?.transport === 'poll' ? t('conn.livePoll') : t('conn.live'))
    : mode === 'reconnecting' ? t('conn.reconnecting') : t('conn.connecting')
  return (
    <p class={`conn conn-${mode}`} role="status" aria-label={t('conn.label')} data-testid="connection" data-mode={mode}>
      <span class="dot" aria-hidden="true" />
      <span>{label}</span>
      {mode !== 'live' && f?.lastContactAt && (
        <span class="stale"> · {t('conn.lastUpdate')} <span translate={false}>{ago(f.lastContactAt, props.now)}</span></span>
      )}
    </p>
  )
}
