// Agreement between two sets of region masks of the same images — two annotators, or an annotator
// and a generated ground truth: intersection over union (Jaccard) and Dice (2|A∩B| / (|A| + |B|))
// per image and pooled over all images, on the marked region (any label) or on one label.
export interface Agreement {
  /** Per image; NaN where neither mask marks anything (nothing to agree or disagree on). */
  iou: Float64Array;
  dice: Float64Array;
  /** Pooled over every pixel of every image (not the mean of the per-image values). */
  overall: { iou: number; dice: number };
  /** Images where at least one side marks something. */
  compared: number;
}

/**
 * `a` and `b` are [n, H, W] masks (0 = unmarked). `label`: compare only pixels carrying that label
 * value on each side; any non-zero value by default.
 */
export function agreement(a: Uint8Array, b: Uint8Array, n: number, label?: number): Agreement {
  if (a.length !== b.length || a.length % n !== 0) throw new Error(`Two mask sets of ${n} images must be the same size (${a.length} and ${b.length} values).`);
  const plane = a.length / n;
  const marked = label === undefined ? (v: number) => v !== 0 : (v: number) => v === label;
  const iou = new Float64Array(n);
  const dice = new Float64Array(n);
  let allBoth = 0;
  let allA = 0;
  let allB = 0;
  let compared = 0;
  for (let i = 0; i < n; i++) {
    let both = 0;
    let inA = 0;
    let inB = 0;
    for (let p = i * plane; p < (i + 1) * plane; p++) {
      const ma = marked(a[p]!);
      const mb = marked(b[p]!);
      if (ma) inA++;
      if (mb) inB++;
      if (ma && mb) both++;
    }
    const union = inA + inB - both;
    iou[i] = union === 0 ? NaN : both / union;
    dice[i] = union === 0 ? NaN : (2 * both) / (inA + inB);
    if (union > 0) compared++;
    allBoth += both;
    allA += inA;
    allB += inB;
  }
  const allUnion = allA + allB - allBoth;
  return { iou, dice, overall: { iou: allUnion === 0 ? NaN : allBoth / allUnion, dice: allUnion === 0 ? NaN : (2 * allBoth) / (allA + allB) }, compared };
}
