import { createHmac } from 'node:crypto'
import nodemailer from 'nodemailer'
import { isBrief, type BriefPayload, type DeliveryPayload, type NotificationPayload } from './notification-payload.js'
import { notifyDurationMs } from './routing-schema.js'
import type { LiveReceiver } from './routing-tree.js'
import { alertLine, htmlText, messageTitle, plainText } from './message-text.js'

/** How one delivery attempt ended: ok, and what the receiver answered or what went wrong. */
export interface SendResult {
  ok: boolean
  detail: string
}

/** HMAC-SHA256 of the exact body bytes, as the receiver recomputes it: `sha256=<hex>`. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'vigil', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    })
    const text = (await res.text()).slice(0, 500)
    return { ok: res.ok, detail: `HTTP ${res.status}${text ? `: ${text}` : ''}` }
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } }
    return { ok: false, detail: e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : `${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}` }
  }
}

const keyHeaders = (p: { idempotencyKey: string }) => ({ 'idempotency-key': p.idempotencyKey, 'x-vigil-idempotency-key': p.idempotencyKey })

function sendWebhook(r: LiveReceiver, p: NotificationPayload): Promise<SendResult> {
  const w = r.webhook!
  const body = JSON.stringify(p)
  return postJson(w.url, body, { ...keyHeaders(p), 'x-vigil-signature': signBody(body, r.secretValue ?? '') }, notifyDurationMs(w.timeout))
}

/** Microsoft Teams (Workflows / Power Automate): a message holding one Adaptive Card. */
export function teamsBody(p: NotificationPayload): unknown {
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [
          { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: messageTitle(p, 'en') },
          ...p.alerts.map((a) => ({ type: 'TextBlock', wrap: true, text: `- ${alertLine(a, 'en')}` })),
          { type: 'TextBlock', isSubtle: true, size: 'Small', wrap: true, text: `Idempotency key: ${p.idempotencyKey}` },
        ],
      },
    }],
  }
}

/** Slack incoming webhook: a fallback text and Block Kit sections. */
export function slackBody(p: NotificationPayload, channel?: string): unknown {
  return {
    ...(channel ? { channel } : {}),
    text: messageTitle(p, 'en'),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: messageTitle(p, 'en').slice(0, 150) } },
      ...p.alerts.slice(0, 45).map((a) => ({ type: 'section', text: { type: 'mrkdwn', text: alertLine(a, 'en').slice(0, 3000) } })),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `idempotency key ${p.idempotencyKey}` }] },
    ],
  }
}

function sendEmail(r: LiveReceiver, p: NotificationPayload): Promise<SendResult> {
  const lang = r.email!.language
  return mail(r, p.idempotencyKey, messageTitle(p, lang), plainText(p, lang), htmlText(p, lang))
}

async function mail(r: LiveReceiver, key: string, subject: string, text: string, html: string): Promise<SendResult> {
  const e = r.email!
  const [host, port] = e.smarthost.split(':') as [string, string]
  const timeout = notifyDurationMs(e.timeout)
  const transport = nodemailer.createTransport({
    host, port: Number(port), secure: Number(port) === 465, requireTLS: e.requireTls, ignoreTLS: !e.requireTls,
    connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout,
    ...(e.username !== undefined && r.password !== undefined ? { auth: { user: e.username, pass: r.password } } : {}),
  })
  try {
    const info = await transport.sendMail({
      from: e.from,
      to: Array.isArray(e.to) ? e.to : [e.to],
      subject,
      text,
      html,
      // The key doubles as the Message-ID: mail systems drop a second copy of one Message-ID.
      messageId: `<${key}@vigil>`,
      headers: { 'X-Vigil-Idempotency-Key': key },
    })
    const rejected = (info.rejected ?? []).map(String)
    return rejected.length > 0 ? { ok: false, detail: `rejected: ${rejected.join(', ')}` } : { ok: true, detail: String(info.response ?? 'accepted') }
  } catch (err) {
    return { ok: false, detail: (err as Error).message }
  } finally {
    transport.close()
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** A brief in each channel's shape: its Markdown as text (chat clients render most of it). */
async function sendBrief(r: LiveReceiver, p: BriefPayload): Promise<SendResult> {
  const headers = keyHeaders(p)
  if (r.webhook) {
    const body = JSON.stringify(p)
    return postJson(r.webhook.url, body, { ...headers, 'x-vigil-signature': signBody(body, r.secretValue ?? '') }, notifyDurationMs(r.webhook.timeout))
  }
  if (r.teams) {
    const card = { type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', body: [{ type: 'TextBlock', wrap: true, text: p.markdown }] }
    return postJson(r.teams.url, JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] }), headers, notifyDurationMs(r.teams.timeout))
  }
  if (r.slack) {
    return postJson(r.slack.url, JSON.stringify({ ...(r.slack.channel ? { channel: r.slack.channel } : {}), text: p.markdown }), headers, notifyDurationMs(r.slack.timeout))
  }
  if (r.email) {
    return mail(r, p.idempotencyKey, `[vigil] ${p.title}`, p.markdown, `<!doctype html><html><body><pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(p.markdown)}</pre></body></html>`)
  }
  return { ok: true, detail: 'null receiver: nothing sent' }
}

/** Sends one message to one receiver through its channel. */
export function sendTo(r: LiveReceiver, payload: DeliveryPayload): Promise<SendResult> {
  if (isBrief(payload)) return sendBrief(r, payload)
  const p = payload
  if (r.webhook) return sendWebhook(r, p)
  if (r.email) return sendEmail(r, p)
  if (r.teams) return postJson(r.teams.url, JSON.stringify(teamsBody(p)), keyHeaders(p), notifyDurationMs(r.teams.timeout))
  if (r.slack) return postJson(r.slack.url, JSON.stringify(slackBody(p, r.slack.channel)), keyHeaders(p), notifyDurationMs(r.slack.timeout))
  return Promise.resolve({ ok: true, detail: 'null receiver: nothing sent' })
}
