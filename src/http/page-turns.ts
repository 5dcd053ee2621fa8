/**
 * Pages of the alert feed take turns, one page per turn of the event loop, whoever asks (a
 * stream catching up, a poll reading a page): however many clients catch up at once, other
 * requests (a health check, a report) wait for one page, never for a page of every client.
 */
const turns: (() => void)[] = []
let pumping = false

function pump() {
  turns.shift()?.()
  if (turns.length > 0) setImmediate(pump)
  else pumping = false
}

/** Resolves on this caller's turn to read and send one page. */
export const nextTurn = () => new Promise<void>((resolve) => {
  turns.push(resolve)
  if (!pumping) {
    pumping = true
    setImmediate(pump)
  }
})
