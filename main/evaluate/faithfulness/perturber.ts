// What removes pixels from one image, and the image it removes them from: the shape every
// perturbation (perturbation.ts) and ROAD's imputation (road-imputation.ts) share.

/**
 * Removes pixels from one image [C, H, W]. A removal may depend on every pixel removed so far, not
 * only the new ones (ROAD imputes its whole mask from the kept pixels), so the perturber keeps
 * them: remove() must be given the running image, i.e. the original with every pixel removed
 * since the last reset() already removed — the cumulative steps of curves.ts — and reset() starts
 * over from the original (faithfulness correlation's independent subsets).
 */
export interface Perturber {
  remove(image: Float32Array, pixels: Int32Array): void;
  reset(): void;
}

export interface PerturbationSource {
  /** The original image [C, H, W]. */
  image: Float32Array;
  channels: number;
  plane: number;
  height: number;
  width: number;
  bounds: { low: number[]; high: number[] };
}
