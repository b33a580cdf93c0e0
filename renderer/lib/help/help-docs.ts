// The help texts (resources/help/*.md, which GitHub renders too) cut into what the Help view shows
// and searches: a document per file, a group per level-2 heading, an entry per level-3 heading
// (a method, a metric or a glossary term, named by the `<a id>` anchor above it).
import { blocksText, inlineText, parseMarkdown, renderBlocks, slug, type Block } from './markdown.js';
import { helpHref } from './help-route.js';

export const helpDocKeys = ['methods', 'metrics', 'glossary'] as const;
export type HelpDocKey = (typeof helpDocKeys)[number];

export interface HelpEntry {
  id: string;
  doc: HelpDocKey;
  /** The group's id. */
  group: string;
  /** The heading without its trailing `— \`id\``. */
  title: string;
  /** The identifier the heading shows in code (a method's or metric's id), if any. */
  code: string | null;
  html: string;
  /** The first paragraph as plain text: a glossary term's tooltip. */
  summary: string;
  /** Title, id and body as lower-case plain text, for search. */
  haystack: string;
}

export interface HelpGroup {
  id: string;
  title: string;
  introHtml: string;
  entries: HelpEntry[];
}

export interface HelpDoc {
  key: HelpDocKey;
  title: string;
  introHtml: string;
  groups: HelpGroup[];
}

/** Where a link in a help text leads in the app: an anchor in Help, or nowhere (a repository file, the web). */
export function helpLink(target: string): string | null {
  if (target.startsWith('#') && target.length > 1) return helpHref(decodeURIComponent(target.slice(1)));
  const file = /^(?:\.\/)?(methods|metrics|glossary)\.md(?:#(.+))?$/.exec(target);
  return file ? helpHref(file[2] ? decodeURIComponent(file[2]) : file[1]) : null;
}

/** Every link target in the blocks, nested ones included (for the test that none dangles). */
export function linkTargets(blocks: readonly Block[]): string[] {
  const text = (b: Block): string[] => {
    switch (b.kind) {
      case 'heading':
      case 'paragraph':
        return [b.text];
      case 'list':
        return b.items.flatMap((item) => item.flatMap(text));
      case 'table':
        return [...b.head, ...b.rows.flat()];
      case 'quote':
        return b.blocks.flatMap(text);
      default:
        return [];
    }
  };
  return blocks.flatMap(text).flatMap((t) => [...t.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!));
}

const render = (blocks: readonly Block[]) => renderBlocks(blocks, { link: helpLink });

function entryOf(doc: HelpDocKey, group: string, heading: Extract<Block, { kind: 'heading' }>, body: Block[]): HelpEntry {
  const labelled = /^(.*?)\s+—\s+`([^`]+)`$/.exec(heading.text);
  const title = inlineText(labelled ? labelled[1]! : heading.text);
  const first = body.find((b) => b.kind === 'paragraph');
  return {
    id: heading.id,
    doc,
    group,
    title,
    code: labelled ? labelled[2]! : null,
    html: render(body),
    summary: first ? inlineText(first.text).replace(/\s+/g, ' ') : '',
    haystack: `${title}\n${heading.id}\n${blocksText(body)}`.toLowerCase(),
  };
}

/** One help file as a document: its title (level 1), intro, groups (level 2) and entries (level 3). */
export function parseHelpDoc(key: HelpDocKey, markdown: string): HelpDoc {
  const blocks = parseMarkdown(markdown);
  const doc: HelpDoc = { key, title: key, introHtml: '', groups: [] };
  let i = 0;
  const until = (stop: (b: Block) => boolean): Block[] => {
    const out: Block[] = [];
    while (i < blocks.length && !stop(blocks[i]!)) out.push(blocks[i++]!);
    return out;
  };
  const level = (b: Block, max: number) => b.kind === 'heading' && b.level <= max;
  const first = blocks[0];
  if (first?.kind === 'heading' && first.level === 1) {
    doc.title = inlineText(first.text);
    i = 1;
  }
  doc.introHtml = render(until((b) => level(b, 2)));
  while (i < blocks.length) {
    const heading = blocks[i++] as Extract<Block, { kind: 'heading' }>;
    // Group anchors carry the document's name: "Faithfulness" is a group of metrics, not the glossary's word.
    const group: HelpGroup = { id: `${key}-${slug(inlineText(heading.text))}`, title: inlineText(heading.text), introHtml: render(until((b) => level(b, 3))), entries: [] };
    while (i < blocks.length && blocks[i]!.kind === 'heading' && (blocks[i] as { level: number }).level === 3) {
      const entryHeading = blocks[i++] as Extract<Block, { kind: 'heading' }>;
      group.entries.push(entryOf(key, group.id, entryHeading, until((b) => level(b, 3))));
    }
    doc.groups.push(group);
  }
  return doc;
}

export function helpEntries(docs: readonly HelpDoc[]): HelpEntry[] {
  return docs.flatMap((d) => d.groups.flatMap((g) => g.entries));
}

/** Entries whose title, id or text hold every word of the query, titles first; all entries for an empty query. */
export function searchHelp(docs: readonly HelpDoc[], query: string): HelpEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const entries = helpEntries(docs);
  if (words.length === 0) return entries;
  const hits = entries.filter((e) => words.every((w) => e.haystack.includes(w)));
  const inTitle = (e: HelpEntry) => words.every((w) => `${e.title} ${e.id}`.toLowerCase().includes(w));
  return [...hits.filter(inTitle), ...hits.filter((e) => !inTitle(e))];
}

/** The Help view's own section after the documents: the keyboard shortcuts. */
export const shortcutsAnchor = 'shortcuts';

/** Every anchor Help can scroll to: documents, groups, entries and the shortcuts. */
export function helpAnchors(docs: readonly HelpDoc[]): Set<string> {
  return new Set([...docs.flatMap((d) => [d.key, ...d.groups.flatMap((g) => [g.id, ...g.entries.map((e) => e.id)])]), shortcutsAnchor]);
}
