import { useI18n } from '../i18n/i18n'
import { href } from '../route'
import type { BoardData } from './board-data'

/** The latest changes of the feed, newest first: each change once, as the feed delivered it. */
export function Activity(props: { data: BoardData; params: URLSearchParams }) {
  const { t, ago } = useI18n()
  const log = props.data.book.log.slice(0, 50)
  return (
    <aside class="activity" aria-labelledby="activity-title">
      <h2 id="activity-title">{t('activity.title')}</h2>
      {log.length === 0 ? <p>{t('activity.empty')}</p> : (
        <ol aria-live="polite" data-testid="activity">
          {log.map((c) => (
            <li key={c.seq} data-seq={c.seq} data-change={`${c.alert.id}:${c.kind}:${c.at}`}>
              <span class={`kind kind-${c.kind}`}>{t(`kind.${c.kind}`)}</span>{' '}
              <a href={href('alert', props.params, c.alert.id)} translate={false}>{c.alert.indicator.id} #{c.alert.id}</a>{' '}
              <time dateTime={c.at} translate={false}>{ago(c.at, props.data.now)}</time>
            </li>
          ))}
        </ol>
      )}
    </aside>
  )
}
