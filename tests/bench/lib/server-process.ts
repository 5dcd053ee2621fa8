/** Starts a bench server (lib/bench-server.ts) as a child process and talks to it. */
import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../../../src/paths.js'

export interface ServerProcess {
  kind: 'vigil' | 'bare'
  child: ChildProcess
  pid: number
  url: string
  /** CPU seconds (user + system) the child has used so far, from /proc (clock-tick precision). */
  cpuSeconds(): number
  /** Starts a CPU profile in the child; the returned function stops it and writes `file`. */
  profile(file: string): Promise<() => Promise<void>>
  stop(): Promise<void>
}

const TICK = 100 // USER_HZ on Linux

export function procCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // After the command: state(0) ... utime is field 14 overall, i.e. index 11 here; stime 12.
  return (Number(fields[11]) + Number(fields[12])) / TICK
}

export interface StartOptions {
  kind: 'vigil' | 'bare'
  env?: Record<string, string>
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[]
  /** Where the service's stdout (its pino log) goes: a file, or /dev/null. */
  logFile?: string
}

/** Sends a message to the child and waits for its answer carrying `key`. */
function ask(child: ChildProcess, msg: object, key: string): Promise<unknown> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (m && typeof m === 'object' && key in m) {
        child.off('message', on)
        resolve(m)
      }
    }
    child.on('message', on)
    child.send(msg)
  })
}

export function startServer(opts: StartOptions): Promise<ServerProcess> {
  const out = fs.openSync(opts.logFile ?? '/dev/null', 'a')
  const child = fork(path.join(ROOT, 'tests/bench/lib/bench-server.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', ...(opts.nodeArgs ?? [])],
    env: {
      ...process.env,
      BENCH_SERVER: opts.kind,
      HOST: '127.0.0.1',
      PORT: '0',
      VIGIL_WATCH_RULES: 'false',
      ...opts.env,
    },
    stdio: ['ignore', out, 'pipe', 'ipc'],
  })
  fs.closeSync(out)
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${opts.kind} server exited (${code}) before listening:\n${stderr.slice(-3000)}`))
    child.once('exit', onExit)
    child.once('message', (msg: { port: number }) => {
      child.off('exit', onExit)
      const pid = child.pid!
      resolve({
        kind: opts.kind,
        child,
        pid,
        url: `http://127.0.0.1:${msg.port}`,
        cpuSeconds: () => procCpuSeconds(pid),
        async profile(file: string) {
          await ask(child, { profile: 'start' }, 'profiling')
          return async () => { await ask(child, { profile: 'stop', file }, 'profiled') }
        },
        async stop() {
          if (child.exitCode !== null) return
          child.send('stop')
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
          await exited
          clearTimeout(timer)
        },
      })
    })
  })
}
