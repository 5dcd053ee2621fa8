import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { ROOT } from '../../src/paths.js'

export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs `vigil <args>` as a real child process, as a user's shell would, and waits for it to end. */
export function vigil(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
