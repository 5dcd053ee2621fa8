/**
 * A seeded pseudo-random source (mulberry32): the Monte Carlo baseline and the bootstrap give the
 * same figures for the same seed, so a backtest's numbers can be reproduced and tested.
 */
export type Random = () => number

export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** A whole number in [0, n). */
export const randomInt = (random: Random, n: number) => Math.floor(random() * n)
