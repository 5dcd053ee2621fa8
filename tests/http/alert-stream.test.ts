import { afterEach, describe, expect, it } from 'vitest'
import { createBeside, testApp, writeRules, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { PER_INCIDENT } from '../helpers/test-rules.js'


let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

interface Event { id: number; event: string; data: { seq: number; kind: string } }

/** Opens the stream and collects parsed events until `until` holds; returns them and the raw text. */
async function readStream(url: string, headers: Record<string, string>, until: (events: Event[]) => boolean) {
  const abort = new AbortController()
  const res = await fetch(url, { headers, signal: abort.signal })
  expect(res.headers.get('content-type')).toContain('text/event-stream')
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const events: Event[] = []
  return {
    async next() {
      while (!until(events)) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
        let sep: number
        while ((sep = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, sep)
          text = text.slice(sep + 2)
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]))
          if (fields.event) events.push({ id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data!) as Event['data'] })
          if (block.startsWith(': heartbeat')) events.push({ id: -1, event: 'heartbeat', data: { seq: -1, kind: 'heartbeat' } })
        }
      }
      return events
    },
    close: () => abort.abort(),
  }
}

describe('GET /alerts/stream (Server-Sent Events)', () => {
  it('streams the backlog and then new changes, and resumes from Last-Event-ID without loss', async () => {
    t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }), now: '2026-03-18T12:00:00Z', config: { sseHeartbeatMs: 200 } })
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const post = (id: string) => t!.app.inject({ method: 'POST', url: '/reports', payload: report({ id, occurredAt: '2026-03-18T08:00:00Z' }) })
    await post('S1')

    const first = await readStream(`${url}/alerts/stream`, {}, (e) => e.filter((x) => x.event === 'alert').length >= 3)
    const waiting = first.next()
    await post('S2')
    await post('S3')
    const got = (await waiting).filter((e) => e.event === 'alert')
    expect(got.map((e) => e.id)).toEqual([1, 2, 3])
    expect(got.every((e) => e.data.kind === 'raised' && e.data.seq === e.id)).toBe(true)
    first.close()

    // Changes made while no one listens are delivered on reconnection, after the last seen id.
    await post('S4')
    await post('S5')
    const resumed = await readStream(`${url}/alerts/stream`, { 'last-event-id': '3' }, (e) => e.filter((x) => x.event === 'alert').length >= 2 && e.some((x) => x.event === 'heartbeat'))
    const again = await resumed.next()
    expect(again.filter((e) => e.event === 'alert').map((e) => e.id)).toEqual([4, 5])
    expect(again.some((e) => e.event === 'heartbeat')).toBe(true)
    resumed.close()
  })

  it("sends a change another process committed (vigil import beside the service) without waiting for a local one", async () => {
    // A heartbeat far away: nothing this process does in the test commits or writes to the stream.
    t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }), now: '2026-03-18T12:00:00Z', config: { sseHeartbeatMs: 60_000 } })
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const stream = await readStream(`${url}/alerts/stream`, {}, (e) => e.some((x) => x.event === 'alert'))
    const receiving = stream.next()
    expect(await createBeside(t, report({ id: 'IMPORTED-1', occurredAt: '2026-03-18T08:00:00Z' }), '2026-03-18T12:00:00Z')).toBe(201)
    const events = (await receiving).filter((e) => e.event === 'alert')
    expect(events.map((e) => e.data.kind)).toEqual(['raised'])
    stream.close()
  })

  it('tells a stream starting too far behind to page through GET /alerts first: 409 naming the head', async () => {
    t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }), now: '2026-03-18T12:00:00Z', config: { sseMaxBacklog: 2 } })
    for (const id of ['B1', 'B2', 'B3']) await t.app.inject({ method: 'POST', url: '/reports', payload: report({ id, occurredAt: '2026-03-18T08:00:00Z' }) })
    const far = await t.app.inject({ method: 'GET', url: '/alerts/stream?after=0' })
    expect(far.statusCode).toBe(409)
    expect(far.json()).toMatchObject({ code: 'VIGIL_STREAM_TOO_FAR_BEHIND', after: 0, head: 3, maxBacklog: 2 })
    expect(far.json().message).toContain('GET /alerts?after=0')
    // Paging brings the client close enough; from there the stream opens (and resumes by Last-Event-ID alike).
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const near = await readStream(`${url}/alerts/stream`, { 'last-event-id': '1' }, (e) => e.filter((x) => x.event === 'alert').length >= 2)
    expect((await near.next()).filter((e) => e.event === 'alert').map((e) => e.id)).toEqual([2, 3])
    near.close()
  })

  it('ends open streams when the service shuts down', async () => {
    t = await testApp({ rulesDir: writeRules({ 'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT }) })
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const res = await fetch(`${url}/alerts/stream`)
    const reader = res.body!.getReader()
    await reader.read()
    await t.close()
    t = undefined
    let done = false
    while (!done) done = (await reader.read()).done
    expect(done).toBe(true)
  })
})
