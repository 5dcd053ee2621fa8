import { parseArgs, type ParseArgsConfig } from 'node:util'

/** A wrong command line: said to the user with the command's usage, exit code 2, never a stack. */
export class UsageError extends Error {
  override name = 'UsageError'
}

type Options = NonNullable<ParseArgsConfig['options']>

export interface CommandLine<O extends Options> {
  options?: O
  /** How many positional arguments the command takes, and what they are called in messages. */
  positionals?: { min: number; max: number; name: string }
}

/**
 * Parses a command's arguments (node's util.parseArgs, strict): an unknown option, a missing
 * value or a wrong number of positionals is a UsageError saying which and why.
 */
export function parseCommand<O extends Options>(args: string[], line: CommandLine<O>) {
  let parsed
  try {
    parsed = parseArgs({ args, options: line.options ?? ({} as O), allowPositionals: true, strict: true })
  } catch (err) {
    // parseArgs says what is wrong (unknown option, missing value) but in terms of its own API.
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
  }
  const { min, max, name } = line.positionals ?? { min: 0, max: 0, name: 'argument' }
  const got = parsed.positionals.length
  if (got > max) throw new UsageError(max === 0 ? `unexpected argument '${parsed.positionals[0]}'` : `too many arguments: ${parsed.positionals.slice(max).map((p) => `'${p}'`).join(' ')}`)
  if (got < min) throw new UsageError(`missing ${name}`)
  return parsed
}

/** parseCommand for a command that answers a wrong line with its usage: the parsed line, or what is wrong. */
export function parseCommandOrProblem<O extends Options>(args: string[], line: CommandLine<O>): ReturnType<typeof parseCommand<O>> | string {
  try {
    return parseCommand(args, line)
  } catch (err) {
    if (err instanceof UsageError) return err.message
    throw err
  }
}

/** A value that must be one of a list: the message lists them. */
export function oneOf<T extends string>(option: string, value: string | undefined, choices: readonly T[]): T {
  if (value === undefined) throw new UsageError(`${option} is required (one of ${choices.join(', ')})`)
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of ${choices.join(', ')}, not '${value}'`)
  return value as T
}

/** A required option. */
export function required(option: string, value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`${option} is required (${what})`)
  return value
}

/** True when the arguments ask for help (before a `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false
    if (a === '--help' || a === '-h') return true
  }
  return false
}

/** True when the arguments ask for the version (before a `--`). */
export function wantsVersion(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false
    if (a === '--version' || a === '-V') return true
  }
  return false
}
