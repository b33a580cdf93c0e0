import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { metricInfo } from '../../main/evaluate/metric-catalogue.js';
import { metrics } from '../../main/evaluate/registry.js';
import { explainMethods, methodInfo } from '../../main/explain/methods.js';
import { metricFields } from '../../renderer/lib/evaluate/metric-params.js';
import { methodFields } from '../../renderer/lib/explain/method-params.js';
import { glossary } from '../../renderer/lib/help/glossary.js';
import { helpAnchors, helpEntries, helpLink, linkTargets, searchHelp, type HelpDocKey } from '../../renderer/lib/help/help-docs.js';
import { helpHref, parseHelpRoute } from '../../renderer/lib/help/help-route.js';
import { helpDocs, helpSources } from '../../renderer/lib/help/help-sources.js';
import { inlineText, parseMarkdown, type Block } from '../../renderer/lib/help/markdown.js';
import { paramTerms, splitTerms, termForms } from '../../renderer/lib/help/terms.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entries = helpEntries(helpDocs);
const anchors = helpAnchors(helpDocs);

/** The Markdown blocks of each entry (level-3 heading) of a help file, by its anchor. */
function entryBlocks(doc: HelpDocKey): Map<string, Block[]> {
  const out = new Map<string, Block[]>();
  let current: Block[] | null = null;
  for (const b of parseMarkdown(helpSources[doc])) {
    if (b.kind === 'heading' && b.level <= 3) {
      current = b.level === 3 ? [] : null;
      if (current) out.set(b.id, current);
    } else current?.push(b);
  }
  return out;
}

/** Each row of an entry's parameter table: the parameter's key and its default cell as written. */
function parameterRows(blocks: Block[]): Map<string, string> | null {
  const table = blocks.find((b) => b.kind === 'table' && inlineText(b.head[0] ?? '') === 'Parameter');
  if (table?.kind !== 'table') return null;
  return new Map(table.rows.map((r) => [inlineText(r[0]!), r[1]!]));
}

/** Whether a default cell states the schema's default: a code literal equal to it, or — when there is none — words. */
function statesDefault(cell: string, value: unknown): boolean {
  const literal = /^`([^`]+)`$/.exec(cell.trim());
  if (value === undefined || value === null) return literal === null && cell.trim() !== '';
  if (!literal) return false;
  return typeof value === 'number' ? Number(literal[1]) === value : literal[1] === String(value);
}

function checkEntry(doc: HelpDocKey, id: string, schema: { properties?: Record<string, unknown> }, defaults: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const blocks = entryBlocks(doc).get(id);
  const entry = entries.find((e) => e.id === id);
  if (!blocks || !entry) return [`${doc}.md has no entry <a id="${id}">`];
  if (entry.doc !== doc) problems.push(`${id} is in ${entry.doc}.md, not ${doc}.md`);
  if (entry.code !== id) problems.push(`${id}'s heading does not end with — \`${id}\``);
  for (const part of ['Definition.', 'Citation.', 'When to use.', 'When not to.']) {
    if (!entry.html.includes(`<strong>${part}</strong>`)) problems.push(`${id} has no **${part}** paragraph`);
  }
  const keys = Object.keys(schema.properties ?? {});
  const rows = parameterRows(blocks);
  if (keys.length === 0) {
    if (rows !== null || !entry.html.includes('<strong>Parameters.</strong> None.')) problems.push(`${id} takes no parameters and should say "**Parameters.** None."`);
    return problems;
  }
  if (rows === null) return [...problems, `${id} has no parameter table`];
  for (const key of keys) {
    const cell = rows.get(key);
    if (cell === undefined) problems.push(`${id}: parameter ${key} is missing from the table`);
    else if (!statesDefault(cell, defaults[key])) problems.push(`${id}: ${key}'s default is ${JSON.stringify(defaults[key])}, the table says ${cell}`);
  }
  for (const key of rows.keys()) if (!keys.includes(key)) problems.push(`${id}: the table lists ${key}, which is not a parameter`);
  return problems;
}

describe('Help entries', () => {
  it('has an entry for every explanation method, with its definition, every parameter and its default, citation and when to use it', () => {
    const problems = explainMethods.flatMap((m) => {
      const info = methodInfo(m);
      return checkEntry('methods', m.id, info.params as { properties?: Record<string, unknown> }, info.defaults);
    });
    expect(problems).toEqual([]);
  });

  it('has an entry for every metric, with its definition, every parameter and its default, citation and when to use it', () => {
    const problems = metrics.flatMap((m) => {
      const info = metricInfo(m);
      return checkEntry('metrics', m.id, info.params as { properties?: Record<string, unknown> }, info.defaults);
    });
    expect(problems).toEqual([]);
  });

  it('notices a default that the table misstates or a parameter it leaves out', () => {
    const schema = { properties: { samples: {}, noiseLevel: {}, reduction: {} } };
    expect(checkEntry('methods', 'smoothgrad', schema, { samples: 50, noiseLevel: 0.15, reduction: 'sum' })).toEqual(['smoothgrad: samples\'s default is 50, the table says `16`']);
    expect(checkEntry('methods', 'smoothgrad', { properties: { ...schema.properties, extra: {} } }, { samples: 16, noiseLevel: 0.15, reduction: 'sum', extra: 1 })).toEqual(['smoothgrad: parameter extra is missing from the table']);
  });

  it('gives every entry, group and document its own anchor', () => {
    const ids = [...helpDocs.map((d) => d.key), ...helpDocs.flatMap((d) => d.groups.flatMap((g) => [g.id, ...g.entries.map((e) => e.id)]))];
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('links only to anchors Help has, or to files that exist in the repository (so GitHub’s links work too)', () => {
    const broken: string[] = [];
    for (const [doc, source] of Object.entries(helpSources)) {
      for (const target of linkTargets(parseMarkdown(source))) {
        const inApp = helpLink(target);
        if (inApp !== null) {
          if (!anchors.has(parseHelpRoute(inApp).anchor ?? '')) broken.push(`${doc}.md → ${target}`);
        } else if (/^[a-z]+:/i.test(target) || !existsSync(join(root, 'resources/help', target.split('#')[0]!))) broken.push(`${doc}.md → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('opens each "?" link of the forms and results on an entry that exists', () => {
    // Every method and metric id is a target (above); these are the literal ids in the views.
    const literal: string[] = [];
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.svelte') || f.endsWith('.ts') ? [join(dir, f)] : []));
    for (const file of walk(join(root, 'renderer'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/<HelpLink id="([^"]+)"|helpHref\('([^']+)'\)/g)) literal.push(m[1] ?? m[2]!);
      for (const m of text.matchAll(/<Term id="([^"]+)"/g)) if (!glossary.has(m[1]!)) literal.push(`missing term ${m[1]}`);
    }
    expect(literal.filter((id) => !anchors.has(id))).toEqual([]);
  });

  it('finds entries by words of their title, id or text, titles first', () => {
    expect(searchHelp(helpDocs, 'integrated')[0]?.id).toBe('integrated-gradients');
    expect(searchHelp(helpDocs, 'krippendorff')[0]?.id).toBe('krippendorff-alpha');
    const ids = searchHelp(helpDocs, 'ROAD imputation').map((e) => e.id);
    expect(ids).toContain('road');
    expect(ids).toContain('region-perturbation');
    expect(searchHelp(helpDocs, 'zzz-no-such-word')).toEqual([]);
    expect(searchHelp(helpDocs, '  ')).toHaveLength(entries.length);
  });

  it('reads #/help/<anchor> addresses and writes them back', () => {
    expect(parseHelpRoute('#/help')).toEqual({ anchor: null });
    expect(parseHelpRoute('#/help/')).toEqual({ anchor: null });
    expect(parseHelpRoute(helpHref('lrp-z-plus'))).toEqual({ anchor: 'lrp-z-plus' });
    expect(helpLink('glossary.md#aopc')).toBe('#/help/aopc');
    expect(helpLink('#removal-check')).toBe('#/help/removal-check');
    expect(helpLink('metrics.md')).toBe('#/help/metrics');
    expect(helpLink('../../main/explain/methods.md')).toBeNull();
  });
});

describe('the glossary', () => {
  it('explains every term the labels and parameter forms point at', () => {
    const ids = [...termForms.map(([, id]) => id), ...Object.values(paramTerms)];
    expect(ids.filter((id) => !glossary.has(id))).toEqual([]);
  });

  it('gives every term a tooltip of a few sentences', () => {
    const long = [...glossary.values()].filter((t) => t.summary === '' || t.summary.length > 320).map((t) => `${t.id} (${t.summary.length})`);
    expect(long).toEqual([]);
  });

  it('names the glossary term of every method and metric parameter it explains, through the forms the views build', () => {
    const fields = [...explainMethods.map((m) => methodFields(methodInfo(m))), ...metrics.map((m) => metricFields(metricInfo(m)))].flat();
    const wrong = fields.filter((f) => f.term !== paramTerms[f.key] || (f.term !== undefined && !glossary.has(f.term))).map((f) => f.key);
    expect(wrong).toEqual([]);
    expect(fields.find((f) => f.key === 'epsilon')?.term).toBe('epsilon');
    expect(fields.find((f) => f.key === 'noiseLevel')?.term).toBe('smoothgrad-noise');
  });

  it('marks the jargon inside method and metric names, once each, whole words only', () => {
    const terms = (text: string) => splitTerms(text).flatMap((p) => (p.term ? [`${p.text}=${p.term}`] : []));
    expect(terms('Region perturbation, MoRF (AOPC)')).toEqual(['MoRF=morf', 'AOPC=aopc']);
    expect(terms('ROC-AUC')).toEqual(['ROC-AUC=auc']);
    expect(terms('LRP EpsilonPlusFlat (flat first, z⁺ conv, ε dense)')).toEqual(['flat=flat', 'z⁺=z-plus', 'ε=epsilon']);
    expect(terms('LRP ε and ε again')).toEqual(['ε=epsilon']);
    expect(terms('Gradient (signed)')).toEqual([]);
    expect(splitTerms('Top-p % IoU').map((p) => p.text).join('')).toBe('Top-p % IoU');
  });
});
