import { serve } from '../main.js'
import { ConfigError } from '../config.js'
import { buildSchemas } from './schemas-build.js'
import { rulesCheck, rulesDiff, rulesTest } from './rules-commands.js'
import { importCommand, IMPORT_USAGE } from './import-command.js'
import { backtestCommand, BACKTEST_USAGE } from './backtest-command.js'
import { keysCommand } from './keys-commands.js'
import { gazetteerCommand } from './gazetteer-commands.js'

const USAGE = `usage: vigil <command>

commands:
  serve                 run the service (configured by environment variables; see README)
  rules check [dir]     check every rule file (schema, then meaning); default dir: rules
  rules test [dir|file] run the rules' tests through the real engine
  rules diff <old> <new> what changed between two rule directories
  keys create|list|revoke   manage access keys (vigil keys --help)
  gazetteer check|import    check mission gazetteers, import areas and sites (vigil gazetteer --help)
  schemas build         regenerate schemas/*.schema.json from the zod sources
  schemas check         fail when a generated schema is stale
  import <file> --format ucdp-ged|csv --mission <code> [--map <mapping.yaml>] [--out <file>]
                        external event data into incident reports (vigil import --help)
  backtest --reports <file|db> --rules <dir> [--from --to] [--outcomes <csv> --mission <code>] [--out <dir>]
                        replay reports through the rules and score the alerts (vigil backtest --help)
`

function help(text: string): number {
  process.stdout.write(text)
  return 0
}

/** Runs a vigil command; returns the exit code. Long-running commands never return. */
export async function runCli(argv: string[]): Promise<number> {
  const [cmd, sub] = argv
  try {
    switch (cmd) {
      case 'serve':
        await serve()
        return 0
      case 'rules':
        if (sub === 'check') return rulesCheck(argv[2] ?? 'rules', process.stdout, process.stderr)
        if (sub === 'test') return await rulesTest(argv[2] ?? 'rules', process.stdout, process.stderr)
        if (sub === 'diff' && argv[2] && argv[3]) return rulesDiff(argv[2], argv[3], process.stdout)
        break
      case 'keys':
        return keysCommand(argv.slice(1), process.stdout, process.stderr)
      case 'gazetteer':
        return gazetteerCommand(argv.slice(1), process.stdout, process.stderr)
      case 'schemas':
        if (sub === 'build' || sub === 'check') return buildSchemas({ check: sub === 'check' })
        break
      case 'import':
        if (sub === '--help') return help(IMPORT_USAGE)
        return await importCommand(argv.slice(1), process.stdout, process.stderr, process.stderr)
      case 'backtest':
        if (sub === '--help') return help(BACKTEST_USAGE)
        return await backtestCommand(argv.slice(1), process.stdout, process.stderr, process.stderr)
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
