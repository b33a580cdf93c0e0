// The generation job (compute host): streams a benchmark dataset to .npy files in a staging
// folder, chunk by chunk, with progress and cancellation between chunks. Main records it.
import { splitNames, type GenerateRequest, type SplitName, type StagedDataset } from '../../shared/datasets.js';
import { defaultDatasetName } from '../../shared/default-names.js';
import { generatorInfo, type GeneratorId, type GeneratorParams } from '../../shared/generators.js';
import type { JobContext } from '../jobs/host/job-context.js';
import { generatorFor } from './generators/index.js';
import { labelsAndSplits, quantize, synthesize } from './synthesize.js';
import { StagingArea } from '../workspace/staging.js';

/** Images generated between two progress reports and cancellation checkpoints. */
const CHUNK = 1024;

export function classCountsBySplit(labels: Int32Array, splits: Uint8Array, classes: number): { [S in SplitName]: number[] } {
  const counts = Object.fromEntries(splitNames.map((s) => [s, new Array<number>(classes).fill(0)])) as { [S in SplitName]: number[] };
  for (let k = 0; k < labels.length; k++) counts[splitNames[splits[k]!]!]![labels[k]!]!++;
  return counts;
}


export async function runGenerate(request: GenerateRequest, ctx: JobContext): Promise<StagedDataset> {
  const start = performance.now();
  const generator = request.generator;
  const gen = generatorFor(generator);
  const params: GeneratorParams<GeneratorId> = request.params;
  const { count, seed, size, split } = params;
  const name = request.name ?? defaultDatasetName(generatorInfo[generator].label, count, seed);
  const classNames = gen.classNames(params);
  const columns = gen.columns(params);
  const { labels, splits } = labelsAndSplits(count, split, classNames.length, seed);

  const staging = StagingArea.create(ctx.workspace, 'datasets', ctx.jobId);
  try {
    staging.writeArray('labels', 'labels.npy', labels, [count]);
    staging.writeArray('splits', 'splits.npy', splits, [count]);
    const images = staging.openArray('images', 'images.npy', 'uint8', [count, size, size, 1]);
    const rows = staging.openArray('params', 'params.npy', 'float64', [count, columns.length]);
    const pixels = new Float32Array(size * size);
    ctx.progress(0, count, `Generating ${count.toLocaleString('en-US')} images`, 'images');
    for (let first = 0; first < count; first += CHUNK) {
      const n = Math.min(CHUNK, count - first);
      const chunkImages = new Uint8Array(n * size * size);
      const chunkRows = new Float64Array(n * columns.length);
      for (let k = 0; k < n; k++) {
        const index = first + k;
        const row = synthesize(gen, params, labels[index]!, seed, index, pixels);
        chunkRows.set(row, k * columns.length);
        quantize(pixels, chunkImages.subarray(k * size * size, (k + 1) * size * size));
      }
      images.append(chunkImages);
      rows.append(chunkRows);
      ctx.progress(first + n, count, `Generating ${count.toLocaleString('en-US')} images`, 'images');
      await ctx.checkpoint();
    }
    return {
      stagingDir: staging.relativeDir,
      name,
      source: 'generated',
      generator,
      params: params as Record<string, unknown>,
      seed,
      count,
      height: size,
      width: size,
      channels: 1,
      dtype: 'uint8',
      classNames,
      classCountsBySplit: classCountsBySplit(labels, splits, classNames.length),
      paramColumns: columns,
      maskKinds: [...generatorInfo[generator].maskKinds],
      report: null,
      files: staging.finish(),
      annotation: null,
      seconds: (performance.now() - start) / 1000,
    };
  } catch (err) {
    staging.discard();
    throw err;
  }
}
