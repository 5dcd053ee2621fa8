/**
 * How precisely a report's place is known, finest first. A site or route is finer than an
 * admin2 area, which is finer than admin1: the order decides whether coordinates or a name win
 * when they disagree (placement.ts).
 */
export const LOCATION_PRECISIONS = ['exact', 'near', 'site', 'route', 'admin2', 'admin1', 'country'] as const
export type LocationPrecision = (typeof LOCATION_PRECISIONS)[number]

/** 0 for exact, growing as the precision coarsens. */
export function precisionRank(p: LocationPrecision): number {
  return LOCATION_PRECISIONS.indexOf(p)
}

/** True when `a` is strictly coarser than `b`. */
export function isCoarser(a: LocationPrecision, b: LocationPrecision): boolean {
  return precisionRank(a) > precisionRank(b)
}
