/** A small XML writer: elements with text or children, escaped, nothing else. */
export type XmlNode = { name: string; attrs?: Record<string, string>; children?: (XmlNode | null | undefined)[]; text?: string; raw?: string }

export function escapeXml(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the five specials are escaped.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
}

/** An element; `text` (escaped) or `children` or `raw` (already XML). */
export const el = (name: string, content?: string | number | (XmlNode | null | undefined)[], attrs?: Record<string, string>): XmlNode => {
  if (Array.isArray(content)) return { name, children: content, ...(attrs ? { attrs } : {}) }
  return { name, ...(content !== undefined ? { text: String(content) } : {}), ...(attrs ? { attrs } : {}) }
}

export function renderXml(node: XmlNode, indent = ''): string {
  const attrs = Object.entries(node.attrs ?? {}).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('')
  if (node.raw !== undefined) return `${indent}<${node.name}${attrs}>\n${node.raw}\n${indent}</${node.name}>`
  const kids = (node.children ?? []).filter((c): c is XmlNode => c !== null && c !== undefined)
  if (kids.length > 0) {
    return `${indent}<${node.name}${attrs}>\n${kids.map((c) => renderXml(c, `${indent}  `)).join('\n')}\n${indent}</${node.name}>`
  }
  if (node.text === undefined) return `${indent}<${node.name}${attrs}/>`
  return `${indent}<${node.name}${attrs}>${escapeXml(node.text)}</${node.name}>`
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
