// An explanation run that asked for more images than qualified explains all there are, and says so.
import { describe, expect, it } from 'vitest';
import { describeSelection, imageSelectionSchema, selectionShortfall } from '../../shared/explanations.js';

const selection = (s: object) => imageSelectionSchema.parse(s);

describe('a selection that asks for more images than qualify', () => {
  it('names the run by the images it holds', () => {
    expect(describeSelection(selection({ n: 100_000 }), [], 900)).toBe('all 900 of test split');
    expect(describeSelection(selection({ n: 50, pick: 'random', label: 1, outcome: 'incorrect' }), ['cat', 'dog'], 12)).toBe('all 12 of test split, class dog, predicted wrong');
  });

  it('keeps the asked number when the run holds that many', () => {
    expect(describeSelection(selection({ n: 4 }), [], 4)).toBe('first 4 of test split');
    expect(describeSelection(selection({ n: 4, pick: 'random', seed: 3 }))).toBe('4 random of test split (seed 3)');
  });

  it('says in one sentence what was explained instead', () => {
    expect(selectionShortfall(selection({ n: 100_000 }), 900)).toBe('The test split has 900 images, so all 900 were explained, not 100000.');
    expect(selectionShortfall(selection({ split: 'all', n: 50, outcome: 'incorrect', confidence: { min: 0.9, max: 1 } }), 1)).toBe('The dataset (predicted wrong, confidence 0.9–1) has 1 image, so it was explained, not 50.');
  });

  it('says nothing when the images asked for were there, or when all were asked for', () => {
    expect(selectionShortfall(selection({ n: 900 }), 900)).toBeNull();
    expect(selectionShortfall(selection({}), 900)).toBeNull();
    expect(selectionShortfall(selection({ pick: 'indices', indices: [1, 2] }), 2)).toBeNull();
  });
});
