/** A line of an NDJSON body that is not JSON; the batch answers it as a 400 item. */
export class BadNdjsonLine {
  constructor(readonly line: number, readonly message: string) {}
}

/** Splits an NDJSON body into values, one per non-empty line; bad lines become BadNdjsonLine. */
export function parseNdjson(body: string): unknown[] {
  const out: unknown[] = []
  body.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '') return
    try {
      out.push(JSON.parse(line))
    } catch (err) {
      out.push(new BadNdjsonLine(i + 1, (err as Error).message))
    }
  })
  return out
}
