import { describe, expect, it } from 'vitest';
import { annotateHref, parseAnnotateRoute } from '../../renderer/lib/annotate/route.js';
import { nextUnannotated, worklistOf, worklistStep } from '../../renderer/lib/annotate/worklist.js';
import { evaluateHref, parseEvaluateRoute } from '../../renderer/lib/evaluate/evaluate-route.js';
import { explainHref, parseExplainRoute, type ExplainRoute } from '../../renderer/lib/explain-route.js';

describe('links into the Explain form', () => {
  it('carries a model, its dataset and one misclassified image to the form and back', () => {
    const route: ExplainRoute = { page: 'setup', prefill: { modelId: 3, datasetId: 2, images: [17] } };
    expect(explainHref(route)).toBe('#/explain?model=3&dataset=2&images=17');
    expect(parseExplainRoute(explainHref(route))).toEqual(route);
  });

  it('keeps several images in order and drops repeats', () => {
    expect(parseExplainRoute('#/explain?model=1&images=5,2,5')).toEqual({ page: 'setup', prefill: { modelId: 1, images: [5, 2] } });
  });

  it('ignores a prefill it cannot read and keeps the bare form address', () => {
    expect(parseExplainRoute('#/explain?model=x&images=1,-2')).toEqual({ page: 'setup' });
    expect(explainHref({ page: 'setup' })).toBe('#/explain');
    expect(explainHref({ page: 'setup', prefill: {} })).toBe('#/explain');
  });
});

describe('links into the Evaluate form', () => {
  it('opens the form for one model', () => {
    expect(evaluateHref({ page: 'setup', modelId: 4 })).toBe('#/evaluate?model=4');
    expect(parseEvaluateRoute('#/evaluate?model=4')).toEqual({ page: 'setup', modelId: 4 });
    expect(parseEvaluateRoute('#/evaluate/9?model=4')).toEqual({ page: 'evaluation', id: 9 });
    expect(parseEvaluateRoute('#/evaluate')).toEqual({ page: 'setup' });
  });
});

describe('the annotation worklist of an explanation run', () => {
  const list = worklistOf(Int32Array.from([40, 3, 17, 3]));

  it('holds the run\'s images once each, in dataset order', () => {
    expect(list).toEqual([3, 17, 40]);
  });

  it('steps to the next and previous explained image, not the next dataset image, and stops at the ends', () => {
    expect(worklistStep(list, 3, 1)).toBe(17);
    expect(worklistStep(list, 17, 1)).toBe(40);
    expect(worklistStep(list, 40, 1)).toBe(40);
    expect(worklistStep(list, 17, -1)).toBe(3);
    expect(worklistStep(list, 3, -1)).toBe(3);
  });

  it('from an image outside the worklist, goes to the nearest explained image that way', () => {
    expect(worklistStep(list, 20, 1)).toBe(40);
    expect(worklistStep(list, 20, -1)).toBe(17);
    expect(worklistStep(list, 99, 1)).toBe(40);
    expect(worklistStep([], 5, 1)).toBeNull();
  });

  it('finds the next explained image without a mask, wrapping round, and none when all have one', () => {
    expect(nextUnannotated(list, 17, new Set([40]))).toBe(3);
    expect(nextUnannotated(list, 3, new Set([17, 5]))).toBe(40);
    expect(nextUnannotated(list, 3, new Set([3, 17, 40]))).toBeNull();
  });

  it('is named in the editor\'s address, so a reload stays in it', () => {
    expect(annotateHref({ page: 'set', id: 2, index: 17, runId: 9 })).toBe('#/annotate/2/17?run=9');
    expect(parseAnnotateRoute('#/annotate/2/17?run=9')).toEqual({ page: 'set', id: 2, index: 17, runId: 9 });
    expect(parseAnnotateRoute('#/annotate/2/17')).toEqual({ page: 'set', id: 2, index: 17 });
    expect(annotateHref({ page: 'new', datasetId: 4, runId: 9 })).toBe('#/annotate/new?dataset=4&run=9');
    expect(parseAnnotateRoute('#/annotate/new?dataset=4&run=9')).toEqual({ page: 'new', datasetId: 4, runId: 9 });
  });
});
