import { useEffect, useState } from 'preact/hooks'
import { ApiError } from '../api'
import { useI18n } from '../i18n/i18n'
import { href } from '../route'
import { can } from '../permissions'
import type { Alert, AlertChange, ExplanationCondition } from '../types'
import type { BoardData } from './board-data'
import { Badges, GradeChip, Place, Sentence, Trend, ruleTitle } from './alert-parts'
import { SilenceForm } from './silence-form'

/** One alert: what it says, why (conditions and values), the reports behind it, its history, the actions. */
export function AlertDetail(props: { data: BoardData; id: number; params: URLSearchParams; onSeen(id: number): void }) {
  const { t, lang, dateTime } = useI18n()
  const { data, id } = props
  const [full, setFull] = useState<Alert | null>(null)
  const [history, setHistory] = useState<AlertChange[]>([])
  const [error, setError] = useState<string | null>(null)
  const live = data.book.alerts.get(id)

  useEffect(() => { props.onSeen(id) }, [id])
  // Reloaded whenever the feed brings a change of this alert.
  useEffect(() => {
    data.api.get<Alert>(`/alerts/${id}`).then(setFull, (e: Error) => setError(e.message))
    data.api.get<{ changes: AlertChange[] }>(`/alerts/${id}/history`).then((h) => setHistory(h.changes), () => {})
  }, [id, live?.alert.seq])

  const alert = live?.alert ?? full
  if (!alert) return <p>{error ? <span translate={false}>{error}</span> : t('common.loading')}</p>
  const rule = data.rules.get(alert.indicator.id)
  return (
    <article class="detail" aria-labelledby="detail-title" data-alert-id={alert.id}>
      <p><a href={href('board', props.params)}>{t('detail.back')}</a></p>
      <h2 id="detail-title"><GradeChip alert={alert} /> <Sentence alert={alert} rule={rule} /></h2>
      {live && <Badges item={live} now={data.now} />}
      <dl class="facts">
        <div><dt>{t('field.indicator')}</dt><dd translate={false}>{alert.indicator.id} v{alert.indicator.version}: {ruleTitle(lang, alert.indicator.id, rule)}</dd></div>
        <div><dt>{t('field.mission')}</dt><dd translate={false}>{alert.mission}</dd></div>
        <div><dt>{t('field.level')}</dt><dd>{t(`level.${alert.level}`)}</dd></div>
        <div><dt>{t('field.confidence')}</dt><dd>{t(`confidence.${alert.confidence}`)}</dd></div>
        <div><dt>{t('field.trend')}</dt><dd><Trend trend={alert.trend} /></dd></div>
        <div><dt>{t('field.status')}</dt><dd data-testid="detail-status">{t(`status.${alert.status}`)}</dd></div>
        <div><dt>{t('field.place')}</dt><dd><Place alert={alert} /></dd></div>
        <div><dt>{t('field.window')}</dt><dd><span translate={false}>{alert.windowHours}</span> {t('field.hours')}</dd></div>
        <div><dt>{t('field.count')}</dt><dd translate={false}>{alert.count}</dd></div>
        <div><dt>{t('field.raised')}</dt><dd translate={false}>{dateTime(alert.raisedAt)}</dd></div>
        <div><dt>{t('field.updated')}</dt><dd translate={false}>{dateTime(alert.updatedAt)}</dd></div>
        <div><dt>{t('field.expires')}</dt><dd translate={false}>{dateTime(alert.expiresAt)}</dd></div>
        {alert.acknowledged && <div><dt>{t('field.acknowledged')}</dt><dd translate={false}>{alert.acknowledged.by}, {dateTime(alert.acknowledged.at)}</dd></div>}
        {alert.resolved && <div><dt>{t('field.resolved')}</dt><dd translate={false}>{alert.resolved.by}, {dateTime(alert.resolved.at)}</dd></div>}
      </dl>
      <Actions data={data} alert={alert} />
      <section aria-labelledby="why-title">
        <h3 id="why-title">{t('detail.explanation')}</h3>
        <Explanation node={alert.explanation as ExplanationCondition} />
      </section>
      <section aria-labelledby="reports-title">
        <h3 id="reports-title">{t('detail.reports')}</h3>
        {full?.inputs && full.inputs.length > 0 ? (
          <ul class="inputs">
            {full.inputs.map((r) => <li key={r}><InputLink data={data} id={r} /></li>)}
          </ul>
        ) : <p>{t('detail.noReports')}</p>}
      </section>
      <section aria-labelledby="history-title">
        <h3 id="history-title">{t('detail.history')}</h3>
        <table class="history">
          <thead><tr><th scope="col">{t('history.when')}</th><th scope="col">{t('history.change')}</th><th scope="col">{t('history.who')}</th><th scope="col">{t('history.why')}</th></tr></thead>
          <tbody>
            {history.map((c) => (
              <tr key={c.seq} data-kind={c.kind}>
                <td translate={false}>{dateTime(c.at)}</td>
                <td>{t(`kind.${c.kind}`)} <GradeChip alert={c.alert} /></td>
                <td translate={false}>{c.actor ?? ''}</td>
                <td translate={false}>{c.cause ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  )
}

/** A contributing input: a report (linked to its API record) or, for escalation indicators, an alert. */
function InputLink(props: { data: BoardData; id: string }) {
  const alertId = /^alert:(\d+)$/.exec(props.id)
  if (alertId) return <a href={href('alert', new URLSearchParams(), Number(alertId[1]))} translate={false}>{props.id}</a>
  return <a href={`/reports/${encodeURIComponent(props.id)}`} target="_blank" rel="noopener" translate={false}
    onClick={(e) => { e.preventDefault(); void openReport(props.data, props.id) }}>{props.id}</a>
}

/** Reports need the bearer header, so they are fetched and shown as JSON in a new tab's blob. */
async function openReport(data: BoardData, id: string) {
  const report = await data.api.get<unknown>(`/reports/${encodeURIComponent(id)}`)
  const url = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }))
  window.open(url, '_blank', 'noopener')
}

const OPERATORS: Record<string, string> = {
  greaterThanInclusive: '≥', greaterThan: '>', lessThanInclusive: '≤', lessThan: '<', equal: '=', notEqual: '≠',
}

/** The threshold's conditions with the values the evaluation found. */
function Explanation(props: { node: ExplanationCondition | null | undefined }) {
  const { t } = useI18n()
  const n = props.node
  if (!n) return null
  const group = (label: string, items: ExplanationCondition[]) => (
    <div class="cond-group"><span>{label}</span><ul>{items.map((c, i) => <li key={i}><Explanation node={c} /></li>)}</ul></div>
  )
  if (n.all) return group(t('detail.allOf'), n.all)
  if (n.any) return group(t('detail.anyOf'), n.any)
  if (n.not) return group(t('detail.noneOf'), [n.not])
  const params = n.params ? Object.entries(n.params).map(([k, v]) => `${k}=${String(v)}`).join(', ') : ''
  return (
    <p class={`cond ${n.result ? 'met' : 'unmet'}`}>
      <code translate={false}>{n.fact}{params ? `(${params})` : ''} {OPERATORS[n.operator ?? ''] ?? n.operator} {JSON.stringify(n.value)}</code>
      {' '}{t('detail.value')} <strong translate={false}>{JSON.stringify(n.factResult)}</strong>
      {' '}<span class="verdict">{n.result ? t('detail.met') : t('detail.notMet')}</span>
    </p>
  )
}

/** Acknowledge, resolve with a note, silence similar: only what the key may do. */
function Actions(props: { data: BoardData; alert: Alert }) {
  const { t } = useI18n()
  const { data, alert } = props
  const [note, setNote] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [silencing, setSilencing] = useState(false)
  const mayAct = can(data.who, 'alerts:act') && (alert.status === 'open' || alert.status === 'acknowledged')

  const act = async (action: 'ack' | 'resolve') => {
    if (action === 'resolve' && note.trim() === '') {
      setMessage(t('action.noteRequired'))
      return
    }
    setBusy(true)
    try {
      await data.api.post(`/alerts/${alert.id}/${action}`, note.trim() ? { note: note.trim() } : {})
      setMessage(t('action.done'))
      setNote('')
    } catch (err) {
      setMessage(`${t('action.refused')}: ${err instanceof ApiError ? err.message : String(err)}`)
    } finally {
      setBusy(false)
    }
  }

  if (!mayAct && !can(data.who, 'silences:manage')) return null
  return (
    <section class="actions" aria-labelledby="actions-title">
      <h3 id="actions-title">{t('action.title')}</h3>
      {mayAct && (
        <form onSubmit={(e) => e.preventDefault()}>
          <label for="action-note">{t('action.note')}</label>
          <textarea id="action-note" rows={2} value={note} maxLength={2000} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
          <div class="buttons">
            {alert.status === 'open' && <button type="button" disabled={busy} onClick={() => act('ack')}>{t('action.ack')}</button>}
            <button type="button" disabled={busy} onClick={() => act('resolve')}>{t('action.resolve')}</button>
          </div>
        </form>
      )}
      {can(data.who, 'silences:manage') && !silencing && <button type="button" onClick={() => setSilencing(true)}>{t('action.silence')}</button>}
      {silencing && <SilenceForm data={data} alert={alert} onDone={(msg) => { setSilencing(false); if (msg) setMessage(msg) }} />}
      {message && <p role="status" class="message">{message}</p>}
    </section>
  )
}
