/**
 * Seeded randomness for the reliability tests: a failing run is reproduced by passing the seed
 * it printed back in through the environment, e.g. `VIGIL_CRASH_SEED=1234 npx vitest run ...`.
 */

/** mulberry32: small, fast and good enough to pick moments and reports; not for cryptography. */
export function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    /** A float in [0, 1). */
    next,
    /** An integer in [min, max], both inclusive. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    /** True with probability p. */
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    shuffle: <T>(xs: readonly T[]): T[] => {
      const out = [...xs]
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        ;[out[i], out[j]] = [out[j]!, out[i]!]
      }
      return out
    },
  }
}

export type Prng = ReturnType<typeof prng>

/** An integer from the environment, or the default: the fixed CI value unless someone asks for more. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got '${raw}'`)
  return n
}

/** fast-check parameters: a fixed seed in CI, FC_SEED / FC_NUM_RUNS to explore further on demand. */
export function fcParams(defaultRuns: number) {
  return { seed: envInt('FC_SEED', 20260301), numRuns: envInt('FC_NUM_RUNS', defaultRuns) }
}

/** A test timeout that grows with FC_NUM_RUNS, so a longer exploration is not cut off by the CI budget. */
export function fcTimeout(defaultRuns: number, ms: number): number {
  return Math.round(ms * Math.max(1, envInt('FC_NUM_RUNS', defaultRuns) / defaultRuns))
}
