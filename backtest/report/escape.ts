// Text put into the page: HTML-escaped in markup; inside <script> elements, kept from closing
// the element early (the HTML parser ends a script at the first "</script", whatever JS thinks).

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * JavaScript safe to inline in a <script> element: "</script" becomes "<\/script", which means the
 * same inside a JS string, template, regular expression or comment, the only places it can occur.
 */
export function inlineScriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

/** JSON for a <script type="application/json"> element: every "<" as \u003c, so no tag can start. */
export function jsonScriptText(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}
