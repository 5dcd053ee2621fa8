import fs from 'node:fs'
import path from 'node:path'
import { ConfigError } from '../config.js'
import { VigilError } from '../errors.js'
import { ROOT } from '../paths.js'
import { parseCommand, UsageError, wantsHelp, wantsVersion } from './args.js'
import { BACKTEST_USAGE, CALIBRATE_USAGE, IMPORT_USAGE, KEYS_USAGE } from './usage.js'
import { GAZETTEER_USAGE } from './gazetteer-commands.js'
import { REVIEW_USAGE } from './review-command.js'

const out = process.stdout
const err = process.stderr

// Each command's module is loaded only when it runs: --help and a wrong command line answer at once.
const rules = () => import('./rules-commands.js')
const keys = async (args: string[]) => (await import('./keys-commands.js')).keysCommand(args, out, err)
const schemas = async (check: boolean) => (await import('./schemas-build.js')).buildSchemas({ check })

const USAGE = `usage: vigil <command> [--help] [--version]

commands:
  serve                 run the service (configured by environment variables; see README)
  rules check [dir]     check every rule file (schema, then meaning); default dir: rules
  rules test [dir|file] run the rules' tests through the real engine
  rules diff <old> <new> what changed between two rule directories
  keys create|list|revoke   manage access keys (vigil keys --help)
  schemas build         regenerate schemas/*.schema.json and schemas/openapi.json from the zod sources
  schemas check         fail when a generated schema is stale
  import <file> --format ucdp-ged|csv --mission <code> [--map <mapping.yaml>] [--out <file>]
                        external event data into incident reports (vigil import --help)
  backtest --reports <file|db> --rules <dir> [--from --to] [--outcomes <csv> --mission <code>] [--out <dir>]
                        replay reports through the rules and score the alerts (vigil backtest --help)
  calibrate --reports <file> --rules <dir> --indicator <id> --sweep <path>=<values> --split <day> ...
                        tune an indicator on a training period, score it on validation (vigil calibrate --help)
  gazetteer check [dir] | import ...
                        check the missions' gazetteers, or import areas and sites (vigil gazetteer --help)
  routing check [file]  check the notification routing file (default VIGIL_ROUTING_FILE)
  review [--from --to] [--mission <code>]
                        how each indicator's alerts were handled, flagging high false-alarm or overdue shares (vigil review --help)

Every command takes --help. Exit codes: 0 done, 1 the work found problems, 2 a wrong command line.
`

/** A command: its usage, and either what it runs or its subcommands. */
interface Command {
  usage: string
  run?: (args: string[]) => number | Promise<number>
  subcommands?: Record<string, Command>
}

/** The rules folder or file a command reads must exist: otherwise it is a wrong argument. */
function existing(target: string): string {
  if (!fs.existsSync(target)) throw new UsageError(`${target}: no such file or directory`)
  return target
}

const COMMANDS: Record<string, Command> = {
  serve: {
    usage: 'usage: vigil serve\n\nRuns the service until SIGTERM or SIGINT; configured by environment variables (PORT, VIGIL_DB, VIGIL_RULES_DIR... see the README).\n',
    run: async (args) => {
      parseCommand(args, {})
      // Imported here: the service's modules load only for the command that runs it.
      const { serve } = await import('../main.js')
      await serve()
      return 0
    },
  },
  rules: {
    usage: 'usage: vigil rules check [dir] | test [dir|file] | diff <old-dir> <new-dir>\n',
    subcommands: {
      check: {
        usage: 'usage: vigil rules check [dir]\n\nChecks every rule file below dir (default: rules) and prints every problem as file:line:column  path  message.\nExit code: 0 no problem, 1 problems, 2 a wrong command line.\n',
        run: async (args) => {
          const dir = existing(parseCommand(args, { positionals: { min: 0, max: 1, name: 'dir' } }).positionals[0] ?? 'rules')
          return (await rules()).rulesCheck(dir, out, err)
        },
      },
      test: {
        usage: 'usage: vigil rules test [dir|file]\n\nRuns the tests written in the rules (default dir: rules) through the real engine; a file is tested within its rule set.\nExit code: 0 all pass, 1 a test fails or the rules fail their check, 2 a wrong command line.\n',
        run: async (args) => {
          const target = existing(parseCommand(args, { positionals: { min: 0, max: 1, name: 'dir' } }).positionals[0] ?? 'rules')
          return (await rules()).rulesTest(target, out, err)
        },
      },
      diff: {
        usage: 'usage: vigil rules diff <old-dir> <new-dir>\n\nWhat a rule change changes, for its reviewer.\n',
        run: async (args) => {
          const [before, after] = parseCommand(args, { positionals: { min: 2, max: 2, name: 'the old and the new rules directory' } }).positionals
          return (await rules()).rulesDiff(existing(before!), existing(after!), out)
        },
      },
    },
  },
  keys: {
    usage: KEYS_USAGE,
    subcommands: {
      create: { usage: KEYS_USAGE, run: (args) => keys(['create', ...args]) },
      list: { usage: KEYS_USAGE, run: (args) => keys(['list', ...args]) },
      revoke: { usage: KEYS_USAGE, run: (args) => keys(['revoke', ...args]) },
    },
  },
  schemas: {
    usage: 'usage: vigil schemas build | check\n',
    subcommands: {
      build: { usage: 'usage: vigil schemas build\n\nRegenerates schemas/*.schema.json and schemas/openapi.json from the zod sources.\n', run: (args) => (parseCommand(args, {}), schemas(false)) },
      check: { usage: 'usage: vigil schemas check\n\nExit code 1 when a generated schema is stale.\n', run: (args) => (parseCommand(args, {}), schemas(true)) },
    },
  },
  import: { usage: IMPORT_USAGE, run: async (args) => (await import('./import-command.js')).importCommand(args, out, err, err) },
  backtest: { usage: BACKTEST_USAGE, run: async (args) => (await import('./backtest-command.js')).backtestCommand(args, out, err, err) },
  calibrate: { usage: CALIBRATE_USAGE, run: async (args) => (await import('./calibrate-command.js')).calibrateCommand(args, out, err) },
  gazetteer: { usage: GAZETTEER_USAGE, run: async (args) => (await import('./gazetteer-commands.js')).gazetteerCommand(args, out, err) },
  routing: {
    usage: 'usage: vigil routing check [file]\n',
    subcommands: {
      check: {
        usage: 'usage: vigil routing check [file]\n\nChecks the routing file (default: VIGIL_ROUTING_FILE, rules/routing.yaml) and prints every problem as file:line:column  path  message.\nExit code: 0 no problem, 1 problems, 2 a wrong command line.\n',
        run: async (args) => {
          const { loadConfig } = await import('../config.js')
          const config = loadConfig()
          const file = parseCommand(args, { positionals: { min: 0, max: 1, name: 'file' } }).positionals[0] ?? config.routingFile
          return (await import('./routing-commands.js')).routingCheck(existing(file), config.missions, out, err)
        },
      },
    },
  },
  review: { usage: REVIEW_USAGE, run: async (args) => (await import('./review-command.js')).reviewCommand(args, out, err) },
}

/** The version of this vigil, from its package.json. */
export function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
}

/**
 * Finds the command (and subcommand) an argument list names. Returns it with its remaining
 * arguments and its name for messages; throws a UsageError for an unknown or missing one.
 */
function resolve(argv: string[]): { command: Command; args: string[]; name: string } {
  const [cmd, ...rest] = argv
  const top = Object.hasOwn(COMMANDS, cmd!) ? COMMANDS[cmd!]! : null
  if (!top) throw new UsageError(`unknown command '${cmd}'`)
  if (!top.subcommands) return { command: top, args: rest, name: `vigil ${cmd}` }
  const [sub, ...args] = rest
  if (sub === undefined || sub.startsWith('-')) return { command: top, args: rest, name: `vigil ${cmd}` }
  const command = Object.hasOwn(top.subcommands, sub) ? top.subcommands[sub]! : null
  if (!command) throw new UsageError(`unknown command '${cmd} ${sub}' (${cmd} has: ${Object.keys(top.subcommands).join(', ')})`)
  return { command, args, name: `vigil ${cmd} ${sub}` }
}

/** Errors that are about the user's input or files, said in one line without a stack. */
function expectedMessage(e: unknown): string | null {
  if (e instanceof ConfigError || e instanceof VigilError) return e.message
  const code = (e as NodeJS.ErrnoException | null)?.code
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return (e as Error).message
  return null
}

/** Runs a vigil command; returns the exit code. Long-running commands never return. */
export async function runCli(argv: string[]): Promise<number> {
  const first = argv[0]
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    out.write(USAGE)
    return 0
  }
  if (first === '--version' || first === '-V' || first === 'version') {
    out.write(`vigil ${version()}\n`)
    return 0
  }
  let name = 'vigil'
  let usage = USAGE
  try {
    const found = resolve(argv)
    name = found.name
    usage = found.command.usage
    // Help and version come before anything else: `vigil serve --help` never starts a server.
    if (wantsHelp(found.args)) {
      out.write(found.command.usage)
      return 0
    }
    if (wantsVersion(found.args)) {
      out.write(`vigil ${version()}\n`)
      return 0
    }
    if (!found.command.run) {
      const [sub] = found.args
      throw new UsageError(sub === undefined ? 'missing command' : `unknown option '${sub}'`)
    }
    return await found.command.run(found.args)
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`${name}: ${e.message}\n\n${usage}`)
      return 2
    }
    const message = expectedMessage(e)
    if (message === null) throw e
    err.write(`${name}: ${message}\n`)
    return e instanceof ConfigError ? 2 : 1
  }
}
