import type { Confidence } from './levels.js'

/**
 * Confidence from the Admiralty grades of the contributing inputs: high when any is A-B with
 * credibility 1-2 or two or more independent sources agree; medium when any is A-C with
 * credibility 1-3; low otherwise (only D/F, or credibility 4/6).
 */
export function confidenceOf(a: { strongSource: boolean; mediumSource: boolean; independentSources: number }): Confidence {
  if (a.strongSource || a.independentSources >= 2) return 'high'
  if (a.mediumSource) return 'medium'
  return 'low'
}

/**
 * This window's measure against the mean of the previous windows. The mean is floored at one so
 * a quiet history does not divide by zero: 3 events after none reads as a trend of 3.
 */
export function trendOf(current: number, baselineMean: number): number {
  return Math.round((current / Math.max(baselineMean, 1)) * 100) / 100
}
