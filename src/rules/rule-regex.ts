import RE2 from 're2'

/**
 * Rule patterns (the `matches` operator) run on RE2, whose matching time is linear in the text
 * whatever the pattern: no rule and no report can make the service backtrack for hours. RE2 has
 * no backreferences and no lookaround; a pattern using them is refused by the checker.
 * Case-insensitive and Unicode-aware, as rule authors were promised.
 */
export interface RulePattern {
  test(text: string): boolean
}

/** Compiles a rule pattern, or throws an Error whose message says what RE2 cannot take. */
export function compileRulePattern(pattern: string): RulePattern {
  try {
    return new RE2(pattern, 'iu')
  } catch (err) {
    throw new Error(explain((err as Error).message))
  }
}

/** The checker's words for RE2's refusals: a rule author knows the JavaScript names. */
function explain(message: string): string {
  if (/invalid perl operator: \(\?<?[=!]/.test(message)) {
    return `${message} (lookahead and lookbehind are not supported: rule patterns run on a linear-time engine)`
  }
  if (/invalid escape sequence: \\[1-9k]/.test(message)) {
    return `${message} (backreferences are not supported: rule patterns run on a linear-time engine)`
  }
  return message
}
