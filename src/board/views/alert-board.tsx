import { useI18n } from '../i18n/i18n'
import { byGradeThenRecency, LEVELS_TOP_DOWN, type BoardAlert } from '../live/alert-book'
import { areaNames, matches } from '../filters'
import { href } from '../route'
import { ACTIVE } from '../types'
import type { BoardData } from './board-data'
import { Badges, GradeChip, Place, Sentence, Trend } from './alert-parts'
import { FiltersBar } from './filters-bar'
import { Activity } from './activity'

/** The live board: active alerts grouped by level, graded and most recent first, with the latest changes. */
export function AlertBoard(props: { data: BoardData; params: URLSearchParams }) {
  const { t } = useI18n()
  const { data } = props
  const all = [...data.book.alerts.values()]
  const f = data.filters
  const shown = all.filter((b) => (f.status ? true : ACTIVE.includes(b.alert.status)) && matches(b.alert, f))
  const categories = [...new Set(all.flatMap((b) => [b.alert.topCategory, ...b.alert.taxonomy]))].sort()
  const areas = [...new Set(all.flatMap((b) => areaNames(b.alert)))].sort()
  const missions = data.missions.length > 0 ? data.missions : [...new Set(all.map((b) => b.alert.mission))].sort()
  return (
    <div class="board-layout">
      <section class="board" aria-labelledby="board-title">
        <h2 id="board-title">{t('board.title')} <span class="count" data-testid="shown-count"><span translate={false}>{shown.length}</span> {t('board.shown')}</span></h2>
        <FiltersBar params={props.params} missions={missions} categories={categories} areas={areas} />
        {shown.length === 0 && <p class="empty">{t('board.empty')}</p>}
        {LEVELS_TOP_DOWN.map((level) => {
          const items = shown.filter((b) => b.alert.level === level).sort(byGradeThenRecency)
          return (
            <section class={`level level-${level}`} aria-labelledby={`level-${level}`} key={level}>
              <h3 id={`level-${level}`}>{t(`level.${level}`)} <span class="count" translate={false}>{items.length}</span></h3>
              {items.length === 0 ? <p class="none">{t('board.none')}</p> : (
                <ol class="alerts">
                  {items.map((b) => <AlertRow key={b.alert.id} item={b} data={data} params={props.params} />)}
                </ol>
              )}
            </section>
          )
        })}
      </section>
      <Activity data={data} params={props.params} />
    </div>
  )
}

function AlertRow(props: { item: BoardAlert; data: BoardData; params: URLSearchParams }) {
  const { t, ago } = useI18n()
  const { alert, flash } = props.item
  return (
    <li class={`alert grade-edge-${alert.grade}${flash ? ` flash flash-${flash}` : ''}`} data-alert-id={alert.id} data-status={alert.status}>
      <a class="alert-link" href={href('alert', props.params, alert.id)} aria-label={`${t('alert.open')} ${alert.indicator.id}`}>
        <GradeChip alert={alert} />
        <span class="sentence"><Sentence alert={alert} rule={props.data.rules.get(alert.indicator.id)} /></span>
      </a>
      <div class="meta">
        <Place alert={alert} />
        <span class="confidence">{t(`confidence.${alert.confidence}`)}</span>
        <Trend trend={alert.trend} />
        <span class={`status status-${alert.status}`} data-testid="status">{t(`status.${alert.status}`)}</span>
        <time dateTime={alert.updatedAt} translate={false}>{ago(alert.updatedAt, props.data.now)}</time>
        <span class="ind" translate={false}>{alert.indicator.id} · {alert.mission}</span>
        <Badges item={props.item} now={props.data.now} />
      </div>
    </li>
  )
}
