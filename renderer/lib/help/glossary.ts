// The glossary's terms for tooltips in forms and results: each term's first paragraph from
// resources/help/glossary.md, the same text the Help view and GitHub show.
import source from '../../../resources/help/glossary.md?raw';
import { helpEntries, parseHelpDoc } from './help-docs.js';

export interface GlossaryTerm {
  id: string;
  term: string;
  summary: string;
}

export const glossary: ReadonlyMap<string, GlossaryTerm> = new Map(helpEntries([parseHelpDoc('glossary', source)]).map((e) => [e.id, { id: e.id, term: e.title, summary: e.summary }]));
