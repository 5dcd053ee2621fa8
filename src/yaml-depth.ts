/**
 * A nesting-depth guard for YAML (and JSON) text, run before the text is parsed: the YAML
 * library recurses once per level, so a file nested thousands deep exhausts the stack (and can
 * abort the process) while parsing or converting it. Rule, routing and gazetteer files are all
 * shallow; the guard measures without recursion and may overestimate a little, never under.
 */

export interface DepthProblem {
  line: number
  column: number
  depth: number
  message: string
}

/** Deeper than any hand-written configuration file: a rule's conditions nest about ten levels. */
export const MAX_YAML_DEPTH = 64

const OPENERS = '[{'
const CLOSERS = ']}'

/** Where a flow collection or a quoted scalar may begin: after these, or at the start of the content. */
const TOKEN_BEFORE = new Set([':', '-', ',', '[', '{', '?'])

/**
 * The first place where `text` nests deeper than `max` collections (block indentation levels,
 * compact `- - ` entries and flow brackets together), or null when it never does.
 */
export function checkYamlDepth(text: string, max = MAX_YAML_DEPTH): DepthProblem | null {
  const indents: number[] = []
  let flow = 0
  let quote: '"' | "'" | null = null
  let blockScalarIndent = -1
  // The block depth of the line being read (indentation levels plus its `- ` entries): flow collections nest inside it.
  let blockDepth = 0
  const lines = text.split(/\r?\n/)
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!
    let i = 0
    if (quote === null && flow === 0) {
      while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++
      if (i === line.length || line[i] === '#') continue
      if (blockScalarIndent >= 0) {
        if (i > blockScalarIndent) continue
        blockScalarIndent = -1
      }
      while (indents.length > 0 && indents[indents.length - 1]! >= i) indents.pop()
      indents.push(i)
      // Compact sequences: `- - - x` nests one level per dash on the same line; the entry's
      // content sits at the column after its dash, where deeper lines continue it.
      while (line[i] === '-' && (line[i + 1] === ' ' || i + 1 === line.length)) {
        i += 2
        while (line[i] === ' ') i++
        indents.push(i)
        if (indents.length > max) return problem(n, i, indents.length, max)
      }
      const depth = indents.length
      if (depth > max) return problem(n, i, depth, max)
      blockDepth = depth
      if (/[:-]\s+[|>][-+0-9]*\s*(#.*)?$/.test(line) || /^\s*[|>][-+0-9]*\s*$/.test(line)) {
        blockScalarIndent = indents[indents.length - 1]!
      }
    }
    let prev = ''
    for (; i < line.length; i++) {
      const c = line[i]!
      if (quote !== null) {
        if (c === '\\' && quote === '"') i++
        else if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") i++
          else quote = null
        }
        continue
      }
      if (c === ' ' || c === '\t') continue
      if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break
      const atToken = prev === '' || TOKEN_BEFORE.has(prev)
      if (atToken && (c === '"' || c === "'")) quote = c
      else if (atToken && OPENERS.includes(c)) {
        flow++
        if (blockDepth + flow > max) return problem(n, i, blockDepth + flow, max)
      } else if (flow > 0 && CLOSERS.includes(c)) flow--
      prev = c
    }
  }
  return null
}

function problem(lineIndex: number, charIndex: number, depth: number, max: number): DepthProblem {
  return {
    line: lineIndex + 1,
    column: charIndex + 1,
    depth,
    message: `nested more than ${max} levels deep: refused before parsing (a deeper file is not a configuration anyone wrote by hand)`,
  }
}

/** The nesting depth of a parsed value, counted without recursion. */
export function valueDepth(value: unknown, stopAt = Infinity): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, d] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    const depth = d + 1
    if (depth > deepest) deepest = depth
    if (deepest > stopAt) return deepest
    for (const child of Object.values(v as object)) stack.push([child, depth])
  }
  return deepest
}
