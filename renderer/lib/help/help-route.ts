// Places in the Help view, addressed by the hash so a "?" link, Back and a reload keep them:
// #/help (everything) and #/help/<anchor> (one entry, group or document, scrolled to).

/** The anchor an address asks for, or null for the top of Help. */
export function parseHelpRoute(hash: string): { anchor: string | null } {
  const rest = hash.replace(/^#\/?help\/?/, '').split('?')[0] ?? '';
  let anchor = rest;
  try {
    anchor = decodeURIComponent(rest);
  } catch {
    // A malformed escape is read as typed.
  }
  return { anchor: anchor === '' ? null : anchor };
}

export function helpHref(anchor?: string): string {
  return anchor ? `#/help/${encodeURIComponent(anchor)}` : '#/help';
}
