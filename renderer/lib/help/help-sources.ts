// The help texts, bundled into the renderer at build time from the same Markdown files GitHub shows
// (resources/help/): one source for both. Only the Help view imports this; forms take the glossary alone.
import glossary from '../../../resources/help/glossary.md?raw';
import methods from '../../../resources/help/methods.md?raw';
import metrics from '../../../resources/help/metrics.md?raw';
import { parseHelpDoc, type HelpDoc, type HelpDocKey } from './help-docs.js';

export const helpSources: Record<HelpDocKey, string> = { methods, metrics, glossary };

export const helpDocs: readonly HelpDoc[] = [parseHelpDoc('methods', methods), parseHelpDoc('metrics', metrics), parseHelpDoc('glossary', glossary)];
