import { describe, expect, it } from 'vitest'
import { SseParser } from '../../src/board/live/sse-parser.js'

/** The board reads the alert stream with fetch, so it parses the event stream itself. */
describe('the board\'s event-stream parser', () => {
  const stream = 'retry: 3000\n\nid: 7\nevent: alert\ndata: {"seq":7}\n\n: heartbeat\n\nid: 8\r\nevent: alert\r\ndata: {"seq":8,\r\ndata: "x":1}\r\n\r\n'

  it('reads events with their ids, skips comments and retry lines, joins data lines', () => {
    expect(new SseParser().push(stream)).toEqual([
      { id: '7', event: 'alert', data: '{"seq":7}' },
      { id: '8', event: 'alert', data: '{"seq":8,\n"x":1}' },
    ])
  })

  it('gives the same events however the stream is cut into chunks', () => {
    for (let size = 1; size <= 12; size++) {
      const parser = new SseParser()
      const events = []
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)))
      expect(events.map((e) => e.id)).toEqual(['7', '8'])
    }
  })

  it('holds an event back until its blank line arrives', () => {
    const parser = new SseParser()
    expect(parser.push('id: 1\nevent: alert\ndata: {}\n')).toEqual([])
    expect(parser.push('\n')).toEqual([{ id: '1', event: 'alert', data: '{}' }])
  })
})
