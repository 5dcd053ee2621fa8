import { useI18n } from '../i18n/i18n'
import { FILTER_KEYS, readFilters, withFilters } from '../filters'
import { go } from '../route'
import { GRADES, LEVELS, STATUSES } from '../types'

/** The board's filters; each change rewrites the URL, so a desk can bookmark its view. */
export function FiltersBar(props: { params: URLSearchParams; missions: string[]; categories: string[]; areas: string[] }) {
  const { t } = useI18n()
  const f = readFilters(props.params)
  const set = (key: (typeof FILTER_KEYS)[number]) => (e: Event) =>
    go('board', withFilters(props.params, { [key]: (e.target as HTMLSelectElement).value || undefined }))
  const any = <option value="">{t('filter.any')}</option>
  return (
    <form class="filters" aria-label={t('filters.title')} onSubmit={(e) => e.preventDefault()}>
      <label>{t('filter.mission')}
        <select name="mission" value={f.mission ?? ''} onChange={set('mission')}>
          {any}{props.missions.map((m) => <option value={m} translate={false}>{m}</option>)}
        </select>
      </label>
      <label>{t('filter.level')}
        <select name="level" value={f.level ?? ''} onChange={set('level')}>
          {any}{LEVELS.map((l) => <option value={l}>{t(`level.${l}`)}</option>)}
        </select>
      </label>
      <label>{t('filter.minGrade')}
        <select name="minGrade" value={f.minGrade ?? ''} onChange={set('minGrade')}>
          {any}{GRADES.map((g) => <option value={g}>{t(`grade.${g}`)}</option>)}
        </select>
      </label>
      <label>{t('filter.status')}
        <select name="status" value={f.status ?? ''} onChange={set('status')}>
          <option value="">{t('filter.active')}</option>
          {STATUSES.map((s) => <option value={s}>{t(`status.${s}`)}</option>)}
        </select>
      </label>
      <label>{t('filter.category')}
        <select name="category" value={f.category ?? ''} onChange={set('category')}>
          {any}{props.categories.map((c) => <option value={c} translate={false}>{c}</option>)}
        </select>
      </label>
      <label>{t('filter.area')}
        <select name="area" value={f.area ?? ''} onChange={set('area')}>
          {any}{[...new Set([...(f.area ? [f.area] : []), ...props.areas])].map((a) => <option value={a} translate={false}>{a}</option>)}
        </select>
      </label>
      <button type="button" onClick={() => go('board', withFilters(props.params, Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined]))))}>{t('filter.clear')}</button>
    </form>
  )
}
