import type { BriefSchedule } from '../notify/routing-schema.js'
import { WEEKDAYS } from '../notify/routing-schema.js'

const DAY_MS = 86_400_000

/** The wall-clock parts of an instant in a time zone. */
function localParts(t: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'long',
  }).formatToParts(t)
  const get = (type: string) => parts.find((p) => p.type === type)!.value
  return { y: Number(get('year')), m: Number(get('month')), d: Number(get('day')), h: Number(get('hour')), min: Number(get('minute')), s: Number(get('second')), weekday: get('weekday').toLowerCase() }
}

/** The instant a local date and time in a time zone stands for (the offset read at that moment). */
function instantOf(y: number, m: number, d: number, h: number, min: number, timeZone: string): number {
  const asUtc = Date.UTC(y, m - 1, d, h, min)
  const p = localParts(asUtc, timeZone)
  const offset = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - asUtc
  return asUtc - offset
}

/** The latest time at or before `now` the brief was due: today's or an earlier day's local `at`. */
export function lastDue(b: BriefSchedule, now: number): number {
  const [h, min] = b.at.split(':').map(Number) as [number, number]
  for (let back = 0; back <= 8; back++) {
    const day = localParts(now - back * DAY_MS, b.timeZone)
    const due = instantOf(day.y, day.m, day.d, h, min, b.timeZone)
    if (due > now) continue
    if (b.every === 'week' && day.weekday !== b.weekday) continue
    return due
  }
  // Unreachable for valid schedules: a week always holds the weekday.
  throw new Error(`no due time for brief ${b.mission} ${b.every} ${b.weekday}`)
}

/** The period a brief covers: the day or week before it was due. */
export function periodOf(b: BriefSchedule, due: number): { from: number; to: number } {
  return { from: due - (b.every === 'week' ? 7 : 1) * DAY_MS, to: due }
}

export { WEEKDAYS }
