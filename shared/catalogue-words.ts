// The catalogue in words, the same in the Catalogue view and `heatlab catalogue`: kind names,
// recorded parameters as readable key: value pairs, and the free-text search. Apart from the zod
// schemas in catalogue.ts, so the view does not load zod for them.
import type { CatalogueEntity, CatalogueFact, CatalogueKind } from './catalogue.js';

export const catalogueKindWords: { [K in CatalogueKind]: { one: string; many: string } } = {
  dataset: { one: 'dataset', many: 'datasets' },
  model: { one: 'model', many: 'models' },
  run: { one: 'explanation run', many: 'explanation runs' },
  annotationSet: { one: 'annotation set', many: 'annotation sets' },
  evaluation: { one: 'evaluation', many: 'evaluations' },
};

/** "1 model", "3 explanation runs". */
export function countOf(kind: CatalogueKind, n: number): string {
  return `${n} ${n === 1 ? catalogueKindWords[kind].one : catalogueKindWords[kind].many}`;
}

/** "Dataset", "Explanation run". */
export const kindLabel = (kind: CatalogueKind): string => capitalise(catalogueKindWords[kind].one);

export const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Keys seen so far: the same few dozen parameter names recur in every row of a large catalogue. */
const humanized = new Map<string, string>();

/** "learningRate" → "Learning rate", "batch_size" → "Batch size". */
export function humanizeKey(key: string): string {
  let words = humanized.get(key);
  if (words === undefined) {
    words = capitalise(
      key
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/[_-]+/g, ' ')
        .toLowerCase(),
    );
    if (humanized.size < 10_000) humanized.set(key, words);
  }
  return words;
}

/** Lists longer than this are cut, saying how many more there are. */
const LIST_LIMIT = 12;

function scalar(value: unknown): string | null {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return String(value);
  return null;
}

/** An object on one line: "type conv2d, filters 16, kernel 3". */
function inline(value: unknown): string {
  const s = scalar(value);
  if (s !== null) return s;
  if (Array.isArray(value)) return list(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${humanizeKey(k).toLowerCase()} ${inline(v)}`)
    .join(', ');
}

function list(values: readonly unknown[]): string {
  const shown = values.slice(0, LIST_LIMIT).map(inline);
  const more = values.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` … (${more} more)` : '');
}

/**
 * A recorded parameter object as readable facts, nested keys joined by "›": { training: { learningRate:
 * 0.001 } } → "Training › Learning rate: 0.001". Lists of objects give one fact per item ("Layers 1").
 */
export function readableFacts(value: unknown, prefix = ''): CatalogueFact[] {
  const s = scalar(value);
  if (s !== null) return prefix === '' ? [] : [{ key: prefix, value: s }];
  if (Array.isArray(value)) {
    if (value.every((v) => scalar(v) !== null || Array.isArray(v))) return prefix === '' ? [] : [{ key: prefix, value: value.length === 0 ? 'none' : list(value) }];
    const facts = value.slice(0, LIST_LIMIT).map((v, i) => ({ key: `${prefix} ${i + 1}`.trim(), value: inline(v) }));
    if (value.length > LIST_LIMIT) facts.push({ key: `${prefix} …`.trim(), value: `${value.length - LIST_LIMIT} more` });
    return facts;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return prefix === '' ? [] : [{ key: prefix, value: 'none' }];
  return entries.flatMap(([k, v]) => readableFacts(v, prefix === '' ? humanizeKey(k) : `${prefix} › ${humanizeKey(k)}`));
}

/** Each entity's search text, made once per entity object (the list is replaced, never mutated). */
const searchTexts = new WeakMap<CatalogueEntity, string>();

/** Everything the free-text search looks through, lower case. */
function searchText(e: CatalogueEntity): string {
  let text = searchTexts.get(e);
  if (text === undefined) {
    text = describeForSearch(e);
    searchTexts.set(e, text);
  }
  return text;
}

function describeForSearch(e: CatalogueEntity): string {
  return [
    catalogueKindWords[e.kind].one,
    `#${e.id}`,
    e.name,
    e.summary,
    e.outcome ?? '',
    e.seed === null ? '' : `seed ${e.seed}`,
    e.heatlabVersion === null ? '' : `heatlab ${e.heatlabVersion}`,
    e.engine ?? '',
    ...e.params.map((f) => `${f.key}: ${f.value}`),
  ]
    .join('\n')
    .toLowerCase();
}

/** Whether every word of `query` occurs in the entity's name, kind, summary, parameters, seed, versions or engine (any case). */
export function matchesSearch(e: CatalogueEntity, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return true;
  const text = searchText(e);
  return words.every((w) => text.includes(w));
}

export interface CatalogueFilter {
  kinds?: readonly CatalogueKind[];
  search?: string;
  unreferenced?: boolean;
}

/** The entities a filter keeps, in their order. */
export function filterEntities(entities: readonly CatalogueEntity[], f: CatalogueFilter): CatalogueEntity[] {
  return entities.filter((e) => (f.kinds === undefined || f.kinds.includes(e.kind)) && (!f.unreferenced || e.unreferenced) && matchesSearch(e, f.search ?? ''));
}
