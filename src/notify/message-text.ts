import { placeLabel } from '../alerts/place-label.js'
import type { NotificationPayload, PayloadAlert } from './notification-payload.js'
import { worstOf } from './notification-payload.js'

export type Language = 'en' | 'fr'

/** The words of a message in each language; a kind not listed (a new one) is shown as is. */
const WORDS: Record<Language, {
  grade: Record<string, string>; level: Record<string, string>; kind: Record<string, string>; status: Record<string, string>
  alerts: (n: number) => string; resolved: string; reminder: string; alert: string; key: string; footer: string
}> = {
  en: {
    grade: { low: 'low', medium: 'medium', high: 'high', critical: 'critical' },
    level: { tactical: 'tactical', operational: 'operational', strategic: 'strategic' },
    kind: {
      raised: 'raised', updated: 'updated', escalated: 'escalated', downgraded: 'downgraded', acknowledged: 'acknowledged',
      resolved: 'resolved', expired: 'expired', withdrawn: 'withdrawn', silenced: 'silenced', unsilenced: 'unsilenced',
      inhibited: 'inhibited', released: 'released', overdue: 'overdue', repeat: 'reminder',
    },
    status: { open: 'open', acknowledged: 'acknowledged', resolved: 'resolved', expired: 'expired', withdrawn: 'withdrawn' },
    alerts: (n) => `${n} alert${n === 1 ? '' : 's'}`,
    resolved: 'ended', reminder: 'reminder', alert: 'alert', key: 'Idempotency key', footer: 'Sent by vigil, the early-warning indicator engine.',
  },
  fr: {
    grade: { low: 'faible', medium: 'moyen', high: 'élevé', critical: 'critique' },
    level: { tactical: 'tactique', operational: 'opérationnel', strategic: 'stratégique' },
    kind: {
      raised: 'nouvelle', updated: 'mise à jour', escalated: 'aggravée', downgraded: 'abaissée', acknowledged: 'prise en compte',
      resolved: 'résolue', expired: 'expirée', withdrawn: 'retirée', silenced: 'mise en sourdine', unsilenced: 'sourdine levée',
      inhibited: 'inhibée', released: 'libérée', overdue: 'en retard', repeat: 'rappel',
    },
    status: { open: 'ouverte', acknowledged: 'prise en compte', resolved: 'résolue', expired: 'expirée', withdrawn: 'retirée' },
    alerts: (n) => `${n} alerte${n === 1 ? '' : 's'}`,
    resolved: 'terminée', reminder: 'rappel', alert: 'alerte', key: "Clé d'idempotence", footer: "Envoyé par vigil, moteur d'indicateurs d'alerte précoce.",
  },
}

const word = (table: Record<string, string>, key: string) => table[key] ?? key

/** The kinds of change an alert line reports, newest last. */
function kindsOf(a: PayloadAlert, lang: Language): string {
  const kinds = [...new Set(a.changes.map((c) => c.kind))]
  return kinds.map((k) => word(WORDS[lang].kind, k)).join(', ')
}

function areaOf(a: PayloadAlert): string {
  return placeLabel(a.area)
}

/** The subject (e-mail) or title (chat): mission, count, and the worst alert's grade and level. */
export function messageTitle(p: NotificationPayload, lang: Language): string {
  const w = WORDS[lang]
  const worst = worstOf(p)
  const tail = worst ? ` — ${word(w.grade, worst.grade).toUpperCase()} ${word(w.level, worst.level)}` : ''
  const sep = lang === 'fr' ? ' : ' : ': '
  const state = p.reason === 'repeat' ? ` (${w.reminder})` : p.status === 'resolved' ? ` (${w.resolved})` : ''
  return `[vigil] ${p.mission}${sep}${w.alerts(p.alerts.length)}${tail}${state}`
}

/** One line per alert: what happened, how bad, where, and its summary. */
export function alertLine(a: PayloadAlert, lang: Language): string {
  const w = WORDS[lang]
  const area = areaOf(a)
  return `${kindsOf(a, lang)} · ${word(w.grade, a.grade)} ${word(w.level, a.level)} · ${a.summary}`
    + ` (${a.indicatorId}, ${w.alert} ${a.id}, ${word(w.status, a.status)}${area ? `, ${area}` : ''})`
}

export function plainText(p: NotificationPayload, lang: Language): string {
  const w = WORDS[lang]
  return [messageTitle(p, lang), '', ...p.alerts.map((a) => `- ${alertLine(a, lang)}`), '', `${w.key}: ${p.idempotencyKey}`, w.footer, ''].join('\n')
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

export function htmlText(p: NotificationPayload, lang: Language): string {
  const w = WORDS[lang]
  const items = p.alerts.map((a) => `<li>${escapeHtml(alertLine(a, lang))}</li>`).join('')
  return `<!doctype html><html lang="${lang}"><body><h1 style="font-size:1.1em">${escapeHtml(messageTitle(p, lang))}</h1>`
    + `<ul>${items}</ul><p style="color:#666;font-size:0.9em">${escapeHtml(w.key)}: <code>${escapeHtml(p.idempotencyKey)}</code><br>${escapeHtml(w.footer)}</p></body></html>`
}
