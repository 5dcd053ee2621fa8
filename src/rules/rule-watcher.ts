import fs from 'node:fs'

export interface RuleWatcher {
  close(): void
}

export interface RuleWatcherOptions {
  /** Quiet time after the last change before reloading: an editor's save is several events. */
  debounceMs?: number
  /** A watch failure (the directory removed, too many watches); reloading by SIGHUP still works. */
  onError?: (err: Error) => void
}

export const DEFAULT_DEBOUNCE_MS = 300

/**
 * Watches a rules directory, subfolders included, and calls `onChange` once the files have been
 * quiet for the debounce time. Saving a file, or checking out a branch of rules, fires many
 * events; they collapse into one reload of the whole set.
 */
export function watchRules(dir: string, onChange: () => void, opts: RuleWatcherOptions = {}): RuleWatcher {
  const debounceMs = opts.debounceMs ?? DEFAULT_DEBOUNCE_MS
  let timer: NodeJS.Timeout | null = null
  let closed = false
  const fire = () => {
    timer = null
    if (!closed) onChange()
  }
  const watcher = fs.watch(dir, { recursive: true, persistent: false }, () => {
    if (closed) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(fire, debounceMs)
  })
  watcher.on('error', (err) => opts.onError?.(err))
  return {
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      timer = null
      watcher.close()
    },
  }
}
