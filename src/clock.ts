/** The time source, as epoch milliseconds. Injected everywhere so tests and replays control time. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

/** A clock that stands still until told to move: for tests and for backtest replays. */
export function manualClock(start: number | string): Clock & { set(t: number | string): void; advance(ms: number): void } {
  let now = typeof start === 'string' ? Date.parse(start) : start
  const clock = (() => now) as Clock & { set(t: number | string): void; advance(ms: number): void }
  clock.set = (t) => { now = typeof t === 'string' ? Date.parse(t) : t }
  clock.advance = (ms) => { now += ms }
  return clock
}
