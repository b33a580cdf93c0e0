// A model comparison in words, the same in the Evaluate view, the CLI and the CSV export: one
// sentence per paired test ("On relevance mass accuracy, LRP ε on Model A beats Model B on the same
// 200 images, p = 0.003 (Holm).") and which methods only some models have.
import type { MetricComparison, ModelComparison, ModelPairTest } from './model-comparison.js';

/** "Relevance mass accuracy" → "relevance mass accuracy" inside a sentence; an acronym ("ROC AUC") keeps its capitals. */
export function metricPhrase(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

/** "p = 0.003", "p < 0.001": two significant digits, as a statistician writes them. */
export function pWords(p: number): string {
  if (!Number.isFinite(p)) return 'p n/a';
  return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`;
}

/** "the same 200 images", or "the same 40 heatmaps (images × classes)" when each image has one per class. */
function sameWords(c: Pick<ModelComparison, 'perImage'>, pairs: number): string {
  if (c.perImage > 1) return `the same ${pairs} heatmap${pairs === 1 ? '' : 's'} (images × classes)`;
  return `the same ${pairs} image${pairs === 1 ? '' : 's'}`;
}

/** The sentence for one paired test between two models. */
export function testSentence(c: Pick<ModelComparison, 'models' | 'methods' | 'perImage'>, metric: Pick<MetricComparison, 'metric'>, t: ModelPairTest): string {
  const on = `On ${metricPhrase(metric.metric.label)}`;
  const method = c.methods[t.method]!.label;
  const [a, b] = [c.models[t.a]!.label, c.models[t.b]!.label];
  switch (t.verdict) {
    case 'better-a':
      return `${on}, ${method} on ${a} beats ${b} on ${sameWords(c, t.pairs)}, ${pWords(t.pHolm)} (Holm).`;
    case 'better-b':
      return `${on}, ${method} on ${b} beats ${a} on ${sameWords(c, t.pairs)}, ${pWords(t.pHolm)} (Holm).`;
    case 'indistinguishable':
      return `${on}, ${method} is not distinguishable between ${a} and ${b} on ${sameWords(c, t.pairs)}, ${pWords(t.pHolm)} (Holm).`;
    case 'identical':
      return `${on}, ${method} shows no non-zero differences between ${a} and ${b} on ${sameWords(c, t.pairs)}: every one scores the same under both, so there is nothing to test.`;
    case 'undefined':
      return `${on}, ${method} cannot be compared between ${a} and ${b}: no image has a score under both.`;
  }
}

/** Sentences for the methods some compared models lack: "Occlusion was evaluated only on Model A." */
export function missingSentences(c: Pick<ModelComparison, 'models' | 'methods'>): string[] {
  return c.methods.flatMap((m) => {
    const on = m.columns.flatMap((col, i) => (col === null ? [] : [c.models[i]!.label]));
    if (on.length === c.models.length) return [];
    return [`${m.label} was evaluated only on ${on.join(' and ')}, so it is ${on.length > 1 ? 'compared between those models alone' : 'not compared between models'}.`];
  });
}
