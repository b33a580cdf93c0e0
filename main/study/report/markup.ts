// Text into HTML and SVG: every catalogue string (names, labels, sentences) is escaped, so a
// dataset named "<script>" shows as text and the report stays one inert document.

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or an attribute value, for HTML and SVG alike. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

/** A coordinate with at most two decimals (enough at 300 dpi in points or pixels), without "-0". */
export function svgNumber(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

export const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

/**
 * A standalone SVG as HTML embeds it: HTML's parser puts <svg> in the SVG namespace by itself,
 * so the namespace declaration goes — the report then holds no http: at all.
 */
export function inlineSvg(svg: string): string {
  return svg.replace(` xmlns="${SVG_NAMESPACE}"`, '');
}
