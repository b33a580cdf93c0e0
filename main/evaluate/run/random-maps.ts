// The random-map baseline every evaluation scores alongside the methods: uniform noise on [0, 1),
// the Random map method's own maps (main/explain/perturbation/random-map.ts), seeded per image and
// class, so a heatmap's baseline does not depend on which other images are in the chunk.
import { imageSeed } from '../../explain/run/explain-job.js';
import { Random } from '../../numeric/random.js';

/** [images × perImage, H·W] random maps of the given dataset images and explained classes. */
export function randomMaps(indices: Int32Array, targets: Int32Array, perImage: number, plane: number, seed: number): Float32Array {
  const maps = new Float32Array(targets.length * plane);
  for (let r = 0; r < targets.length; r++) {
    const rng = new Random(imageSeed(seed, indices[Math.floor(r / perImage)]!, targets[r]!));
    for (let p = 0; p < plane; p++) maps[r * plane + p] = rng.next();
  }
  return maps;
}
