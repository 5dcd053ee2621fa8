import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { testApp, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'

let t: TestApp | undefined
afterEach(async () => { await t?.close(); t = undefined })

/**
 * Sends a whole request on a raw socket, as fast as the socket takes it, and resolves with
 * everything the server said before it closed, or with the socket error that cut it short.
 */
function rawRequest(port: number, head: string, body: Buffer): Promise<{ said: string; error: string | null }> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port })
    let said = ''
    let error: string | null = null
    let sent = false
    // Once the whole body is sent and the whole answer read, hang up.
    const hangUpWhenDone = () => { if (sent && /\r\n\r\n\{.*\}$/s.test(said)) s.end() }
    s.on('data', (d: Buffer) => {
      said += d.toString()
      hangUpWhenDone()
    })
    s.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? e.message })
    s.on('close', () => resolve({ said, error }))
    // In pieces, as a client on a real network sends: still sending when the server has answered.
    s.write(head)
    let at = 0
    const more = () => {
      if (s.destroyed) return
      if (at >= body.length) {
        sent = true
        return hangUpWhenDone()
      }
      s.write(body.subarray(at, at + 64 * 1024))
      at += 64 * 1024
      setTimeout(more, 2)
    }
    more()
  })
}

describe('a body over the limit on a real socket', () => {
  it('a 2 MB report gets its 413 every time, never a connection reset', async () => {
    t = await testApp({ config: { bodyLimit: 1_048_576 } })
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const port = (t.app.server.address() as AddressInfo).port
    const body = Buffer.from(JSON.stringify(report({ narrative: 'x'.repeat(2 * 1024 * 1024) })))
    for (const chunked of [false, true]) {
      for (let i = 0; i < 8; i++) {
        const head = `POST /reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`
          + (chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : `Content-Length: ${body.length}\r\n\r\n`)
        const payload = chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]) : body
        const got = await rawRequest(port, head, payload)
        expect(got.error, `${chunked ? 'chunked' : 'declared'} #${i}: ${got.said.split('\r\n')[0]}`).toBeNull()
        expect(got.said).toMatch(/^HTTP\/1\.1 413/)
        expect(got.said).toContain('VIGIL_BODY_TOO_LARGE')
      }
    }
  })
})
