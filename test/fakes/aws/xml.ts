/**
 * A tiny XML writer for the fake's responses. Every text value passes through {@link escapeXml}, so
 * names, tags and messages chosen by tests can never break the document the SDK parses.
 */

/** A leaf value, a list of child elements, or nothing (the element is then omitted). */
export type XmlValue = string | number | boolean | null | undefined | readonly XmlChild[];

/** One element: its name and its content. */
export type XmlChild = readonly [name: string, value: XmlValue];

/** Escapes the five XML special characters; also used for attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Renders one element; `undefined`/`null` content renders nothing at all. */
export function renderElement(name: string, value: XmlValue, attrs?: Record<string, string>): string {
  if (value === undefined || value === null) return '';
  const attrText = attrs
    ? Object.entries(attrs)
        .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
        .join('')
    : '';
  if (Array.isArray(value)) {
    const inner = (value as readonly XmlChild[]).map(([n, v]) => renderElement(n, v)).join('');
    return `<${name}${attrText}>${inner}</${name}>`;
  }
  return `<${name}${attrText}>${escapeXml(String(value))}</${name}>`;
}

/** Wraps each item as a list entry named `itemName` (`member` for awsQuery, `item` for ec2Query). */
export function xmlList<T>(itemName: string, items: readonly T[], render: (item: T) => XmlValue): XmlChild[] {
  return items.map((item) => [itemName, render(item)] as const);
}

/** Renders a complete document with the XML declaration the real services send. */
export function renderDocument(name: string, value: readonly XmlChild[], xmlns: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderElement(name, value, { xmlns })}`;
}
