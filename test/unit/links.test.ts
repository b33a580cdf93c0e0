import { describe, expect, it } from 'vitest';
import { evaluateHref, parseEvaluateRoute } from '../../renderer/lib/evaluate/evaluate-route.js';
import { explainHref, parseExplainRoute } from '../../renderer/lib/explain-route.js';

describe('links into the Explain form', () => {
  it('carries a model, its dataset and one misclassified image to the form and back', () => {
    const route = { page: 'setup', prefill: { modelId: 3, datasetId: 2, images: [17] } } as const;
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
