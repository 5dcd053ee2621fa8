/**
 * When each mission was deployed (and, for a closed one, when it ended): a backtest scores only
 * the days the mission existed, the days before are warm-up. Days are the transfer of authority
 * or the start of operations (the day the mission took over), not the Security Council
 * resolution that created it, where the two differ; the end is the last day of the mandate
 * (the withdrawal that followed is not scored).
 *
 * Sources: the Security Council resolutions named in each row, and the missions' pages and fact
 * sheets on peacekeeping.un.org ("mandate", "background"). The Geo-PKO 2.3 deployment rows
 * (/work/shared/data, design note domain.md) agree for MINUSCA (from 2014) and MINUSMA
 * (2013-2023). Notes on rows where the day is a choice:
 * - MINUSMA: S/RES/2690 (2023) ended the mandate on 30 June 2023; the withdrawal was completed
 *   on 31 December 2023, and the mission was still reporting until then, so it is scored to the end.
 * - UNAMID: S/RES/2559 (2020) ended the mandate on 31 December 2020 (withdrawal to 30 June 2021).
 * - UNFICYP: created 4 March 1964, operational on 27 March 1964.
 * - UNIFIL: created 19 March 1978; the first troops arrived on 23 March 1978.
 * - MINURSO: created 29 April 1991; deployed when the ceasefire took effect on 6 September 1991.
 * - UNMOGIP: the first observers arrived on 24 January 1949 (S/RES/47 of 1948).
 * - UNTSO: created 29 May 1948 (S/RES/50); the truce it supervised began on 11 June 1948.
 */

export interface MissionPeriod {
  mission: string
  /** First day of deployment, YYYY-MM-DD. */
  start: string
  /** Last day, YYYY-MM-DD; null while the mission runs. */
  end: string | null
  source: string
}

export const MISSION_PERIODS: readonly MissionPeriod[] = [
  // Current missions
  { mission: 'MINUSCA', start: '2014-09-15', end: null, source: 'S/RES/2149 (2014); transfer of authority from MISCA' },
  { mission: 'MONUSCO', start: '2010-07-01', end: null, source: 'S/RES/1925 (2010); took over from MONUC' },
  { mission: 'UNMISS', start: '2011-07-09', end: null, source: "S/RES/1996 (2011); South Sudan's independence day" },
  { mission: 'UNISFA', start: '2011-06-27', end: null, source: 'S/RES/1990 (2011)' },
  { mission: 'UNIFIL', start: '1978-03-23', end: null, source: 'S/RES/425 and 426 (1978); first troops 23 March 1978' },
  { mission: 'UNFICYP', start: '1964-03-27', end: null, source: 'S/RES/186 (1964); operational 27 March 1964' },
  { mission: 'UNDOF', start: '1974-05-31', end: null, source: 'S/RES/350 (1974)' },
  { mission: 'UNMIK', start: '1999-06-10', end: null, source: 'S/RES/1244 (1999)' },
  { mission: 'MINURSO', start: '1991-09-06', end: null, source: 'S/RES/690 (1991); deployed with the ceasefire of 6 September 1991' },
  { mission: 'UNMOGIP', start: '1949-01-24', end: null, source: 'S/RES/47 (1948); first observers 24 January 1949' },
  { mission: 'UNTSO', start: '1948-06-11', end: null, source: 'S/RES/50 (1948); the truce of 11 June 1948' },
  // Closed missions
  { mission: 'MINUSMA', start: '2013-07-01', end: '2023-12-31', source: 'S/RES/2100 (2013), took over from AFISMA; S/RES/2690 (2023), withdrawal completed 31 December 2023' },
  { mission: 'UNAMID', start: '2007-12-31', end: '2020-12-31', source: 'S/RES/1769 (2007), took over from AMIS; S/RES/2559 (2020)' },
  { mission: 'MONUC', start: '1999-11-30', end: '2010-06-30', source: 'S/RES/1279 (1999); S/RES/1925 (2010), succeeded by MONUSCO' },
  { mission: 'UNMIS', start: '2005-03-24', end: '2011-07-09', source: 'S/RES/1590 (2005); S/RES/1997 (2011)' },
  { mission: 'MINUSTAH', start: '2004-06-01', end: '2017-10-15', source: 'S/RES/1542 (2004), took over from the MIF; S/RES/2350 (2017)' },
  { mission: 'MINUJUSTH', start: '2017-10-16', end: '2019-10-15', source: 'S/RES/2350 (2017); S/RES/2466 (2019)' },
  { mission: 'UNMIL', start: '2003-10-01', end: '2018-03-30', source: 'S/RES/1509 (2003), took over from ECOMIL; S/RES/2333 (2016)' },
  { mission: 'UNOCI', start: '2004-04-04', end: '2017-06-30', source: 'S/RES/1528 (2004), took over from MINUCI and ECOWAS; S/RES/2284 (2016)' },
  { mission: 'MINURCAT', start: '2007-09-25', end: '2010-12-31', source: 'S/RES/1778 (2007); S/RES/1923 (2010)' },
]

export function missionPeriod(mission: string | undefined): MissionPeriod | null {
  return MISSION_PERIODS.find((m) => m.mission === mission) ?? null
}
