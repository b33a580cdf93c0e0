// Colormaps as lookup tables built from matplotlib's published definitions (lib/matplotlib/_cm.py
// for RdBu, bwr and hot; _cm_listed.py for viridis and inferno, van der Walt & Smith 2015).
// Diverging maps put zero at their neutral centre; sequential maps run from low to high.

export type ColormapId = 'RdBu' | 'bwr' | 'viridis' | 'inferno' | 'hot' | 'grey';
export type ColormapKind = 'diverging' | 'sequential';

/** Odd, so that zero of a symmetric range has an entry of its own: index (LUT_SIZE − 1) / 2. */
export const LUT_SIZE = 257;

type Rgb = readonly [number, number, number];
/** Per channel, (x, value) breakpoints over [0, 1] as in matplotlib's segment data. */
type Segments = readonly [readonly (readonly [number, number])[], readonly (readonly [number, number])[], readonly (readonly [number, number])[]];

export interface Colormap {
  id: ColormapId;
  label: string;
  kind: ColormapKind;
  /** LUT_SIZE × RGBA, alpha 255. */
  lut: Uint8ClampedArray;
}

/** Evenly spaced colours (a ListedColormap or ColorBrewer list) as segments. */
function listed(colours: readonly Rgb[]): Segments {
  const at = (c: 0 | 1 | 2) => colours.map((rgb, i) => [i / (colours.length - 1), rgb[c]] as const);
  return [at(0), at(1), at(2)];
}

function hex(code: string): Rgb {
  return [parseInt(code.slice(1, 3), 16) / 255, parseInt(code.slice(3, 5), 16) / 255, parseInt(code.slice(5, 7), 16) / 255];
}

/** Linear interpolation between breakpoints, as matplotlib's LinearSegmentedColormap does. */
function channelAt(points: readonly (readonly [number, number])[], x: number): number {
  for (let i = 1; i < points.length; i++) {
    const [x1, v1] = points[i]!;
    if (x <= x1) {
      const [x0, v0] = points[i - 1]!;
      return x1 === x0 ? v1 : v0 + ((x - x0) / (x1 - x0)) * (v1 - v0);
    }
  }
  return points[points.length - 1]![1];
}

function buildLut(segments: Segments): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const x = i / (LUT_SIZE - 1);
    for (let c = 0; c < 3; c++) lut[i * 4 + c] = Math.round(channelAt(segments[c as 0 | 1 | 2], x) * 255);
    lut[i * 4 + 3] = 255;
  }
  return lut;
}

// ColorBrewer RdBu (Brewer 2002), as matplotlib's _RdBu_data, reversed so that negative is blue and
// positive red, the convention of relevance heatmaps (Samek et al. 2017). Colour-blind safe.
export const rdBuAnchors: readonly Rgb[] = ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f'].map(hex);

// matplotlib _bwr_data: blue, white, red.
export const bwrAnchors: readonly Rgb[] = [
  [0, 0, 1],
  [1, 1, 1],
  [1, 0, 0],
];

// Every 16th entry (0, 16, …, 240) and the last (255) of matplotlib's 256-entry _viridis_data.
export const viridisAnchors: readonly Rgb[] = [
  [0.267004, 0.004874, 0.329415], [0.282327, 0.094955, 0.417331], [0.278826, 0.17549, 0.483397], [0.258965, 0.251537, 0.524736],
  [0.229739, 0.322361, 0.545706], [0.19943, 0.387607, 0.554642], [0.172719, 0.448791, 0.557885], [0.149039, 0.508051, 0.55725],
  [0.127568, 0.566949, 0.550556], [0.120638, 0.625828, 0.533488], [0.157851, 0.683765, 0.501686], [0.24607, 0.73891, 0.452024],
  [0.369214, 0.788888, 0.382914], [0.515992, 0.831158, 0.294279], [0.678489, 0.863742, 0.189503], [0.845561, 0.887322, 0.099702],
  [0.993248, 0.906157, 0.143936],
];

// The same entries of matplotlib's _inferno_data.
export const infernoAnchors: readonly Rgb[] = [
  [0.001462, 0.000466, 0.013866], [0.042253, 0.028139, 0.141141], [0.129285, 0.047293, 0.290788], [0.238273, 0.036621, 0.396353],
  [0.3415, 0.062325, 0.429425], [0.441207, 0.099338, 0.431594], [0.54092, 0.134729, 0.415123], [0.640135, 0.171438, 0.381065],
  [0.735683, 0.215906, 0.330245], [0.822386, 0.275197, 0.266085], [0.894305, 0.353399, 0.193584], [0.946965, 0.449191, 0.115272],
  [0.978422, 0.557937, 0.034931], [0.987874, 0.675267, 0.065257], [0.974638, 0.797692, 0.206332], [0.947594, 0.917399, 0.410665],
  [0.988362, 0.998364, 0.644924],
];

/** Positions of the listed anchors: 0, 16/255, …, 240/255, 1 (the entries' own places in the 256-entry table). */
function sampledListed(colours: readonly Rgb[]): Segments {
  const xs = colours.map((_, i) => (i === colours.length - 1 ? 1 : (i * 16) / 255));
  const at = (c: 0 | 1 | 2) => colours.map((rgb, i) => [xs[i]!, rgb[c]] as const);
  return [at(0), at(1), at(2)];
}

// matplotlib _hot_data: black → red → yellow → white.
export const hotSegments: Segments = [
  [[0, 0.0416], [0.365079, 1], [1, 1]],
  [[0, 0], [0.365079, 0], [0.746032, 1], [1, 1]],
  [[0, 0], [0.746032, 0], [1, 1]],
];

const definitions: { id: ColormapId; label: string; kind: ColormapKind; segments: Segments }[] = [
  { id: 'RdBu', label: 'RdBu (blue − · red +)', kind: 'diverging', segments: listed(rdBuAnchors) },
  { id: 'bwr', label: 'bwr (blue − · red +)', kind: 'diverging', segments: listed(bwrAnchors) },
  { id: 'viridis', label: 'viridis', kind: 'sequential', segments: sampledListed(viridisAnchors) },
  { id: 'inferno', label: 'inferno', kind: 'sequential', segments: sampledListed(infernoAnchors) },
  { id: 'hot', label: 'hot', kind: 'sequential', segments: hotSegments },
  { id: 'grey', label: 'grey', kind: 'sequential', segments: listed([[0, 0, 0], [1, 1, 1]]) },
];

export const colormaps: readonly Colormap[] = definitions.map(({ segments, ...rest }) => ({ ...rest, lut: buildLut(segments) }));

export function colormap(id: ColormapId): Colormap {
  return colormaps.find((c) => c.id === id) ?? colormaps[0]!;
}

/** The LUT index of a value for the scale m: diverging maps cover [−m, m], sequential ones [lo, m] (see colour-scale.ts). */
export function lutIndex(value: number, m: number, kind: ColormapKind, lo = 0): number {
  if (!(m > (kind === 'diverging' ? 0 : lo)) || !Number.isFinite(value)) return kind === 'diverging' ? (LUT_SIZE - 1) / 2 : 0;
  const t = kind === 'diverging' ? (value / m + 1) / 2 : (value - lo) / (m - lo);
  return Math.round(Math.min(1, Math.max(0, t)) * (LUT_SIZE - 1));
}

/** The value range a colormap shows for the scale m. */
export function valueRange(m: number, kind: ColormapKind): [number, number] {
  return kind === 'diverging' ? [-m, m] : [0, m];
}

/** WCAG relative luminance of an 8-bit sRGB colour, 0 (black) to 1 (white). */
export function luminance(r: number, g: number, b: number): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
