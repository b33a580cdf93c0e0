// Colours of an annotation set's region labels (value k = label k − 1), and the mask as a picture
// in them: transparent where unmarked, drawn over the image at the chosen opacity.
import { labelColours } from '../../../shared/annotations.js';
import { hexToRgb } from '../pixels.js';

export { labelColours };

export function labelColour(value: number): string {
  return labelColours[(value - 1) % labelColours.length]!;
}

/** RGBA bytes of the mask: label colours, alpha 255 where marked and 0 elsewhere. */
export function maskRgba(mask: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const palette = labelColours.map(hexToRgb);
  const out = new Uint8ClampedArray(new ArrayBuffer(mask.length * 4));
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i]!;
    if (v === 0) continue;
    const [r, g, b] = palette[(v - 1) % palette.length]!;
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = 255;
  }
  return out;
}
