import { describe, expect, it } from 'vitest';
import { defaultDatasetName, defaultEvaluationName, defaultModelName, shortCount } from '../../shared/default-names.js';

describe('default names', () => {
  it('abbreviates whole thousands and millions of images and groups other counts', () => {
    expect([400, 1_500, 6_000, 100_000, 2_000_000, 1_234, 12_345].map(shortCount)).toEqual(['400', '1.5k', '6k', '100k', '2M', '1,234', '12,345']);
  });

  it('names a generated dataset by its generator, size and seed, the seed said once', () => {
    expect(defaultDatasetName('Triangles & Squares', 6_000, 5)).toBe('Triangles & Squares 6k (seed 5)');
  });

  it('names a trained model so the dataset seed and the training seed cannot be mistaken for each other', () => {
    const name = defaultModelName('tiny-cnn', defaultDatasetName('Triangles & Squares', 6_000, 5), 1);
    expect(name).toBe('tiny-cnn on Triangles & Squares 6k (seed 5), training seed 1');
    expect(name).not.toMatch(/seed \d+ · seed/);
  });

  it('titles an evaluation by its first metric and how many more, not the whole list', () => {
    expect(defaultEvaluationName(['Region perturbation (AOPC)', 'Relevance mass accuracy', 'Pointing game'], 7, 200)).toBe('Region perturbation (AOPC) +2 · 7 methods · 200 images');
    expect(defaultEvaluationName(['Pointing game'], 1, 1)).toBe('Pointing game · 1 method · 1 image');
  });
});
