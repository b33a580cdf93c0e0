// Turning the Explain form's image choice into dataset indices where the API's own selection
// (first n or seeded random n of a split) does not cover it: one class, the model's mistakes, or
// indices typed by hand.
import { splitCodes, type SplitName } from '../../../shared/datasets.js';

/** mulberry32 (Tommy Ettinger, 2017): small, fast and seedable, enough for choosing images. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n of the candidates, chosen at random by the seed (a partial Fisher–Yates shuffle), in ascending order. */
export function seededSample(candidates: readonly number[], n: number, seed: number): number[] {
  const pool = [...candidates];
  const random = mulberry32(seed);
  const take = Math.min(n, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, take).sort((a, b) => a - b);
}

/** Dataset indices of one class within a split (or all images). */
export function indicesOfClass(labels: Int32Array, splits: Uint8Array, label: number, split: SplitName | 'all'): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === label && (split === 'all' || splits[i] === splitCodes[split])) out.push(i);
  return out;
}

/** "3, 14, 15-18" → [3, 14, 15, 16, 17, 18]; a sentence for anything else or an index past the end. */
export function parseIndices(text: string, count: number): number[] | string {
  const out: number[] = [];
  for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return `“${part}” is not an image index or a range like 10-20.`;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return `The range ${part} runs backwards.`;
    if (to >= count) return `The dataset has ${count} images (0–${count - 1}), so it has no image ${to}.`;
    if (out.length + (to - from + 1) > 4096) return 'Choose at most 4,096 images by hand.';
    for (let i = from; i <= to; i++) out.push(i);
  }
  if (out.length === 0) return 'Type the indices of the images to explain, e.g. 3, 14, 15-18.';
  return [...new Set(out)];
}
