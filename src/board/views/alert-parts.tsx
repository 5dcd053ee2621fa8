import { useI18n } from '../i18n/i18n'
import { sentenceFr } from '../i18n/sentence-fr'
import type { Alert, Grade, RuleSummary } from '../types'
import type { BoardAlert } from '../live/alert-book'

/** How long an open alert may wait for acknowledgement before it shows as overdue. */
const ACK_TARGET_MS: Record<Grade, number> = { critical: 15 * 60_000, high: 60 * 60_000, medium: 4 * 3_600_000, low: 24 * 3_600_000 }

export function isOverdue(a: Alert, now: number): boolean {
  return a.status === 'open' && now - Date.parse(a.raisedAt) > ACK_TARGET_MS[a.grade]
}

/** The alert's sentence in the reader's language where the rule gives one, else the service's English. */
export function Sentence(props: { alert: Alert; rule: RuleSummary | undefined }) {
  const { lang } = useI18n()
  const fr = lang === 'fr' ? sentenceFr(props.alert, props.rule) : null
  return fr ? <span translate={false} lang="fr">{fr}</span> : <span translate={false} lang="en">{props.alert.summary}</span>
}

/** The rule's title in the reader's language where the rule gives one. */
export function ruleTitle(lang: string, id: string, rule: RuleSummary | undefined): string {
  if (!rule) return id
  return lang === 'fr' && rule.titleFr ? rule.titleFr : rule.title
}

/** Where the alert applies: area (admin1 › admin2), site, route, or a radius. */
export function Place(props: { alert: Alert }) {
  const { t } = useI18n()
  const s = props.alert.scope
  const g = s.groupBy
  const area = [s.admin1 ?? g.admin1, s.admin2 ?? g.admin2].filter(Boolean).join(' › ')
  const site = s.site ?? g.site
  const route = s.route ?? g.route
  return (
    <span class="place">
      {area && <span><span class="k">{t('place.area')}</span> <span translate={false}>{area}</span></span>}
      {site && <span><span class="k">{t('place.site')}</span> <span translate={false}>{site}</span></span>}
      {route && <span><span class="k">{t('place.route')}</span> <span translate={false}>{route}</span></span>}
      {s.radiusKm !== undefined && <span><span class="k">{t('place.radius')}</span> <span translate={false}>{s.radiusKm} km</span></span>}
      {!area && !site && !route && s.radiusKm === undefined && <span translate={false}>{s.mission}</span>}
    </span>
  )
}

export function Trend(props: { trend: number | null }) {
  const { t, number } = useI18n()
  const v = props.trend
  if (v === null) return null
  const word = v > 0.05 ? t('alert.trendUp') : v < -0.05 ? t('alert.trendDown') : t('alert.trendFlat')
  const arrow = v > 0.05 ? '↗' : v < -0.05 ? '↘' : '→'
  return <span class="trend"><span aria-hidden="true">{arrow}</span> {word} <span translate={false}>({number(v)})</span></span>
}

export function GradeChip(props: { alert: Alert }) {
  const { t } = useI18n()
  return <span class={`grade grade-${props.alert.grade}`}>{t(`grade.${props.alert.grade}`)}</span>
}

export function Badges(props: { item: BoardAlert; now: number }) {
  const { t } = useI18n()
  const { alert, flash } = props.item
  return (
    <span class="badges">
      {flash === 'new' && <span class="badge badge-new">{t('badge.new')}</span>}
      {flash === 'escalated' && <span class="badge badge-escalated">{t('badge.escalated')}</span>}
      {alert.silenced && <span class="badge badge-silenced">{t('badge.silenced')}</span>}
      {alert.inhibited && <span class="badge badge-inhibited">{t('badge.inhibited')}</span>}
      {isOverdue(alert, props.now) && <span class="badge badge-overdue" title={t('badge.overdueHint')}>{t('badge.overdue')}</span>}
    </span>
  )
}
