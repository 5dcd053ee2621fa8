import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import { en, type MessageKey } from './en'
import { fr } from './fr'

export type Lang = 'en' | 'fr'
export const LANGS: readonly Lang[] = ['en', 'fr']
export const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en, fr }

/** The reader's language: the one chosen on this browser before, else the browser's own. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem('vigil.lang')
    if (saved === 'en' || saved === 'fr') return saved
  } catch { /* storage disabled: fall through */ }
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

export function rememberLang(lang: Lang): void {
  try { localStorage.setItem('vigil.lang', lang) } catch { /* not remembered, still applied */ }
}

export interface I18n {
  lang: Lang
  t(key: MessageKey): string
  /** A date and time in the reader's language and time zone. */
  dateTime(iso: string | number): string
  /** How long ago, e.g. "5 minutes ago" / "il y a 5 minutes". */
  ago(iso: string | number, now: number): string
  number(n: number, digits?: number): string
  percent(x: number): string
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]]

export function makeI18n(lang: Lang): I18n {
  const cat = CATALOGUES[lang]
  const dt = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })
  const rel = new Intl.RelativeTimeFormat(lang, { numeric: 'always', style: 'long' })
  const num = (d: number) => new Intl.NumberFormat(lang, { maximumFractionDigits: d })
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 })
  return {
    lang,
    t: (key) => cat[key],
    dateTime: (v) => dt.format(new Date(v)),
    ago: (v, now) => {
      const ms = now - (typeof v === 'number' ? v : Date.parse(v))
      for (const [unit, size] of UNITS) if (Math.abs(ms) >= size || unit === 'second') return rel.format(-Math.round(ms / size), unit)
      return ''
    },
    number: (n, digits = 2) => num(digits).format(n),
    percent: (x) => pct.format(x),
  }
}

export const I18nContext = createContext<I18n>(makeI18n('en'))

export function useI18n(): I18n {
  return useContext(I18nContext)
}
