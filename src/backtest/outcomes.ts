import { readCsvRows, type CsvRow } from '../import/csv-reader.js'
import { dayOf, textOf } from '../import/row-values.js'

/**
 * The outcomes a backtest scores warnings against: fatal incidents of one mission, read from the
 * UN peacekeeping fatalities file (one row per fatality; no place, no time of day), the rows of
 * malicious acts grouped by date into incidents.
 */

/** One day with at least one malicious-act fatality in the mission. */
export interface FatalIncident {
  /** YYYY-MM-DD (UTC). */
  date: string
  /** 00:00 UTC of that day, epoch ms. */
  day: number
  fatalities: number
}

export interface OutcomeList {
  incidents: FatalIncident[]
  /** Rows of the mission and incident type whose date could not be read. */
  undated: number
}

export const MALICIOUS_ACT = 'Malicious Act'

/** Groups rows into incidents: the mission's malicious-act fatalities, one incident per date. */
export function fatalIncidents(rows: Iterable<CsvRow>, mission: string): OutcomeList {
  const byDay = new Map<number, number>()
  let undated = 0
  for (const r of rows) {
    if (textOf(r.values.mission_acronym) !== mission || textOf(r.values.type_of_incident) !== MALICIOUS_ACT) continue
    const day = dayOf(r.values.incident_date)
    if (day === null) {
      undated++
      continue
    }
    byDay.set(day, (byDay.get(day) ?? 0) + 1)
  }
  const incidents = [...byDay.entries()].sort((a, b) => a[0] - b[0])
    .map(([day, fatalities]) => ({ date: new Date(day).toISOString().slice(0, 10), day, fatalities }))
  return { incidents, undated }
}

/** Reads the fatalities CSV (columns incident_date, mission_acronym, type_of_incident, ...). */
export function readFatalIncidents(file: string, mission: string): OutcomeList {
  return fatalIncidents(readCsvRows(file), mission)
}
