// Places in the Annotate view survive a reload because the hash names them.
import { expect, it } from 'vitest';
import { annotateHref, parseAnnotateRoute } from '../../renderer/lib/annotate/route.js';

it('reads the list, the new-set form with its dataset, and a set at an image from the hash', () => {
  expect(parseAnnotateRoute('#/annotate')).toEqual({ page: 'list' });
  expect(parseAnnotateRoute('#/annotate/new')).toEqual({ page: 'new', datasetId: null });
  expect(parseAnnotateRoute('#/annotate/new?dataset=4')).toEqual({ page: 'new', datasetId: 4 });
  expect(parseAnnotateRoute('#/annotate/12/7')).toEqual({ page: 'set', id: 12, index: 7 });
  expect(parseAnnotateRoute('#/annotate/12')).toEqual({ page: 'set', id: 12, index: 0 });
  expect(parseAnnotateRoute('#/annotate/0')).toEqual({ page: 'list' });
  expect(parseAnnotateRoute('#/annotate/abc')).toEqual({ page: 'list' });
});

it('writes hashes that read back as the same place', () => {
  for (const route of [{ page: 'list' }, { page: 'new', datasetId: 3 }, { page: 'new', datasetId: null }, { page: 'set', id: 5, index: 19 }] as const) {
    expect(parseAnnotateRoute(annotateHref(route))).toEqual(route);
  }
});
