// `npm run bench`: speed and memory of Heatlab's moving parts on this machine. Prints a table and
// writes bench-results/latest.json. Tests never assert timings; this is where they are watched.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../app/paths.js';
import { benchCore } from './core-bench.js';
import { benchData, childGenerateScaled, childImportPng } from './data-bench.js';
import { benchExplain, childExplain } from './explain-bench.js';
import { benchExplainJob, childExplain10k } from './explain-job-bench.js';
import { benchEvaluate, childEvaluate } from './evaluate-bench.js';
import { benchEvaluateJob, childEvaluate10k } from './evaluate-job-bench.js';
import { benchEvaluateStream, childEvaluateStream } from './evaluate-stream-bench.js';
import { benchExplainView } from './explain-view-bench.js';
import { benchLoad } from './load-bench.js';
import { benchCluster } from './cluster-bench.js';
import { benchStudy } from './study-bench.js';
import { benchTraining, childTrain100k, childTrainSpeed } from './train-bench.js';
import { printTable, record, rows } from './table.js';

/** Measurements that must run in a process of their own (peak memory) are started as children. */
const children: Record<string, (...args: string[]) => Promise<void>> = {
  'generate-scaled': childGenerateScaled,
  'import-png': childImportPng,
  'train-speed': (preset = 'tiny-cnn', variant = 'pack') => childTrainSpeed(preset, variant),
  'train-100k': childTrain100k,
  explain: childExplain,
  'explain-10k': childExplain10k,
  evaluate: childEvaluate,
  'evaluate-10k': childEvaluate10k,
  'evaluate-stream': childEvaluateStream,
};

/** The bench's areas, in the order a full run measures them. */
const areas: Record<string, () => Promise<void>> = {
  core: benchCore,
  data: benchData,
  train: benchTraining,
  explain: benchExplain,
  'explain-job': benchExplainJob,
  evaluate: async () => {
    await benchEvaluate();
    await benchEvaluateStream();
  },
  'evaluate-job': benchEvaluateJob,
  'explain-view': benchExplainView,
  load: benchLoad,
  cluster: benchCluster,
  study: benchStudy,
};

async function main(): Promise<void> {
  const child = process.argv.indexOf('--child');
  if (child >= 0) {
    const run = children[process.argv[child + 1] ?? ''];
    if (!run) throw new Error(`Unknown bench child ${process.argv[child + 1]}.`);
    await run(...process.argv.slice(child + 2));
    return;
  }
  // `--only evaluate,explain` runs just those areas (a full run takes minutes).
  const only = process.argv.indexOf('--only');
  const picked = only >= 0 ? (process.argv[only + 1] ?? '').split(',') : Object.keys(areas);
  const unknown = picked.filter((a) => !(a in areas));
  if (unknown.length > 0) throw new Error(`Unknown bench area ${unknown.join(', ')}; the areas are ${Object.keys(areas).join(', ')}.`);
  for (const area of Object.keys(areas)) if (picked.includes(area)) await areas[area]!();
  record({ area: 'process', measure: 'peak RSS of the bench process', value: process.resourceUsage().maxRSS / 1024, unit: 'MB' });

  console.log(`\n${printTable()}`);
  const out = join(appRoot(), 'bench-results');
  mkdirSync(out, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    rows: rows.map((r) => ({ ...r, target: r.target?.text, met: r.target?.met(r.value) })),
  };
  // A partial run does not overwrite the full run's figures.
  const file = only >= 0 ? `latest-${picked.join('-')}.json` : 'latest.json';
  writeFileSync(join(out, file), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWritten to ${join(out, file)}.`);
}

main().catch((err) => {
  console.error(`Bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
