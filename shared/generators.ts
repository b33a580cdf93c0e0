// The benchmark generators as the UI and API see them: parameters (zod, with the published
// defaults), classes, and the ground-truth mask kinds each provides.
import { z } from 'zod';

import { maskKinds, type MaskKind } from './mask-kinds.js';

export { maskKindLabels, maskKinds, type MaskKind } from './mask-kinds.js';

/** How wide the edge band and how large the corner discs are, in pixels. */
export const maskOptionsSchema = z
  .object({
    edgeWidth: z.number().min(0.5).max(16).default(1.5),
    /** Corner disc radius as a fraction of the shape's circumradius. */
    cornerRadius: z.number().min(0.05).max(1).default(0.25),
  })
  .strict();
export type MaskOptions = z.output<typeof maskOptionsSchema>;

const splitSchema = z
  .object({
    train: z.number().min(0).max(1),
    validation: z.number().min(0).max(1),
    test: z.number().min(0).max(1),
  })
  .strict()
  .refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, { message: 'the split fractions must add up to 1' });

/** Parameters every generator shares. */
const common = {
  count: z.int().min(2).max(2_000_000),
  seed: z.int().min(0).max(0xffffffff).default(1),
  split: splitSchema.default({ train: 0.5, validation: 0.2, test: 0.3 }),
  /** Standard deviation of additive Gaussian noise, in grey levels of [0, 1]. */
  noise: z.number().min(0).max(1).default(0),
  /** Minimum |foreground − background| grey difference; draws below it are repeated. */
  minContrast: z.number().min(0).max(0.9).default(0),
};

export const generatorSchemas = {
  'triangles-squares': z
    .object({
      ...common,
      count: common.count.default(100_000),
      size: z.int().min(16).max(256).default(32),
      /** Circumradius as a fraction of size/2 (the study: 0.8). */
      radius: z.number().min(0.2).max(0.95).default(0.8),
      /** false: the study's pixel-exact filling (rounded vertices, cross filter); true: supersampled. */
      antialias: z.boolean().default(false),
      samples: z.int().min(2).max(16).default(4),
    })
    .strict(),
  'triangles-squares-scaled': z
    .object({
      ...common,
      count: common.count.default(100_000),
      size: z.int().min(16).max(256).default(64),
      radiusMin: z.number().min(0.1).max(1).default(0.3),
      radiusMax: z.number().min(0.1).max(1).default(0.95),
      /** Largest shift of the centre, as a fraction of size/2; 0 keeps shapes centred. */
      jitter: z.number().min(0).max(0.5).default(0),
      antialias: z.boolean().default(true),
      samples: z.int().min(2).max(16).default(4),
    })
    .strict()
    .refine((p) => p.radiusMin <= p.radiusMax, { message: 'radiusMin must not exceed radiusMax', path: ['radiusMin'] }),
  'counting-circles': z
    .object({
      ...common,
      count: common.count.default(20_000),
      size: z.int().min(16).max(256).default(64),
      /** Images hold 1..maxCircles circles; the label is the count. */
      maxCircles: z.int().min(2).max(12).default(5),
      /** Radius range in pixels. */
      radiusMin: z.number().min(1).max(64).default(3),
      radiusMax: z.number().min(1).max(64).default(8),
      /** Minimum gap between circles, in pixels. */
      gap: z.number().min(0).max(16).default(1),
      antialias: z.boolean().default(true),
      samples: z.int().min(2).max(16).default(4),
    })
    .strict()
    .refine((p) => p.radiusMin <= p.radiusMax, { message: 'radiusMin must not exceed radiusMax', path: ['radiusMin'] }),
  'circles-triangles': z
    .object({
      ...common,
      count: common.count.default(10_000),
      size: z.int().min(16).max(256).default(64),
      /** Radius (triangle circumradius) range as a fraction of size (DIANNA: 0.2–0.48). */
      radiusMin: z.number().min(0.05).max(0.5).default(0.2),
      radiusMax: z.number().min(0.05).max(0.5).default(0.48),
      /** Supersampling factor and Gaussian blur at that scale (DIANNA: 7×, 7×7 taps, σ 2.1). */
      supersample: z.int().min(1).max(9).default(7),
      blurSigma: z.number().min(0).max(8).default(2.1),
    })
    .strict()
    .refine((p) => p.radiusMin <= p.radiusMax, { message: 'radiusMin must not exceed radiusMax', path: ['radiusMin'] })
    .refine((p) => p.supersample % 2 === 1, { message: 'supersample must be odd, so that each pixel has a centre sample', path: ['supersample'] }),
} as const;

export type GeneratorId = keyof typeof generatorSchemas;
export const generatorIds = Object.keys(generatorSchemas) as GeneratorId[];
export type GeneratorParams<G extends GeneratorId> = z.output<(typeof generatorSchemas)[G]>;
export type GeneratorInput<G extends GeneratorId> = z.input<(typeof generatorSchemas)[G]>;

export interface GeneratorInfo {
  id: GeneratorId;
  label: string;
  description: string;
  citation: string;
  maskKinds: readonly MaskKind[];
}

export const generatorInfo: { [G in GeneratorId]: GeneratorInfo } = {
  'triangles-squares': {
    id: 'triangles-squares',
    label: 'Triangles & Squares',
    description:
      'A triangle or a square, centred, randomly rotated, with random foreground and background grey (32×32). Pixel-exact as in the original generator.',
    citation: 'Ranguelova, Pauwels, Berkhout, IEEE eScience 2018, pp. 377–378 (create_shapes_2.m, create_bands_1.m)',
    maskKinds: ['object', 'band', 'edges', 'corners', 'instances'],
  },
  'triangles-squares-scaled': {
    id: 'triangles-squares-scaled',
    label: 'Triangles & Squares, scaled',
    description: 'The 64×64 "scale + rotation" variant: random rotation and random size, anti-aliased.',
    citation: 'Ranguelova, Pauwels, Berkhout, IEEE eScience 2018 (its generator was not published; rebuilt from the description)',
    maskKinds: ['object', 'band', 'edges', 'corners', 'instances'],
  },
  'counting-circles': {
    id: 'counting-circles',
    label: 'Counting circles',
    description: 'One to K non-overlapping circles of random size and position; the label is how many there are.',
    citation: 'After the counting-circles set of the NLeSC XAI project (foreground_objects_create_dataset.m)',
    maskKinds: ['object', 'band', 'edges', 'instances'],
  },
  'circles-triangles': {
    id: 'circles-triangles',
    label: 'Circles vs triangles (DIANNA)',
    description: 'DIANNA\u2019s "simple geometric shapes": a circle or a triangle of random size and rotation, supersampled and blurred.',
    citation: 'DIANNA (dianna-ai/dianna), simple geometric shapes dataset',
    maskKinds: ['object', 'band', 'edges', 'corners', 'instances'],
  },
};
