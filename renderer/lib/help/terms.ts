// Which words in the app's labels the glossary explains (resources/help/glossary.md, by anchor):
// the jargon inside method and metric names, and the parameters of the explanation and metric
// forms. A unit test checks that every anchor named here exists.

/** Jargon as it is written in labels, with its glossary anchor. Case and whole words count. */
export const termForms: ReadonlyArray<readonly [form: string, id: string]> = [
  ['AOPC', 'aopc'],
  ['MoRF', 'morf'],
  ['LeRF', 'lerf'],
  ['ABPC', 'between-curves'],
  ['ROAD', 'road'],
  ['IoU', 'iou'],
  ['ROC-AUC', 'auc'],
  ['AUC', 'auc'],
  ['ε', 'epsilon'],
  ['z⁺', 'z-plus'],
  ['αβ', 'alpha-beta'],
  ['α2β1', 'alpha-beta'],
  ['α1β0', 'alpha-beta'],
  ['γ', 'gamma'],
  ['zᴮ', 'z-box'],
  ['flat', 'flat'],
  ['Wilcoxon', 'wilcoxon'],
  ['Holm', 'holm'],
  ["Krippendorff's α", 'krippendorff-alpha'],
  ['Krippendorff’s α', 'krippendorff-alpha'],
  ['SSIM', 'ssim'],
  ['Spearman', 'spearman'],
  ['seeded', 'seed'],
  ['pointing game', 'pointing'],
  ['relevance mass', 'relevance-mass'],
];

/** Parameters of explanation methods and metrics whose meaning is a glossary term, by parameter key. */
export const paramTerms: Readonly<Record<string, string>> = {
  epsilon: 'epsilon',
  gamma: 'gamma',
  alpha: 'alpha-beta',
  beta: 'alpha-beta',
  low: 'z-box',
  high: 'z-box',
  flat: 'flat',
  noiseLevel: 'smoothgrad-noise',
  baseline: 'baseline',
  space: 'baseline',
  background: 'baseline',
  hide: 'baseline',
  reduction: 'channel-reduction',
  relevance: 'relevance-sign',
  absolute: 'relevance-sign',
  output: 'logit',
  layer: 'feature-map',
  defaultLayer: 'feature-map',
  segmentation: 'segments',
  gridSize: 'segments',
  slicSegments: 'segments',
  compactness: 'segments',
  kernelWidth: 'kernel-width',
  perturbation: 'perturbation',
  roadNoise: 'road',
  regions: 'regions',
  regionSize: 'regions',
  tolerance: 'pointing',
  percent: 'iou',
  similarity: 'similarity',
  order: 'cascading-randomisation',
};

export interface TextPart {
  text: string;
  /** The glossary anchor explaining this part. */
  term?: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Longest forms first, so "ROC-AUC" is one term rather than "ROC-" and "AUC".
const pattern = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${[...termForms]
    .map(([form]) => form)
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|')})(?![\\p{L}\\p{N}])`,
  'gu',
);
const idOf = new Map(termForms);

/** The text cut at the glossary's terms, each term marked once (its first occurrence), so a label gets few tab stops. */
export function splitTerms(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const seen = new Set<string>();
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const id = idOf.get(m[0])!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ text: m[0], term: id });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
