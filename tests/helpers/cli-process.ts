import { spawn, spawnSync } from 'node:child_process'
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

/** `vigil(...)` without blocking, so several runs share the wait. */
export function vigilAsync(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    // A command that should have ended but runs on (a server started by mistake) is killed: status null.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}
