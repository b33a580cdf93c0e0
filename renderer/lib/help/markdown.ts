// A small Markdown renderer for the help texts (resources/help/*.md), which GitHub renders too: the
// subset those files use — headings, paragraphs, bullet and numbered lists (with nested blocks),
// GitHub tables, fenced code, block quotes, rules, code spans, emphasis and links. Everything else
// is text: every character of the source reaches the HTML escaped, raw HTML included, and a link is
// kept only when the caller's resolver accepts its target (the app makes no network request).
// One structural exception: a line `<a id="name"></a>` names the heading below it, the anchor
// GitHub also honours, and is never output.

export type Align = 'left' | 'center' | 'right' | null;

export type Block =
  | { kind: 'heading'; level: number; text: string; id: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; start: number; tight: boolean; items: Block[][] }
  | { kind: 'table'; head: string[]; align: Align[]; rows: string[][] }
  | { kind: 'code'; text: string }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'rule' };

export interface RenderOptions {
  /** The href a link target becomes, or null to show the link's text alone. Default: same-page and relative targets only. */
  link?: (target: string) => string | null;
  /** Prepended to every heading's id attribute. */
  idPrefix?: string;
}

const ANCHOR = /^<a id="([A-Za-z0-9][\w-]*)"><\/a>$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*))?$/;
const DELIMITER_CELL = /^[ \t]*:?-+:?[ \t]*$/;

const indentOf = (line: string) => line.length - line.trimStart().length;
const blank = (line: string | undefined) => line === undefined || line.trim() === '';

/** The cells of a table row: split at pipes not escaped by a backslash, outer pipes dropped, `\|` kept as `|`. */
export function tableCells(line: string): string[] {
  let text = line.trim();
  if (text.startsWith('|')) text = text.slice(1);
  if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (text[i] === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += text[i];
  }
  cells.push(cell.trim());
  return cells;
}

function isTableStart(lines: readonly string[], i: number): boolean {
  const head = lines[i];
  const delimiter = lines[i + 1];
  if (head === undefined || delimiter === undefined || !head.includes('|') || !delimiter.includes('-')) return false;
  const cells = tableCells(delimiter);
  return cells.every((c) => DELIMITER_CELL.test(c)) && cells.length === tableCells(head).length;
}

function alignOf(cell: string): Align {
  const c = cell.trim();
  if (c.startsWith(':') && c.endsWith(':')) return 'center';
  if (c.endsWith(':')) return 'right';
  if (c.startsWith(':')) return 'left';
  return null;
}

/** Whether a line starts a block that ends a paragraph. */
function interrupts(lines: readonly string[], i: number): boolean {
  const line = lines[i]!;
  const item = ITEM.exec(line);
  return (
    ANCHOR.test(line.trim()) ||
    HEADING.test(line) ||
    FENCE.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    isTableStart(lines, i) ||
    (item !== null && item[4] !== undefined && item[4] !== '' && (/^[-*+]$/.test(item[2]!) || /^1[.)]$/.test(item[2]!)))
  );
}

/** The blocks of a Markdown text; heading ids are the explicit anchors, else GitHub's slugs (repeated slugs numbered). */
export function parseMarkdown(markdown: string): Block[] {
  const blocks = parseLines(markdown.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n'));
  const seen = new Map<string, number>();
  for (const b of blocks) {
    // An explicit anchor is kept as written; only slugs are numbered when they repeat.
    if (b.kind !== 'heading' || b.id !== '') continue;
    const base = slug(inlineText(b.text));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    b.id = n === 0 ? base : `${base}-${n}`;
  }
  return blocks;
}

function parseLines(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let anchor = '';
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (blank(line)) {
      i++;
      continue;
    }
    const named = ANCHOR.exec(line.trim());
    if (named) {
      anchor = named[1]!;
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: (heading[2] ?? '').trim(), id: anchor });
      anchor = '';
      i++;
      continue;
    }
    anchor = '';
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const indent = indentOf(line);
      const body: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`).test(lines[i]!)) {
        body.push(lines[i]!.slice(Math.min(indent, indentOf(lines[i]!))));
        i++;
      }
      blocks.push({ kind: 'code', text: body.join('\n') });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && !blank(lines[i])) {
        const q = QUOTE.exec(lines[i]!);
        body.push(q ? q[1]! : lines[i]!.trim());
        i++;
      }
      blocks.push({ kind: 'quote', blocks: parseLines(body) });
      continue;
    }
    if (isTableStart(lines, i)) {
      const head = tableCells(line);
      const align = tableCells(lines[i + 1]!).map(alignOf);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && !blank(lines[i]) && lines[i]!.includes('|')) {
        const cells = tableCells(lines[i]!);
        rows.push(head.map((_, k) => cells[k] ?? ''));
        i++;
      }
      blocks.push({ kind: 'table', head, align, rows });
      continue;
    }
    if (ITEM.test(line)) {
      i = parseList(lines, i, blocks);
      continue;
    }
    const text: string[] = [line.trim()];
    i++;
    while (i < lines.length && !blank(lines[i]) && !interrupts(lines, i)) {
      text.push(lines[i]!.trim());
      i++;
    }
    blocks.push({ kind: 'paragraph', text: text.join('\n') });
  }
  return blocks;
}

/** One list from line i; returns the line after it. Items hold blocks, parsed from their lines with the item's indent removed. */
function parseList(lines: readonly string[], start: number, out: Block[]): number {
  const first = ITEM.exec(lines[start]!)!;
  const ordered = /\d/.test(first[2]!);
  const marker = ordered ? first[2]!.slice(-1) : first[2]!;
  const sameList = (m: RegExpExecArray) => (ordered ? /\d/.test(m[2]!) && m[2]!.endsWith(marker) : m[2] === marker);
  const items: Block[][] = [];
  let tight = true;
  let i = start;
  for (;;) {
    const m = ITEM.exec(lines[i]!)!;
    const width = m[1]!.length + m[2]!.length + (m[3] === undefined ? 1 : Math.min(m[3].length, 4));
    const body: string[] = [m[4] ?? ''];
    let j = i + 1;
    let lastBlank = false;
    while (j < lines.length) {
      const line = lines[j]!;
      if (blank(line)) {
        let k = j + 1;
        while (k < lines.length && blank(lines[k])) k++;
        if (k < lines.length && indentOf(lines[k]!) >= width) {
          for (; j < k; j++) body.push('');
          lastBlank = true;
          continue;
        }
        break;
      }
      if (indentOf(line) >= width) body.push(line.slice(width));
      else if (!lastBlank && !ITEM.test(line) && !interrupts(lines, j) && !line.trimStart().startsWith('|')) body.push(line.trim());
      else break;
      lastBlank = false;
      j++;
    }
    const blocks = parseLines(body);
    if (body.some((l, k) => k > 0 && blank(l) && !blank(body[k + 1]))) tight = false;
    items.push(blocks);
    // A sibling item may follow directly or after blank lines (which make the list loose).
    let k = j;
    while (k < lines.length && blank(lines[k])) k++;
    const next = k < lines.length ? ITEM.exec(lines[k]!) : null;
    if (!next || !sameList(next) || next[1]!.length >= width) {
      out.push({ kind: 'list', ordered, start: ordered ? Number.parseInt(first[2]!, 10) : 1, tight, items });
      return j;
    }
    if (k > j) tight = false;
    i = k;
  }
}

/** GitHub's heading anchor: lower case, punctuation dropped (letters, marks, digits, _ and - stay), spaces to hyphens. */
export function slug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Targets kept by default: same-page anchors and relative paths; any scheme (http:, javascript:, data:, …) is dropped. */
export function relativeOnly(target: string): string | null {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//') ? null : target;
}

type Sink = { code(text: string): string; strong(inner: string): string; em(inner: string): string; link(inner: string, target: string): string; text(text: string): string };

/** Index of the backtick run closing a code span opened by `run` backticks at `from`, or -1. */
function codeClose(src: string, from: number, run: number): number {
  for (let k = from; k < src.length; ) {
    if (src[k] !== '`') {
      k++;
      continue;
    }
    let n = 0;
    while (src[k + n] === '`') n++;
    if (n === run) return k;
    k += n;
  }
  return -1;
}

/** The end (exclusive) of a link `[text](target)` starting at i, with its parts; null when it is not one. */
function linkAt(src: string, i: number): { text: string; target: string; end: number } | null {
  let depth = 0;
  let k = i;
  for (; k < src.length; k++) {
    const c = src[k];
    if (c === '\\') k++;
    else if (c === '`') {
      let n = 0;
      while (src[k + n] === '`') n++;
      const close = codeClose(src, k + n, n);
      k = close < 0 ? k + n - 1 : close + n - 1;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) break;
  }
  if (k >= src.length || src[k + 1] !== '(') return null;
  let parens = 0;
  let e = k + 2;
  for (; e < src.length; e++) {
    const c = src[e];
    if (c === '\\') e++;
    else if (c === '(') parens++;
    else if (c === ')' && parens-- === 0) break;
    else if (/\s/.test(c!)) return null;
  }
  if (e >= src.length) return null;
  return { text: src.slice(i + 1, k), target: src.slice(k + 2, e), end: e + 1 };
}

/** The closing delimiter of emphasis opened by `delim` at i, or -1: preceded by non-space, not inside a code span. */
function emphasisClose(src: string, i: number, delim: string): number {
  for (let k = i + delim.length; k < src.length; k++) {
    const c = src[k];
    if (c === '\\') {
      k++;
      continue;
    }
    if (c === '`') {
      let n = 0;
      while (src[k + n] === '`') n++;
      const close = codeClose(src, k + n, n);
      if (close >= 0) k = close + n - 1;
      continue;
    }
    if (!src.startsWith(delim, k) || /\s/.test(src[k - 1]!) || k === i + delim.length) continue;
    // A single * must not be half of a **, and _ must close at a word's end.
    if (delim === '*' && (src[k + 1] === '*' || src[k - 1] === '*')) continue;
    if (delim[0] === '_' && /[\p{L}\p{N}]/u.test(src[k + delim.length] ?? '')) continue;
    return k;
  }
  return -1;
}

function inline(src: string, sink: Sink): string {
  let out = '';
  let plain = '';
  const flush = () => {
    if (plain) out += sink.text(plain);
    plain = '';
  };
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    if (c === '\\' && /[!-/:-@[-`{-~]/.test(src[i + 1] ?? '')) {
      plain += src[i + 1];
      i += 2;
    } else if (c === '`') {
      let run = 0;
      while (src[i + run] === '`') run++;
      const close = codeClose(src, i + run, run);
      if (close < 0) {
        plain += '`'.repeat(run);
        i += run;
        continue;
      }
      let code = src.slice(i + run, close).replace(/\n/g, ' ');
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1);
      flush();
      out += sink.code(code);
      i = close + run;
    } else if (c === '[' && linkAt(src, i)) {
      const link = linkAt(src, i)!;
      flush();
      out += sink.link(inline(link.text, sink), link.target);
      i = link.end;
    } else if ((c === '*' || c === '_') && !/\s/.test(src[i + 1] ?? ' ') && !(c === '_' && /[\p{L}\p{N}]/u.test(src[i - 1] ?? ''))) {
      const delim = src[i + 1] === c ? c + c : c;
      const close = emphasisClose(src, i, delim);
      if (close < 0) {
        plain += delim;
        i += delim.length;
        continue;
      }
      flush();
      const inner = inline(src.slice(i + delim.length, close), sink);
      out += delim.length === 2 ? sink.strong(inner) : sink.em(inner);
      i = close + delim.length;
    } else {
      plain += c;
      i++;
    }
  }
  flush();
  return out;
}

/** A line of Markdown inlines as HTML. */
export function renderInline(src: string, options: RenderOptions = {}): string {
  const resolve = options.link ?? relativeOnly;
  return inline(src, {
    text: escapeHtml,
    code: (t) => `<code>${escapeHtml(t)}</code>`,
    strong: (inner) => `<strong>${inner}</strong>`,
    em: (inner) => `<em>${inner}</em>`,
    link: (inner, target) => {
      const href = resolve(target);
      return href === null ? inner : `<a href="${escapeHtml(href)}">${inner}</a>`;
    },
  });
}

/** A line of Markdown inlines as plain text (for anchors, search and tooltips). */
export function inlineText(src: string): string {
  const same = (t: string) => t;
  return inline(src, { text: same, code: same, strong: same, em: same, link: same });
}

/** The plain text of blocks, one block a line. */
export function blocksText(blocks: readonly Block[]): string {
  return blocks
    .map((b) => {
      switch (b.kind) {
        case 'heading':
        case 'paragraph':
          return inlineText(b.text);
        case 'list':
          return b.items.map((item) => blocksText(item)).join('\n');
        case 'table':
          return [b.head, ...b.rows].map((row) => row.map(inlineText).join(' ')).join('\n');
        case 'code':
          return b.text;
        case 'quote':
          return blocksText(b.blocks);
        case 'rule':
          return '';
      }
    })
    .join('\n');
}

function renderList(b: Extract<Block, { kind: 'list' }>, options: RenderOptions): string {
  const tag = b.ordered ? 'ol' : 'ul';
  const start = b.ordered && b.start !== 1 ? ` start="${b.start}"` : '';
  const items = b.items.map((item) => {
    // A tight item's paragraphs are not wrapped in <p> (as CommonMark renders them).
    const html = item.map((block) => (b.tight && block.kind === 'paragraph' ? renderInline(block.text, options) : renderBlocks([block], options))).join(b.tight ? '\n' : '');
    return `<li>${html}</li>`;
  });
  return `<${tag}${start}>${items.join('')}</${tag}>`;
}

const alignClass = (a: Align) => (a ? ` class="align-${a}"` : '');

export function renderBlocks(blocks: readonly Block[], options: RenderOptions = {}): string {
  return blocks
    .map((b) => {
      switch (b.kind) {
        case 'heading':
          return `<h${b.level} id="${escapeHtml((options.idPrefix ?? '') + b.id)}">${renderInline(b.text, options)}</h${b.level}>`;
        case 'paragraph':
          return `<p>${renderInline(b.text, options)}</p>`;
        case 'list':
          return renderList(b, options);
        case 'table': {
          const head = b.head.map((c, k) => `<th scope="col"${alignClass(b.align[k] ?? null)}>${renderInline(c, options)}</th>`).join('');
          const rows = b.rows.map((r) => `<tr>${r.map((c, k) => `<td${alignClass(b.align[k] ?? null)}>${renderInline(c, options)}</td>`).join('')}</tr>`).join('');
          return `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
        }
        case 'code':
          return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
        case 'quote':
          return `<blockquote>${renderBlocks(b.blocks, options)}</blockquote>`;
        case 'rule':
          return '<hr>';
      }
    })
    .join('\n');
}

export function renderMarkdown(markdown: string, options: RenderOptions = {}): string {
  return renderBlocks(parseMarkdown(markdown), options);
}
