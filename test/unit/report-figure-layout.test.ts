// The paper figure's geometry: journal widths in pixels at 300 dpi, colour-bar ticks where their
// values are and labels that neither overlap nor leave their column, and no label clipped — every
// piece of text fits its box by the width estimate, and the estimate itself is checked against
// librsvg drawing the same text in DejaVu Sans (the oracle: measured ink never exceeds it).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FIGURE_DPI, figurePixels, journalWidths } from '../../shared/study-report.js';
import { barExponent, barTicks, figureLayout, MIN_TILE, PT_PER_MM, textExtent, TICK_SIZE, unitLabel, type FigureSpec } from '../../main/study/report/figure-layout.js';
import { FIGURE_FONT, textWidth, wrapText } from '../../main/study/report/text-width.js';

const longLabels = [
  'LRP EpsilonAlpha2Beta1Flat (flat first, α2β1 conv, ε dense)',
  'Integrated Gradients',
  'Guided Grad-CAM',
  'Sensitivity',
  'WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW',
];

function spec(overrides: Partial<FigureSpec> = {}): FigureSpec {
  return {
    width: 'single',
    rowLabels: [['#12', 'triangle'], ['#99999', 'a class with a very long name indeed']],
    imageHeader: 'Image',
    groups: [{ label: null, columns: longLabels.slice(0, 3) }],
    aspect: 1,
    bars: [{ lo: -0.0123, hi: 0.0123 }, { lo: 0.48, hi: 0.52 }, { lo: -6.2e-4, hi: 6.2e-4 }],
    legend: 'Each heatmap column has its own colour scale and bar: RdBu centred on 0 over ±m.',
    ...overrides,
  };
}

/** The width of the ink librsvg draws for `text` at `size` px in the figures' font. */
async function inkWidth(text: string, size: number, bold = false): Promise<number> {
  const width = Math.ceil(textWidth(text, size, bold)) + 4 * size;
  const height = Math.ceil(size * 2);
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/><text x="0" y="${size * 1.4}" font-size="${size}"${bold ? ' font-weight="bold"' : ''} font-family="${FIGURE_FONT.replace(/'/g, '')}">${escaped}</text></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
  let right = -1;
  for (let x = 0; x < info.width; x++) for (let y = 0; y < info.height; y++) if (data[y * info.width + x]! < 250) right = Math.max(right, x);
  return right + 1;
}

describe('paper figure geometry', () => {
  it('gives PNG widths of 85 and 174 mm at 300 dpi', () => {
    expect(FIGURE_DPI).toBe(300);
    expect(figurePixels('single')).toBe(Math.round((85 / 25.4) * 300));
    expect(figurePixels('single')).toBe(1004);
    expect(figurePixels('double')).toBe(2055);
    expect(journalWidths.single.mm * PT_PER_MM).toBeCloseTo(240.94, 2);
  });

  it('never estimates a label narrower than librsvg draws it in DejaVu Sans', async () => {
    for (const label of [...longLabels, '−0.0123', '6.22e−4', '×10⁻⁴', '#12345 triangle', 'Relevance mass accuracy ↑', 'Occlusion (4×4 px, stride 2)']) {
      for (const bold of [false, true]) {
        const ink = await inkWidth(label, 40, bold);
        expect(ink, `${label}${bold ? ' (bold)' : ''}`).toBeGreaterThan(0);
        expect(ink, `${label}${bold ? ' (bold)' : ''}`).toBeLessThanOrEqual(textWidth(label, 40, bold) + 1);
      }
    }
  });

  it('wraps a label into lines that fit without losing a character, breaking inside a word only when the word alone is too wide', () => {
    for (const label of longLabels) {
      for (const width of [20, 35, 60, 120]) {
        const lines = wrapText(label, width, 7);
        for (const line of lines) if ([...line].length > 1) expect(textWidth(line, 7), `${line} in ${width}`).toBeLessThanOrEqual(width);
        expect(lines.join('').replace(/\s+/g, '')).toBe(label.replace(/\s+/g, ''));
      }
    }
    expect(wrapText('LRP ε', 200, 7)).toEqual(['LRP ε']);
    expect(wrapText('Integrated Gradients', textWidth('Integrated', 7) + 0.1, 7)).toEqual(['Integrated', 'Gradients']);
  });

  it('puts every label inside its own box and the figure, for one and for several models, at both widths', () => {
    const cases: FigureSpec[] = [
      spec(),
      spec({ width: 'double', groups: [{ label: 'LeNet-5 on Triangles & Squares 64×64 scale + rotation', columns: longLabels.slice(0, 3) }, { label: 'tiny-cnn', columns: longLabels.slice(3, 5) }], bars: [...spec().bars, { lo: 0, hi: 1 }, { lo: -250000, hi: 250000 }] }),
    ];
    for (const s of cases) {
      const layout = figureLayout(s);
      expect(layout.width).toBeCloseTo(journalWidths[s.width].mm * PT_PER_MM, 6);
      for (const t of layout.texts) {
        const { left, right } = textExtent(t);
        expect(left, t.text).toBeGreaterThanOrEqual(t.box.left - 1e-9);
        expect(right, t.text).toBeLessThanOrEqual(t.box.right + 1e-9);
        expect(left).toBeGreaterThanOrEqual(0);
        expect(right).toBeLessThanOrEqual(layout.width);
        expect(t.y).toBeLessThanOrEqual(layout.height);
      }
      for (const tile of layout.tiles) {
        expect(tile.x + tile.width).toBeLessThanOrEqual(layout.width);
        expect(tile.y + tile.height).toBeLessThanOrEqual(layout.height);
      }
      // Every label text of the spec appears whole, in order, across its lines.
      const all = layout.texts.map((t) => t.text).join(' ').replace(/\s+/g, '');
      for (const label of s.groups.flatMap((g) => g.columns)) expect(all).toContain(label.replace(/\s+/g, '').slice(0, 8));
    }
  });

  it('places ticks where their values lie on the bar, labels apart and inside the column', () => {
    for (const [lo, hi] of [[-0.0135, 0.0135], [0.48, 0.52], [0, 1], [-2.5, 2.5], [-6.2e-4, 6.2e-4], [0, 250000], [3, 3]] as const) {
      for (const width of [MIN_TILE, 40, 90]) {
        const { ticks, texts } = barTicks(lo, hi, 10, width, 0);
        expect(ticks.length).toBeGreaterThanOrEqual(1);
        for (const t of ticks) {
          expect(t.x).toBeCloseTo(hi > lo ? 10 + ((t.value - lo) / (hi - lo)) * width : 10, 6);
          expect(t.value).toBeGreaterThanOrEqual(lo - 1e-12 * Math.abs(hi - lo));
          expect(t.value).toBeLessThanOrEqual(hi + 1e-12 * Math.abs(hi - lo));
        }
        const byLine = new Map<number, { left: number; right: number }[]>();
        for (const t of texts) {
          const e = textExtent(t);
          expect(e.left, `${t.text} at ${width}`).toBeGreaterThanOrEqual(10 - 1e-9);
          expect(e.right, `${t.text} at ${width}`).toBeLessThanOrEqual(10 + width + 1e-9);
          byLine.set(t.y, [...(byLine.get(t.y) ?? []), e]);
        }
        for (const line of byLine.values()) for (let i = 1; i < line.length; i++) expect(line[i]!.left).toBeGreaterThan(line[i - 1]!.right);
      }
    }
  });

  it('writes tiny or huge colour-bar values in units of a power of ten, and ordinary ones as they are', () => {
    expect(barExponent(-6.2e-4, 6.2e-4)).toBe(-4);
    expect(barExponent(0, 250000)).toBe(5);
    expect(barExponent(-0.0135, 0.0135)).toBe(0);
    expect(barExponent(0, 0)).toBe(0);
    expect(unitLabel(-4)).toBe('×10⁻⁴');
    const { ticks, texts } = barTicks(-6.2e-4, 6.2e-4, 0, 60, 0);
    expect(texts.at(-1)!.text).toBe('×10⁻⁴');
    // The labels read in that unit: −5, 0 and 5 stand for −5e−4, 0 and 5e−4.
    expect(texts.slice(0, -1).map((t) => t.text)).toEqual(ticks.map((t) => (t.value === 0 ? '0' : `${t.value < 0 ? '−' : ''}${Math.abs(t.value) * 1e4}`)));
    expect(texts[0]!.size).toBe(TICK_SIZE);
  });

  it('refuses, in one sentence, more columns than fit the width', () => {
    const many = Array.from({ length: 12 }, (_, k) => `Method ${k}`);
    expect(() => figureLayout(spec({ groups: [{ label: null, columns: many }], bars: many.map(() => ({ lo: -1, hi: 1 })) }))).toThrow(/^13 columns do not fit a single column, 85 mm figure \(each would be \d+\.\d mm wide\); choose fewer methods or the double-column width\.$/);
  });
});
