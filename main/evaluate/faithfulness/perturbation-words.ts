// A perturbation in words, as the removal check and the results name it.
const words: Record<string, string> = {
  uniform: 'uniform noise',
  black: 'the darkest input value',
  zero: 'zero input',
  mean: 'the image mean',
  road: 'noisy linear imputation (ROAD)',
};

export function perturbationWords(kind: string, blurSigma: number): string {
  return kind === 'blur' ? `a Gaussian blur (σ ${blurSigma} px)` : (words[kind] ?? kind);
}
