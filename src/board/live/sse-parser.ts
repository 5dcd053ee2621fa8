/** One Server-Sent Event as the alert stream sends it. */
export interface SseEvent {
  id: string | null
  event: string
  data: string
}

/**
 * An incremental text/event-stream parser (the WHATWG rules the stream needs): feed it decoded
 * chunks as they arrive, split anywhere; it returns the events each chunk completes. Comment
 * lines (the heartbeat) complete nothing but still count as life, which the caller sees as a
 * chunk arriving.
 */
export class SseParser {
  private buffer = ''
  private data: string[] = []
  private event = ''
  private id: string | null = null

  push(chunk: string): SseEvent[] {
    this.buffer += chunk
    const out: SseEvent[] = []
    for (;;) {
      const nl = this.buffer.search(/\r\n|\r|\n/)
      if (nl < 0) break
      // A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
      if (nl === this.buffer.length - 1 && this.buffer[nl] === '\r') break
      const line = this.buffer.slice(0, nl)
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith('\r\n', nl) ? 2 : 1))
      const done = this.line(line)
      if (done) out.push(done)
    }
    return out
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = ''
        return null
      }
      const ev = { id: this.id, event: this.event || 'message', data: this.data.join('\n') }
      this.data = []
      this.event = ''
      return ev
    }
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') this.data.push(value)
    else if (field === 'event') this.event = value
    else if (field === 'id' && !value.includes('\0')) this.id = value
    return null
  }
}
