/**
 * When an alert expires: its expiry after its last input, but never later than its cap
 * (`maxDuration`) after its raise. The cap stops an escalation alert from living on by updates
 * that no longer meet its threshold (an alert is never silently downgraded, so every update
 * used to push its expiry on); once capped, only a threshold holding anew raises another.
 */
export function alertExpiry(lastSeen: number, raisedAt: number, life: { expiresMs: number; maxDurationMs: number | null }): number {
  const quiet = lastSeen + life.expiresMs
  return life.maxDurationMs === null ? quiet : Math.min(quiet, raisedAt + life.maxDurationMs)
}
