/**
 * When each mission was deployed (and, for a closed one, when it ended): a backtest scores only
 * the days the mission existed, the days before are warm-up. Days are the transfer of authority
 * (the day the mission took over), not the Security Council resolution that created it.
 *
 * Sources (UN Security Council resolutions and the missions' own pages, peacekeeping.un.org):
 * - MINUSCA: S/RES/2149 (2014) created it; authority transferred from MISCA on 15 September 2014.
 * - MINUSMA: S/RES/2100 (2013); took over from AFISMA on 1 July 2013; S/RES/2690 (2023) ended the
 *   mandate on 30 June 2023 and the withdrawal was completed on 31 December 2023.
 * - MONUSCO: S/RES/1925 (2010); took over from MONUC on 1 July 2010.
 * - UNMISS: S/RES/1996 (2011); established on 9 July 2011, South Sudan's independence day.
 * The Geo-PKO 2.3 deployment rows (/work/shared/data, design note domain.md) agree: MINUSCA from
 * 2014, MINUSMA 2013-2023.
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
  { mission: 'MINUSCA', start: '2014-09-15', end: null, source: 'S/RES/2149 (2014); transfer of authority from MISCA' },
  { mission: 'MINUSMA', start: '2013-07-01', end: '2023-12-31', source: 'S/RES/2100 (2013), S/RES/2690 (2023)' },
  { mission: 'MONUSCO', start: '2010-07-01', end: null, source: 'S/RES/1925 (2010); took over from MONUC' },
  { mission: 'UNMISS', start: '2011-07-09', end: null, source: 'S/RES/1996 (2011)' },
]

export function missionPeriod(mission: string | undefined): MissionPeriod | null {
  return MISSION_PERIODS.find((m) => m.mission === mission) ?? null
}
