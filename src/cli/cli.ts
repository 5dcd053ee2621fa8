import { serve } from '../main.js'
import { ConfigError } from '../config.js'
import { buildSchemas } from './schemas-build.js'

const USAGE = `usage: vigil <command>

commands:
  serve                 run the service (configured by environment variables; see README)
  schemas build         regenerate schemas/*.schema.json from the zod sources
  schemas check         fail when a generated schema is stale
`

/** Runs a vigil command; returns the exit code. Long-running commands never return. */
export async function runCli(argv: string[]): Promise<number> {
  const [cmd, sub] = argv
  try {
    switch (cmd) {
      case 'serve':
        await serve()
        return 0
      case 'schemas':
        if (sub === 'build' || sub === 'check') return buildSchemas({ check: sub === 'check' })
        break
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(USAGE)
        return 0
      default:
        break
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      return 2
    }
    throw err
  }
  process.stderr.write(USAGE)
  return 2
}
