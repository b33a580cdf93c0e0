// Words for generator parameters, for forms and fact tables. The schemas in shared/generators.ts
// carry ranges and defaults but no titles yet; a `title`/`description` in a schema's JSON Schema
// wins over these (see schema-fields.ts), so this table can shrink once the schemas say it.
import type { GeneratorId } from '../../shared/generators.js';

export interface ParamWords {
  label: string;
  help?: string;
  unit?: string;
  group?: 'Dataset' | 'Shape' | 'Rendering';
  /** A boolean parameter this one only matters with. */
  dependsOn?: string;
  /** The glossary anchor explaining this parameter (resources/help/glossary.md). */
  term?: string;
}

const common: Record<string, ParamWords> = {
  count: { label: 'Images', help: 'How many images to generate, all splits together.', group: 'Dataset' },
  split: { label: 'Split', help: 'Fractions for training, validation and test; they must add up to 1.', group: 'Dataset' },
  seed: { label: 'Seed', help: 'The same parameters and seed give byte-identical files.', group: 'Dataset' },
  size: { label: 'Size', unit: 'px', help: 'Width and height of every image.', group: 'Dataset' },
  radius: { label: 'Radius', unit: '× size/2', help: 'Circumradius as a fraction of half the size (the study: 0.8).', group: 'Shape' },
  radiusMin: { label: 'Smallest radius', unit: '× size/2', help: 'Circumradius range, as a fraction of half the size.', group: 'Shape' },
  radiusMax: { label: 'Largest radius', unit: '× size/2', group: 'Shape' },
  jitter: { label: 'Position jitter', unit: '× size/2', help: 'Largest shift of the centre; 0 keeps shapes centred.', group: 'Shape' },
  maxCircles: { label: 'Most circles (K)', help: 'Each image holds 1 to K circles; the label is the count.', group: 'Shape' },
  gap: { label: 'Gap', unit: 'px', help: 'Smallest distance between two circles.', group: 'Shape' },
  minContrast: { label: 'Minimum contrast', help: '|foreground − background| grey; draws below it are repeated (0 as in the original).', group: 'Shape' },
  antialias: { label: 'Anti-aliasing', help: 'Supersample every pixel. Off: pixel-exact filling.', group: 'Rendering' },
  samples: { label: 'Samples per side', help: 'Supersampling factor when anti-aliasing.', group: 'Rendering', dependsOn: 'antialias' },
  supersample: { label: 'Supersampling', unit: '×', help: 'Odd, so that each pixel has a centre sample (DIANNA: 7).', group: 'Rendering' },
  blurSigma: { label: 'Blur σ', unit: 'px', help: 'Gaussian blur at the supersampled scale (DIANNA: 2.1).', group: 'Rendering' },
  noise: { label: 'Noise σ', help: 'Additive Gaussian noise, in grey levels of [0, 1]; 0 for none.', group: 'Rendering' },
};

const perGenerator: Partial<Record<GeneratorId, Record<string, Partial<ParamWords>>>> = {
  'counting-circles': {
    radiusMin: { unit: 'px', help: 'Circle radius range, in pixels.' },
    radiusMax: { unit: 'px' },
  },
  'circles-triangles': {
    radiusMin: { unit: '× size', help: 'Radius (triangle circumradius) range as a fraction of the size (DIANNA: 0.2–0.48).' },
    radiusMax: { unit: '× size' },
  },
};

/** "radiusMin" → "Radius min", for parameters this table does not know. */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function paramWords(key: string, generator?: GeneratorId): ParamWords {
  const base = common[key] ?? { label: humanize(key) };
  return { ...base, ...(generator ? perGenerator[generator]?.[key] : undefined) };
}
