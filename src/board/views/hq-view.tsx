import { useEffect, useState } from 'preact/hooks'
import { useI18n } from '../i18n/i18n'
import { canSeeHq } from '../permissions'
import { ACTIVE, GRADES, LEVELS, type Grade, type Level, type RuleSummary } from '../types'
import type { BoardData } from './board-data'
import { ruleTitle } from './alert-parts'

type RuleStatus = 'experimental' | 'test' | 'stable' | 'deprecated'
const RULE_STATUSES: readonly string[] = ['experimental', 'test', 'stable', 'deprecated']

interface Score {
  warnings: number
  probabilityOfDetection: number | null
  leadTimeDays: { median: number } | null
  lift: number | null
  falseAlarmRatio: number | null
}
interface Backtest {
  writtenAt: string
  summary: {
    mission: string | null
    period: { from: string; to: string }
    levels: (Score & { key: string; label: string })[]
    indicators: (Score & { indicatorId: string })[]
  }
}

/** HQ: every mission's active alerts side by side, the rule library, and the last backtest. */
export function HqView(props: { data: BoardData }) {
  const { t } = useI18n()
  const { data } = props
  const [backtest, setBacktest] = useState<Backtest | null | undefined>(undefined)
  useEffect(() => { data.api.get<Backtest>('/backtest/latest').then(setBacktest, () => setBacktest(null)) }, [data.api])
  if (!canSeeHq(data.who)) return <p role="alert" data-testid="hq-denied">{t('hq.denied')}</p>
  return (
    <div class="hq" data-testid="hq">
      <h2>{t('hq.title')}</h2>
      <MissionsTable data={data} />
      <RuleLibrary rules={[...data.rules.values()].sort((a, b) => a.id.localeCompare(b.id))} backtest={backtest ?? null} />
      <BacktestSection backtest={backtest} />
    </div>
  )
}

function MissionsTable(props: { data: BoardData }) {
  const { t } = useI18n()
  const active = [...props.data.book.alerts.values()].map((b) => b.alert).filter((a) => ACTIVE.includes(a.status))
  const missions = [...new Set([...props.data.missions, ...active.map((a) => a.mission)])].sort()
  const n = (m: string, level: Level, grade?: Grade) => active.filter((a) => a.mission === m && a.level === level && (!grade || a.grade === grade)).length
  return (
    <section aria-labelledby="hq-missions">
      <h3 id="hq-missions">{t('hq.missions')}</h3>
      <div class="scroll">
        <table class="missions">
          <thead>
            <tr><th scope="col" rowSpan={2}>{t('hq.mission')}</th>{LEVELS.map((l) => <th scope="colgroup" colSpan={GRADES.length} key={l}>{t(`level.${l}`)}</th>)}<th scope="col" rowSpan={2}>{t('hq.total')}</th></tr>
            <tr>{LEVELS.flatMap((l) => GRADES.map((g) => <th scope="col" key={`${l}-${g}`} class={`grade-head grade-${g}`}>{t(`grade.${g}`)}</th>))}</tr>
          </thead>
          <tbody>
            {missions.map((m) => (
              <tr key={m} data-mission={m}>
                <th scope="row" translate={false}>{m}</th>
                {LEVELS.flatMap((l) => GRADES.map((g) => { const v = n(m, l, g); return <td key={`${l}-${g}`} class={v > 0 ? `hot grade-${g}` : ''} translate={false}>{v}</td> }))}
                <td translate={false}>{active.filter((a) => a.mission === m).length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function RuleLibrary(props: { rules: RuleSummary[]; backtest: Backtest | null }) {
  const { t, lang, percent, number } = useI18n()
  const scores = new Map(props.backtest?.summary.indicators.map((i) => [i.indicatorId, i]) ?? [])
  return (
    <section aria-labelledby="hq-rules">
      <h3 id="hq-rules">{t('hq.rules')}</h3>
      <div class="scroll">
        <table class="rules">
          <thead><tr>
            <th scope="col">{t('rule.id')}</th><th scope="col">{t('rule.title')}</th><th scope="col">{t('rule.thresholds')}</th>
            <th scope="col">{t('rule.owner')}</th><th scope="col">{t('rule.status')}</th><th scope="col">{t('rule.version')}</th><th scope="col">{t('rule.validation')}</th>
          </tr></thead>
          <tbody>
            {props.rules.map((r) => {
              const s = scores.get(r.id)
              return (
                <tr key={r.id} data-rule={r.id}>
                  <th scope="row" translate={false}>{r.id}</th>
                  <td><strong translate={false} lang={lang === 'fr' && r.titleFr ? 'fr' : 'en'}>{ruleTitle(lang, r.id, r)}</strong><br /><small translate={false} lang="en">{r.description}</small></td>
                  <td>{r.thresholds.map((x, i) => <span key={i} class={`grade grade-${x.grade}`}>{t(`level.${x.level}`)} · {t(`grade.${x.grade}`)}</span>)}</td>
                  <td translate={false}>{r.owner}</td>
                  <td>{RULE_STATUSES.includes(r.status) ? t(`ruleStatus.${r.status as RuleStatus}`) : <span translate={false}>{r.status}</span>}</td>
                  <td translate={false}>{r.version}</td>
                  <td>{s ? <span translate={false}>{s.warnings} · {s.lift === null ? '–' : number(s.lift)} · {s.falseAlarmRatio === null ? '–' : percent(s.falseAlarmRatio)}</span> : t('rule.notScored')}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function BacktestSection(props: { backtest: Backtest | null | undefined }) {
  const { t, percent, number, dateTime } = useI18n()
  const b = props.backtest
  return (
    <section aria-labelledby="hq-backtest">
      <h3 id="hq-backtest">{t('hq.backtest')}</h3>
      {b === undefined ? <p>{t('common.loading')}</p> : b === null ? <p>{t('hq.noBacktest')}</p> : (
        <>
          <p>{t('backtest.period')}: <span translate={false}>{b.summary.mission ?? ''} {b.summary.period.from} – {b.summary.period.to}</span> · {t('backtest.written')} <span translate={false}>{dateTime(b.writtenAt)}</span></p>
          <div class="scroll">
            <table>
              <thead><tr>
                <th scope="col">{t('backtest.level')}</th><th scope="col">{t('backtest.warnings')}</th><th scope="col">{t('backtest.detection')}</th>
                <th scope="col">{t('backtest.lead')}</th><th scope="col">{t('backtest.lift')}</th><th scope="col">{t('backtest.falseAlarms')}</th>
              </tr></thead>
              <tbody>
                {b.summary.levels.map((l) => (
                  <tr key={l.key}>
                    <th scope="row">{(LEVELS as readonly string[]).includes(l.key) ? t(`level.${l.key as Level}`) : l.key === 'operational+' ? t('backtest.operationalUp') : <span translate={false}>{l.label}</span>}</th>
                    <td translate={false}>{l.warnings}</td>
                    <td translate={false}>{l.probabilityOfDetection === null ? '–' : percent(l.probabilityOfDetection)}</td>
                    <td translate={false}>{l.leadTimeDays ? number(l.leadTimeDays.median, 1) : '–'}</td>
                    <td translate={false}>{l.lift === null ? '–' : number(l.lift)}</td>
                    <td translate={false}>{l.falseAlarmRatio === null ? '–' : percent(l.falseAlarmRatio)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  )
}
