/** Warning levels, lowest first: who acts on the alert and over what horizon. */
export const LEVELS = ['tactical', 'operational', 'strategic'] as const
/** Grades G1-G4, aligned with the UNSMS security-risk bands, lowest first. */
export const GRADES = ['low', 'medium', 'high', 'critical'] as const
export const CONFIDENCES = ['low', 'medium', 'high'] as const

export type Level = (typeof LEVELS)[number]
export type Grade = (typeof GRADES)[number]
export type Confidence = (typeof CONFIDENCES)[number]

/**
 * The order of thresholds: a higher level outranks any grade of a lower one, then grade decides.
 * "The highest satisfied threshold wins" and "never silently downgrade" both use this rank.
 */
export function rank(level: Level, grade: Grade): number {
  return LEVELS.indexOf(level) * GRADES.length + GRADES.indexOf(grade)
}
