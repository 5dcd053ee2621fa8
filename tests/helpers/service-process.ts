import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { ROOT } from '../../src/paths.js'

export interface ServiceProcess {
  child: ChildProcess
  url: string
  /** Every log line the service wrote, parsed. */
  logs: Record<string, unknown>[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Starts the real service (`vigil serve`) as a child process on the given database, on a free
 * port, and resolves once it listens.
 */
export function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', VIGIL_AUTH: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Record<string, unknown>[] = []
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }))
  })
  return new Promise((resolve, reject) => {
    let buffer = ''
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString() })
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        try {
          const entry = JSON.parse(line) as Record<string, unknown>
          logs.push(entry)
          const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(entry.msg))
          if (m) resolve({ child, url: m[1]!, logs, exited })
        } catch {
          // not a log line
        }
      }
    })
    void exited.then(({ code }) => reject(new Error(`service exited (${code}) before listening: ${stderr}`)))
  })
}

/** Kills a service a test left running (SIGKILL: a test's leftovers need no grace). */
export async function killIfRunning(svc: ServiceProcess | undefined): Promise<void> {
  if (svc && svc.child.exitCode === null && svc.child.signalCode === null) {
    svc.child.kill('SIGKILL')
    await svc.exited
  }
}
