// ROAD's noisy linear imputation (Rong, Leemann, Borisov, Kasneci & Kasneci, ICML 2022, "A Consistent
// and Efficient Evaluation Strategy for Attribution Methods", §4): every removed pixel becomes the
// weighted mean of its 8 neighbours — direct ones 1/6, diagonals 1/12, renormalised over those
// inside the image — where removed neighbours are themselves unknowns and kept ones hold the
// ORIGINAL image's values; the sparse linear system is solved per channel and Gaussian noise is
// added to each imputed value. Filling removed pixels from what surrounds them, rather than with a
// constant, keeps the removal mask's shape from telling the model which class it hid ("class
// information leakage", the paper's §3).
import { z } from 'zod';
import type { Random } from '../../numeric/random.js';
import type { PerturbationSource, Perturber } from './perturber.js';

/** Neighbour offsets [dy, dx] and weights (the paper's reference code): edges 1/6, corners 1/12, summing to 1. */
export const ROAD_NEIGHBOURS: readonly (readonly [number, number, number])[] = [
  [-1, -1, 1 / 12],
  [-1, 0, 1 / 6],
  [-1, 1, 1 / 12],
  [0, -1, 1 / 6],
  [0, 1, 1 / 6],
  [1, -1, 1 / 12],
  [1, 0, 1 / 6],
  [1, 1, 1 / 12],
];

/**
 * The solver stops when every imputed pixel differs from the weighted mean of its neighbours by at
 * most this share of the channel's input range (max |r_i| / d_i, the Jacobi-scaled residual). The
 * error can exceed the residual where few pixels are kept (M is then nearly singular): on 32×32
 * masks with 1 to 1,019 kept pixels the worst error against an exact dense solve was 2·10⁻⁵ of the
 * range, and the unit tests hold it below 10⁻⁴ — a hundredth of the default noise σ. A tolerance of 10⁻⁵ needs a
 * fifth fewer iterations but lets that error reach 3·10⁻⁴.
 */
export const ROAD_TOLERANCE = 1e-6;

/** Rong et al.'s σ 0.01 on images in [0, 1] (their NoisyLinearImputer(noise=0.01), before normalisation). */
export const ROAD_NOISE = 0.01;

export const roadNoiseParam = z
  .number()
  .min(0)
  .max(1)
  .default(ROAD_NOISE)
  .describe(
    'σ of the Gaussian noise added to each pixel of the noisy linear imputation (ROAD), as a share of the channel’s input range: Rong et al.’s 0.01 on images in [0, 1], the same in any preprocessing.',
  );

/**
 * A perturber for one image: remove() imputes the union of every pixel removed since the last
 * reset(), from the original image — as ROAD imputes its whole removal mask at once — and writes
 * all of them (earlier ones change too, now that they have fewer kept neighbours).
 *
 * Internally every per-pixel array lives on the image grid padded by one pixel all round, so the
 * 8 neighbours of position a are a + OFFSETS[k] without bounds checks.
 */
export class NoisyLinearImputation implements Perturber {
  readonly #source: PerturbationSource;
  readonly #rng: Random;
  readonly #sigma: number[];
  readonly #tolerance: number[];
  readonly #means: number[];
  readonly #stride: number;
  readonly #area: number;
  readonly #offsets: Int32Array;
  readonly #weights: Float64Array;
  /** Padded: −1 outside the image, 0 kept, 1 removed (until reset). */
  readonly #state: Int8Array;
  /** Padded: removed by the latest call, so without a previous solution to start from. */
  readonly #fresh: Uint8Array;
  /** Padded: d_a, the weight of a's in-image neighbours (1 inside, 2/3 on an edge, 5/12 in a corner). */
  readonly #diagonal: Float64Array;
  /** Padded, per channel: the original image (0 outside). */
  readonly #original: Float64Array;
  /** Padded, per channel: the noiseless imputation, the next solve's warm start. */
  readonly #solution: Float64Array;
  /** Per channel and pixel: the noise of a removed pixel. */
  readonly #noise: Float64Array;
  /** The removed pixels (unpadded) in the order they were removed; the first #count are current. */
  readonly #order: Int32Array;
  #count = 0;
  /** This solve's unknowns (padded positions): the components of removed pixels that hold a fresh one. */
  readonly #members: Int32Array;
  /** Padded: a position's index among the members, −1 for none. */
  readonly #local: Int32Array;
  readonly #b: Float64Array;
  // CG's vectors, for one channel after another: x, r, z and q by member, the search direction padded (zero off the members).
  readonly #x: Float64Array;
  readonly #r: Float64Array;
  readonly #z: Float64Array;
  readonly #q: Float64Array;
  readonly #direction: Float64Array;

  /**
   * @param noise σ as a share of each channel's input range (`roadNoiseParam`).
   * @param tolerance as ROAD_TOLERANCE: a share of each channel's input range.
   */
  constructor(source: PerturbationSource, rng: Random, noise: number, tolerance = ROAD_TOLERANCE) {
    const { channels, plane, height, width, bounds, image } = source;
    this.#source = source;
    this.#rng = rng;
    const range = (c: number) => {
      const span = bounds.high[c]! - bounds.low[c]!;
      return span > 0 ? span : 1;
    };
    this.#sigma = Array.from({ length: channels }, (_, c) => noise * range(c));
    this.#tolerance = Array.from({ length: channels }, (_, c) => tolerance * range(c));
    this.#means = Array.from({ length: channels }, (_, c) => {
      let s = 0;
      for (let p = 0; p < plane; p++) s += image[c * plane + p]!;
      return s / plane;
    });
    const stride = width + 2;
    const area = (height + 2) * stride;
    this.#stride = stride;
    this.#area = area;
    this.#offsets = Int32Array.from(ROAD_NEIGHBOURS, ([dy, dx]) => dy * stride + dx);
    this.#weights = Float64Array.from(ROAD_NEIGHBOURS, ([, , w]) => w);
    this.#state = new Int8Array(area).fill(-1);
    this.#original = new Float64Array(channels * area);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const a = (y + 1) * stride + x + 1;
        this.#state[a] = 0;
        for (let c = 0; c < channels; c++) this.#original[c * area + a] = image[c * plane + y * width + x]!;
      }
    this.#diagonal = new Float64Array(area);
    for (let a = 0; a < area; a++) {
      if (this.#state[a] === -1) continue;
      let d = 0;
      // Out-of-image neighbours drop out and the rest are renormalised (the reference's sum_neighbors).
      for (let k = 0; k < 8; k++) if (this.#state[a + this.#offsets[k]!] !== -1) d += this.#weights[k]!;
      this.#diagonal[a] = d;
    }
    this.#fresh = new Uint8Array(area);
    this.#solution = new Float64Array(channels * area);
    this.#noise = new Float64Array(channels * plane);
    this.#order = new Int32Array(plane);
    this.#members = new Int32Array(plane);
    this.#local = new Int32Array(area).fill(-1);
    this.#b = new Float64Array(plane);
    this.#x = new Float64Array(plane);
    this.#r = new Float64Array(plane);
    this.#z = new Float64Array(plane);
    this.#q = new Float64Array(plane);
    this.#direction = new Float64Array(area);
  }

  #at(p: number): number {
    const width = this.#source.width;
    const y = Math.floor(p / width);
    return (y + 1) * this.#stride + (p - y * width) + 1;
  }

  reset(): void {
    for (let k = 0; k < this.#count; k++) this.#state[this.#at(this.#order[k]!)] = 0;
    this.#count = 0;
  }

  remove(image: Float32Array, pixels: Int32Array): void {
    const { channels, plane } = this.#source;
    const area = this.#area;
    let fresh = 0;
    for (const p of pixels) {
      const a = this.#at(p);
      if (this.#state[a] === 1) continue;
      this.#state[a] = 1;
      this.#fresh[a] = 1;
      this.#order[this.#count++] = p;
      fresh++;
      // One draw per pixel and channel when it is removed, kept while it stays removed: each
      // step's image has the noise of a one-shot imputation of its mask, and the curve's steps
      // share it (common random numbers), so a curve wiggles less than with fresh noise each step.
      for (let c = 0; c < channels; c++) this.#noise[c * plane + p] = this.#sigma[c]! > 0 ? this.#sigma[c]! * this.#rng.normal() : 0;
    }
    if (fresh > 0) {
      if (this.#count === plane) this.#fillSingular();
      else {
        const m = this.#gatherMembers(pixels);
        for (let c = 0; c < channels; c++) this.#solve(c, m);
        for (let i = 0; i < m; i++) this.#local[this.#members[i]!] = -1;
      }
      for (const p of pixels) this.#fresh[this.#at(p)] = 0;
    }
    // Every removed pixel, so the image holds the imputation of the whole mask even if the caller's copy did not.
    for (let k = 0; k < this.#count; k++) {
      const p = this.#order[k]!;
      const a = this.#at(p);
      for (let c = 0; c < channels; c++) image[c * plane + p] = this.#solution[c * area + a]! + this.#noise[c * plane + p]!;
    }
  }

  /**
   * Every pixel removed: the system's matrix is singular (any constant solves it; the image's
   * 8-connected grid has no other unknown component without a kept neighbour). The constant is the
   * channel's mean of the original image — ROAD's "fixed" ChannelMeanImputer — the limit the
   * imputation approaches as the last kept pixels go (a single kept pixel makes the image constant).
   */
  #fillSingular(): void {
    const area = this.#area;
    for (let c = 0; c < this.#source.channels; c++) this.#solution.fill(this.#means[c]!, c * area, (c + 1) * area);
  }

  /**
   * The 8-connected components of removed pixels that hold a newly removed one: the only part of
   * the solution that changes (another component's equations do not reach the new pixels).
   */
  #gatherMembers(pixels: Int32Array): number {
    const [members, local, state, offsets] = [this.#members, this.#local, this.#state, this.#offsets];
    let m = 0;
    for (const p of pixels) {
      const a = this.#at(p);
      if (local[a] === -1) {
        local[a] = m;
        members[m++] = a;
      }
    }
    for (let head = 0; head < m; head++) {
      const a = members[head]!;
      for (let k = 0; k < 8; k++) {
        const n = a + offsets[k]!;
        if (state[n] === 1 && local[n] === -1) {
          local[n] = m;
          members[m++] = n;
        }
      }
    }
    return m;
  }

  /** q_i = (M v)_i for the members, v given on the padded grid (zero off the members); returns v·q. */
  #multiply(v: Float64Array, q: Float64Array, m: number): number {
    const [members, diagonal] = [this.#members, this.#diagonal];
    const w = this.#stride;
    let vq = 0;
    for (let i = 0; i < m; i++) {
      const a = members[i]!;
      const centre = v[a]!;
      // M = D − W over the unknowns, W the ROAD_NEIGHBOURS stencil: edges 1/6, corners 1/12.
      const s = diagonal[a]! * centre - (v[a - 1]! + v[a + 1]! + v[a - w]! + v[a + w]!) / 6 - (v[a - w - 1]! + v[a - w + 1]! + v[a + w - 1]! + v[a + w + 1]!) / 12;
      q[i] = s;
      vq += centre * s;
    }
    return vq;
  }

  /**
   * Solves M x = b for channel c over the m members — M = D − W_UU, b_i = Σ kept neighbours' w·x —
   * by conjugate gradients with a Jacobi preconditioner (M is symmetric, and positive definite since
   * every component of unknowns touches a kept pixel), warm-started from the previous mask's
   * solution; a newly removed pixel starts at the weighted mean of its neighbours that are kept or
   * already solved.
   */
  #solve(c: number, m: number): void {
    const area = this.#area;
    const [members, state, fresh, offsets, weights, diagonal] = [this.#members, this.#state, this.#fresh, this.#offsets, this.#weights, this.#diagonal];
    const original = this.#original.subarray(c * area, (c + 1) * area);
    const solution = this.#solution.subarray(c * area, (c + 1) * area);
    const [b, x, r, z, q, d] = [this.#b, this.#x, this.#r, this.#z, this.#q, this.#direction];
    for (let i = 0; i < m; i++) {
      const a = members[i]!;
      let known = 0;
      let guess = 0;
      let guessWeight = 0;
      for (let k = 0; k < 8; k++) {
        const n = a + offsets[k]!;
        const s = state[n]!;
        if (s === 0) {
          known += weights[k]! * original[n]!;
          guess += weights[k]! * original[n]!;
          guessWeight += weights[k]!;
        } else if (s === 1 && !fresh[n]) {
          guess += weights[k]! * solution[n]!;
          guessWeight += weights[k]!;
        }
      }
      b[i] = known;
      x[i] = !fresh[a] ? solution[a]! : guessWeight > 0 ? guess / guessWeight : this.#means[c]!;
    }
    // r = b − M x, z = D⁻¹ r, d = z.
    for (let i = 0; i < m; i++) d[members[i]!] = x[i]!;
    this.#multiply(d, q, m);
    let rz = 0;
    let worst = 0;
    for (let i = 0; i < m; i++) {
      const ri = b[i]! - q[i]!;
      const zi = ri / diagonal[members[i]!]!;
      r[i] = ri;
      z[i] = zi;
      d[members[i]!] = zi;
      rz += ri * zi;
      if (Math.abs(zi) > worst) worst = Math.abs(zi);
    }
    const tolerance = this.#tolerance[c]!;
    // CG ends in at most m steps in exact arithmetic; the margin covers rounding.
    for (let iteration = 0; worst > tolerance && iteration < 2 * m + 20; iteration++) {
      const alpha = rz / this.#multiply(d, q, m);
      let next = 0;
      worst = 0;
      for (let i = 0; i < m; i++) {
        const a = members[i]!;
        x[i] = x[i]! + alpha * d[a]!;
        const ri = r[i]! - alpha * q[i]!;
        const zi = ri / diagonal[a]!;
        r[i] = ri;
        z[i] = zi;
        next += ri * zi;
        if (Math.abs(zi) > worst) worst = Math.abs(zi);
      }
      const beta = next / rz;
      rz = next;
      for (let i = 0; i < m; i++) {
        const a = members[i]!;
        d[a] = z[i]! + beta * d[a]!;
      }
    }
    for (let i = 0; i < m; i++) {
      const a = members[i]!;
      solution[a] = x[i]!;
      // The padded direction must be zero off the next solve's members.
      d[a] = 0;
    }
  }
}
