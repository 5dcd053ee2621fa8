/**
 * A progress bar for long imports and replays, drawn on stderr only when it is a terminal: a
 * log file or a pipe gets nothing here, just the command's plain final summary.
 */

export interface Progress {
  start(label: string, total: number | null): void
  /** How many items are done so far. */
  update(done: number): void
  /** Clears the bar, leaving the terminal line empty for the summary. */
  finish(): void
}

export interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(s: string): unknown
}

/** Redraw at most this often: a bar redrawn per row would cost more than the rows. */
const REDRAW_MS = 100
const BAR = 24

const grouped = (n: number) => Math.round(n).toLocaleString('en-US')

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?'
  if (s < 90) return `${Math.round(s)}s`
  return s < 5400 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`
}

/** One line of the bar: label, bar and percentage when the total is known, count, rate, time left. */
export function progressLine(label: string, done: number, total: number | null, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0
  const parts = [label]
  if (total !== null && total > 0) {
    const share = Math.min(1, done / total)
    const filled = Math.round(share * BAR)
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%`)
    parts.push(`${grouped(done)}/${grouped(total)}`)
  } else {
    parts.push(grouped(done))
  }
  parts.push(`${grouped(rate)}/s`)
  if (total !== null && total > done && rate > 0) parts.push(`${seconds((total - done) / rate)} left`)
  return parts.join('  ')
}

const silent: Progress = { start() {}, update() {}, finish() {} }

/** A bar on `stream` when it is a terminal; otherwise nothing at all. */
export function progressBar(stream: ProgressStream, now: () => number = () => performance.now()): Progress {
  if (!stream.isTTY) return silent
  let label = ''
  let total: number | null = null
  let started = 0
  let drawn = -Infinity
  let width = 0
  const draw = (done: number) => {
    const line = progressLine(label, done, total, now() - started).slice(0, Math.max(20, (stream.columns ?? 80) - 1))
    stream.write(`\r${line.padEnd(width)}`)
    width = line.length
  }
  return {
    start(l, t) {
      label = l
      total = t
      started = now()
      drawn = -Infinity
      width = 0
    },
    update(done) {
      if (now() - drawn < REDRAW_MS) return
      drawn = now()
      draw(done)
    },
    finish() {
      if (width > 0) stream.write(`\r${' '.repeat(width)}\r`)
      width = 0
    },
  }
}
