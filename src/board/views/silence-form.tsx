import { useState } from 'preact/hooks'
import { ApiError } from '../api'
import { useI18n } from '../i18n/i18n'
import type { Alert, Problem } from '../types'
import type { BoardData } from './board-data'

/** `YYYY-MM-DDTHH:mm` in UTC, for a datetime-local input read as UTC. */
export const utcInput = (ms: number) => new Date(ms).toISOString().slice(0, 16)
export const fromUtcInput = (v: string) => (v ? `${v}:00Z` : '')

/** The matchers a silence of alerts like this one would use: same indicator, mission, area, level. */
export function similarMatchers(a: Alert): Record<string, string> {
  const m: Record<string, string> = { indicator: a.indicator.id, mission: a.mission, level: a.level }
  const admin1 = a.scope.admin1 ?? a.scope.groupBy.admin1
  if (admin1) m.admin1 = admin1
  return m
}

/** A silence form prefilled from an alert (POST /silences); the officer sets the end and the reason. */
export function SilenceForm(props: { data: BoardData; alert: Alert; onDone(message: string | null): void }) {
  const { t } = useI18n()
  const [matchers, setMatchers] = useState(() => similarMatchers(props.alert))
  const [until, setUntil] = useState(() => utcInput(Date.now() + 24 * 3_600_000))
  const [reason, setReason] = useState('')
  const [problems, setProblems] = useState<Problem[]>([])

  const submit = async (e: Event) => {
    e.preventDefault()
    try {
      const out = await props.data.api.post<{ silence: { id: number }; alertsSilenced: number }>('/silences', { matchers, endsAt: fromUtcInput(until), reason })
      props.onDone(`${t('silence.created')} ${out.alertsSilenced}`)
    } catch (err) {
      setProblems(err instanceof ApiError ? (err.problems.length ? err.problems : [{ path: '', message: err.message }]) : [{ path: '', message: String(err) }])
    }
  }
  const problemAt = (path: string) => problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`))

  return (
    <form class="silence" onSubmit={submit} aria-labelledby="silence-title">
      <h4 id="silence-title">{t('silence.title')}</h4>
      <fieldset>
        <legend>{t('silence.match')}</legend>
        {Object.entries(matchers).map(([k, v]) => (
          <label key={k}><span translate={false}>{k}</span>
            <input value={v} onInput={(e) => setMatchers({ ...matchers, [k]: (e.target as HTMLInputElement).value })} />
          </label>
        ))}
        <FieldProblems list={problemAt('matchers')} />
      </fieldset>
      <label for="silence-until">{t('silence.until')}</label>
      <input id="silence-until" type="datetime-local" required value={until} onInput={(e) => setUntil((e.target as HTMLInputElement).value)} />
      <FieldProblems list={problemAt('endsAt')} />
      <label for="silence-reason">{t('silence.reason')}</label>
      <textarea id="silence-reason" required minLength={3} rows={2} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
      <FieldProblems list={problemAt('reason')} />
      <FieldProblems list={problems.filter((p) => !['matchers', 'endsAt', 'reason'].some((k) => p.path === k || p.path.startsWith(`${k}.`)))} />
      <div class="buttons">
        <button type="submit">{t('silence.submit')}</button>
        <button type="button" onClick={() => props.onDone(null)}>{t('silence.cancel')}</button>
      </div>
    </form>
  )
}

/** The API's problems for one field, shown beside it (in the service's words). */
export function FieldProblems(props: { list: Problem[]; id?: string }) {
  if (props.list.length === 0) return null
  return (
    <ul class="problems" role="alert" id={props.id}>
      {props.list.map((p, i) => <li key={i} translate={false} lang="en"><code>{p.path}</code> {p.message}</li>)}
    </ul>
  )
}
