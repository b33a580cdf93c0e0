// Agreement between annotators on hand-made masks: IoU and Dice per image and pooled, per label.
import { describe, expect, it } from 'vitest';
import { agreement } from '../../main/annotate/agreement.js';

// Two 2×3 images. Image 0: A marks 3 pixels, B marks 2 of them and 1 more. Image 1: nothing marked on either side.
const a = Uint8Array.from([1, 1, 2, 0, 0, 0, /* image 1 */ 0, 0, 0, 0, 0, 0]);
const b = Uint8Array.from([1, 0, 2, 1, 0, 0, /* image 1 */ 0, 0, 0, 0, 0, 0]);

describe('annotator agreement', () => {
  it('gives IoU |A∩B|/|A∪B| and Dice 2|A∩B|/(|A|+|B|) per image, NaN where neither marks anything', () => {
    const r = agreement(a, b, 2);
    expect(r.iou[0]).toBeCloseTo(2 / 4, 12);
    expect(r.dice[0]).toBeCloseTo(4 / 6, 12);
    expect(Number.isNaN(r.iou[1]!)).toBe(true);
    expect(r.compared).toBe(1);
    expect(r.overall).toEqual({ iou: 0.5, dice: 4 / 6 });
  });

  it('compares one label at a time when asked, and agrees perfectly with itself', () => {
    const label2 = agreement(a, b, 2, 2);
    expect(label2.iou[0]).toBe(1);
    const label1 = agreement(a, b, 2, 1);
    expect(label1.iou[0]).toBeCloseTo(1 / 3, 12);
    expect(agreement(a, a, 2).overall).toEqual({ iou: 1, dice: 1 });
  });

  it('refuses mask sets of different sizes', () => {
    expect(() => agreement(a, b.subarray(0, 6), 2)).toThrow(/must be the same size/);
  });
});
