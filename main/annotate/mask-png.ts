// Label masks as palette PNGs (PNG spec, W3C 2003, colour type 3): the pixel index is the label
// value, so numpy/Pillow read the values (np.array(Image.open(f))) while viewers show the labels'
// colours on black. Unfiltered rows, deflated by zlib: masks are mostly runs of one value.
import { labelColours } from '../../shared/annotations.js';
import { writePng } from '../workspace/images/png-writer.js';

/** The palette of a set with `labels` labels: black for 0, then the label colours. */
export function maskPalette(labels: number): [number, number, number][] {
  const colours: [number, number, number][] = [[0, 0, 0]];
  for (let k = 1; k <= labels; k++) {
    const hex = labelColours[(k - 1) % labelColours.length]!;
    colours.push([parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)]);
  }
  return colours;
}

/** A [height, width] mask with values 0 … labels as an 8-bit palette PNG. */
export function encodeMaskPng(mask: Uint8Array, width: number, height: number, labels: number): Uint8Array {
  const palette = maskPalette(labels);
  const plte = Uint8Array.from(palette.flat());
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(mask.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return writePng(3, width, height, raw, plte);
}
