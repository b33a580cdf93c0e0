// The editor's mask tools, pinned by hand-computed pixel sets: a pixel is marked when its centre
// (x + ½, y + ½) lies inside the shape.
import { describe, expect, it } from 'vitest';
import { clearMask, limitLabels, fillEllipse, fillPolygon, fillRect, floodFill, strokeSegment, type Mask } from '../../renderer/lib/annotate/raster.js';

function blank(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

/** The mask as rows of digits, for readable expectations. */
function rows(mask: Mask): string[] {
  return Array.from({ length: mask.height }, (_, y) => Array.from(mask.data.subarray(y * mask.width, (y + 1) * mask.width)).join(''));
}

describe('brush and eraser', () => {
  it('marks only the clicked pixel with a 1-pixel brush', () => {
    const m = blank(5, 5);
    expect(strokeSegment(m, { x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 1, 1)).toBe(1);
    expect(rows(m)).toEqual(['00000', '00000', '00100', '00000', '00000']);
  });

  it('marks a plus with a 2-pixel brush and a full 3×3 block with a 3-pixel brush', () => {
    const two = blank(5, 5);
    expect(strokeSegment(two, { x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 2, 1)).toBe(5);
    expect(rows(two)).toEqual(['00000', '00100', '01110', '00100', '00000']);
    const three = blank(5, 5);
    expect(strokeSegment(three, { x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 3, 2)).toBe(9);
    expect(rows(three)).toEqual(['00000', '02220', '02220', '02220', '00000']);
  });

  it('covers every pixel a drag passes over, and the eraser takes them away again', () => {
    const m = blank(5, 2);
    expect(strokeSegment(m, { x: 0.5, y: 0.5 }, { x: 3.5, y: 0.5 }, 1, 1)).toBe(4);
    expect(rows(m)).toEqual(['11110', '00000']);
    expect(strokeSegment(m, { x: 1.5, y: 0.5 }, { x: 2.5, y: 0.5 }, 1, 0)).toBe(2);
    expect(rows(m)).toEqual(['10010', '00000']);
  });

  it('counts no change when the pixels already hold the value', () => {
    const m = blank(3, 3);
    strokeSegment(m, { x: 1.5, y: 1.5 }, { x: 1.5, y: 1.5 }, 1, 1);
    expect(strokeSegment(m, { x: 1.5, y: 1.5 }, { x: 1.5, y: 1.5 }, 1, 1)).toBe(0);
  });
});

describe('rectangle and ellipse', () => {
  it('fills the pixels the two corners fall in and all between, in either order', () => {
    const m = blank(5, 5);
    expect(fillRect(m, { x: 3.9, y: 2.1 }, { x: 1.2, y: 1.7 }, 1)).toBe(6);
    expect(rows(m)).toEqual(['00000', '01110', '01110', '00000', '00000']);
  });

  it('clips a rectangle to the image and ignores one wholly outside', () => {
    const m = blank(4, 4);
    expect(fillRect(m, { x: -3, y: -3 }, { x: 1, y: 1 }, 1)).toBe(4);
    expect(rows(m)).toEqual(['1100', '1100', '0000', '0000']);
    expect(fillRect(m, { x: 5, y: 0 }, { x: 9, y: 2 }, 1)).toBe(0);
  });

  it('leaves out only the four corners of a 5×5 ellipse and none of a 3×3 one', () => {
    const five = blank(5, 5);
    expect(fillEllipse(five, { x: 0, y: 0 }, { x: 4.9, y: 4.9 }, 1)).toBe(21);
    expect(rows(five)).toEqual(['01110', '11111', '11111', '11111', '01110']);
    const three = blank(3, 3);
    expect(fillEllipse(three, { x: 0, y: 0 }, { x: 2, y: 2 }, 1)).toBe(9);
  });
});

describe('polygon', () => {
  it('fills the pixels whose centres are inside a right triangle', () => {
    const m = blank(4, 4);
    expect(fillPolygon(m, [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 0, y: 4 }], 1)).toBe(6);
    expect(rows(m)).toEqual(['1110', '1100', '1000', '0000']);
  });

  it('fills a square outline exactly and needs at least three points', () => {
    const m = blank(4, 4);
    expect(fillPolygon(m, [{ x: 1, y: 1 }, { x: 3, y: 1 }, { x: 3, y: 3 }, { x: 1, y: 3 }], 2)).toBe(4);
    expect(rows(m)).toEqual(['0000', '0220', '0220', '0000']);
    expect(fillPolygon(m, [{ x: 0, y: 0 }, { x: 4, y: 4 }], 1)).toBe(0);
  });
});

describe('flood fill', () => {
  it('fills up to a drawn wall and no further', () => {
    const m = blank(4, 3);
    m.data.set([0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(floodFill(m, { x: 0.5, y: 0.5 }, 2)).toBe(6);
    expect(rows(m)).toEqual(['2210', '2210', '2210']);
  });

  it('does not leak through a diagonal (4-connected)', () => {
    const m = blank(3, 3);
    m.data.set([0, 0, 1, 0, 1, 0, 1, 0, 0]);
    expect(floodFill(m, { x: 0, y: 0 }, 2)).toBe(3);
    expect(rows(m)).toEqual(['221', '210', '100']);
  });

  it('follows the image within the tolerance when given one', () => {
    const m = blank(4, 1);
    const image = Uint8Array.from([10, 12, 50, 11]);
    expect(floodFill(m, { x: 0, y: 0 }, 1, image, 5)).toBe(2);
    expect(rows(m)).toEqual(['1100']);
  });

  it('changes nothing when the region already holds the value or the start is outside', () => {
    const m = blank(2, 2);
    expect(floodFill(m, { x: 0, y: 0 }, 0)).toBe(0);
    expect(floodFill(m, { x: -1, y: 0 }, 1)).toBe(0);
  });
});

it('clears every pixel', () => {
  const m = blank(2, 2);
  m.data.set([1, 0, 2, 0]);
  expect(clearMask(m)).toBe(2);
  expect(rows(m)).toEqual(['00', '00']);
});

it('brings values beyond the labels (an imported 0/255 mask) to the first label', () => {
  const m = blank(4, 1);
  m.data.set([0, 255, 2, 3]);
  expect(limitLabels(m, 2)).toBe(2);
  expect(rows(m)).toEqual(['0121']);
});
