// Indices typed by hand in the Explain form's image choice (the API's own selection covers the
// rest: a split, one class, the model's right or wrong predictions and their confidence).

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
