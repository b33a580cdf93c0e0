// Places in the Annotate view survive a reload because the hash names them.
import { expect, it } from 'vitest';
import { annotateHref, parseAnnotateRoute } from '../../renderer/lib/annotate/route.js';
import { imageNumberProblem } from '../../renderer/lib/annotate/image-number.js';

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

it('answers an image number that names no image with one sentence, and a whole number in range with none', () => {
  expect(imageNumberProblem(2817, 3000)).toBeNull();
  expect(imageNumberProblem(0, 3000)).toBeNull();
  expect(imageNumberProblem(3000, 3000)).toBe('There is no image 3000: give an image number from 0 to 2,999.');
  expect(imageNumberProblem(-1, 3000)).toBe('There is no image -1: give an image number from 0 to 2,999.');
  expect(imageNumberProblem(2.5, 3000)).toBe('Image numbers are whole numbers: give one from 0 to 2,999, not 2.5.');
  expect(imageNumberProblem(null, 3000)).toBe('Give an image number from 0 to 2,999.');
  expect(imageNumberProblem(Number.NaN, 3000)).toBe('Give an image number from 0 to 2,999.');
});
