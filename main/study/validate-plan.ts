// A plan is checked as a whole before anything starts: its form, every generator's, method's and
// metric's parameters against their registries, every architecture against its dataset's images,
// every named catalogue entity and file. The first problem is one sentence naming the bad part.
// What comes back is the plan with every default filled in, as the study stores it.
import { isAbsolute } from 'node:path';
import { describeArchitecture, planArchitecture, type InputShape } from '../../shared/architectures.js';
import { HeatlabError } from '../../shared/errors.js';
import { generatorInfo, generatorSchemas, type MaskKind } from '../../shared/generators.js';
import { studyPlanSchema, type StudyDataset, type StudyModel, type StudyPlan } from '../../shared/studies.js';
import { parseAt, parseEntryParams, planProblem, shown } from './plan-problems.js';
import type { StudyPorts } from './ports.js';
import { sameValue } from './step-keys.js';
import { yourDataPlaceholders } from './templates/your-data.js';

/** What a dataset of the plan will hold, known before it exists. */
interface DatasetFacts extends InputShape {
  classes: number;
  /** Generated mask kinds it offers. */
  maskKinds: readonly MaskKind[];
  /** Whether it comes with imported masks (an import with masksPath, or a dataset with an imported annotation set). */
  importedMasks: boolean;
  /** The catalogue id of an existing dataset. */
  id: number | null;
}

/** A refusal's sentence as a clause after a colon: no full stop, and lower case unless it starts with a name ("ONNX …"). */
function failure(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).trim().replace(/[.\s]+$/, '');
  return /^[A-Z][a-z]/.test(text) && !text.startsWith('Heatlab') ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** Runs a catalogue or file check; its refusal becomes the plan's problem at `slot`. */
async function checked<T>(slot: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    throw planProblem(`${slot}: ${failure(err)}`, { path: slot });
  }
}

function absolute(path: string, slot: string): void {
  if ((Object.values(yourDataPlaceholders) as string[]).includes(path))
    throw planProblem(`${slot} is still the template's placeholder ${shown(path)}; fill in your own path (\`heatlab study template your-data\` writes the plan out to edit)`, { path: slot });
  if (!isAbsolute(path)) throw planProblem(`${slot} ${shown(path)} must be an absolute path (a study file's relative paths are resolved against its folder)`, { path: slot });
}

async function datasetFacts(dataset: StudyDataset, d: number, ports: StudyPorts): Promise<{ dataset: StudyDataset; facts: DatasetFacts }> {
  const slot = `datasets[${d}]`;
  if (dataset.kind === 'generate') {
    if ('seed' in dataset.params) throw planProblem(`${slot}.params has a seed; give it as ${slot}.seed`, { path: `${slot}.params.seed` });
    const params = parseAt(generatorSchemas[dataset.generator], { ...dataset.params, seed: dataset.seed }, ['datasets', d, 'params']) as Record<string, unknown>;
    const shape = ports.generated(dataset.generator, params);
    const { seed: _seed, ...rest } = params;
    return { dataset: { ...dataset, params: rest }, facts: { ...shape, classes: shape.classNames.length, importedMasks: false, id: null } };
  }
  if (dataset.kind === 'existing') {
    const found = await checked(slot, () => ports.call('datasets.get', { id: dataset.datasetId }));
    const sets = await ports.call('annotations.list', { datasetId: found.id });
    return {
      dataset,
      facts: { height: found.height, width: found.width, channels: found.channels, classes: found.classNames.length, maskKinds: found.maskKinds, importedMasks: sets.some((s) => s.source === 'imported'), id: found.id },
    };
  }
  absolute(dataset.path, `${slot}.path`);
  if (dataset.masksPath !== undefined) absolute(dataset.masksPath, `${slot}.masksPath`);
  const plan = await checked(`${slot}.path`, () => ports.call('datasets.inspect', { path: dataset.path, shape: dataset.shape }));
  if (plan.problems.length > 0) throw planProblem(`${slot}.path ${shown(dataset.path)}: ${failure(plan.problems[0])}`, { path: `${slot}.path` });
  const size = dataset.size.policy === 'resize' ? dataset.size : plan.sizes[0];
  if (size === undefined || plan.result === null) throw planProblem(`${slot}.path ${shown(dataset.path)} holds no image Heatlab can read`, { path: `${slot}.path` });
  const channels = dataset.channels === 'grey' ? 1 : plan.result.channels;
  const classes = plan.classes.filter((c) => c.count > 0).length;
  return { dataset, facts: { height: size.height, width: size.width, channels, classes, maskKinds: [], importedMasks: dataset.masksPath !== undefined, id: null } };
}

async function checkModel(model: StudyModel, slot: string, facts: DatasetFacts, ports: StudyPorts): Promise<void> {
  const images = `${facts.channels}×${facts.height}×${facts.width}`;
  if (model.kind === 'train') {
    const planned = planArchitecture(model.architecture, facts.classes, facts);
    if (planned.problem !== null) throw planProblem(`${slot} (${describeArchitecture(model.architecture)}): ${failure(planned.problem)}`, { path: slot });
    const scores = planned.layers.at(-1)?.outputShape[0];
    if (scores !== facts.classes)
      throw planProblem(
        `${slot} (${describeArchitecture(model.architecture)}) ends in ${scores} values on ${facts.height}×${facts.width} images, not the ${facts.classes} class scores a classifier must give; choose another architecture or a custom layer list`,
        { path: slot },
      );
    return;
  }
  if (model.kind === 'existing') {
    const found = await checked(slot, () => ports.call('models.get', { id: model.modelId }));
    const p = found.preprocessing;
    if (p.channels !== facts.channels || p.height !== facts.height || p.width !== facts.width)
      throw planProblem(`${slot} is model ${found.id}, which reads ${p.channels}×${p.height}×${p.width} images; the dataset's are ${images}`, { path: slot });
    return;
  }
  absolute(model.path, `${slot}.path`);
  if (model.labelsFile !== undefined) absolute(model.labelsFile, `${slot}.labelsFile`);
  if (model.classNames !== undefined && model.labelsFile !== undefined) throw planProblem(`${slot} gives both classNames and a labelsFile; give one`, { path: slot });
  const inspection = await checked(`${slot}.path`, () => ports.call('models.inspectOnnx', { path: model.path }));
  if (inspection.problems.length > 0) throw planProblem(`${slot}.path ${shown(model.path)}: ${failure(inspection.problems[0])}`, { path: `${slot}.path` });
  const image = inspection.image;
  const fixed = (v: number | string | undefined, want: number) => typeof v !== 'number' || v === want;
  if (image !== null && !(fixed(image.channels, facts.channels) && fixed(image.height, facts.height) && fixed(image.width, facts.width)))
    throw planProblem(`${slot}.path ${shown(model.path)} reads ${image.channels}×${image.height}×${image.width} images; the dataset's are ${images}`, { path: `${slot}.path` });
}

function checkMethods(plan: StudyPlan, ports: StudyPorts): StudyPlan['methods'] {
  const resolved = plan.methods.map((choice, k) => {
    const slot = `methods[${k}]`;
    const entry = ports.methods.find((m) => m.id === choice.id);
    if (entry === undefined) throw planProblem(`${slot} ${shown(choice.id)} is not an explanation method; the methods are ${ports.methods.map((m) => m.id).join(', ')}`, { path: slot });
    return { id: choice.id, params: parseEntryParams(slot, choice.id, entry.params, choice.params) };
  });
  resolved.forEach((m, k) => {
    const earlier = resolved.findIndex((o) => sameValue(o, m));
    if (earlier < k) throw planProblem(`methods[${k}] repeats methods[${earlier}] (${shown(m.id)} with the same parameters)`, { path: `methods[${k}]` });
  });
  const randoms = resolved.map((m, k) => (m.id === 'random' ? k : -1)).filter((k) => k >= 0);
  if (randoms.length > 1) throw planProblem(`methods[${randoms[1]}] is a second Random map; an evaluation has one random baseline`, { path: `methods[${randoms[1]}]` });
  return resolved;
}

function checkMetrics(plan: StudyPlan, facts: DatasetFacts[], ports: StudyPorts): StudyPlan['metrics'] {
  return plan.metrics.map((choice, k) => {
    const slot = `metrics[${k}]`;
    const entry = ports.metrics.find((m) => m.id === choice.id);
    if (entry === undefined) throw planProblem(`${slot} ${shown(choice.id)} is not a metric; the metrics are ${ports.metrics.map((m) => m.id).join(', ')}`, { path: slot });
    const earlier = plan.metrics.findIndex((o) => o.id === choice.id);
    if (earlier < k) throw planProblem(`${slot} repeats metrics[${earlier}] (${shown(choice.id)}); an evaluation scores each metric once`, { path: slot });
    if (entry.needsMask && plan.groundTruths.length === 0)
      throw planProblem(`${slot} ${shown(choice.id)} needs a ground truth; add one to groundTruths (a generated mask kind, an annotation set, or the masks imported with the dataset)`, { path: slot });
    const params = parseEntryParams(slot, choice.id, entry.params, choice.params);
    facts.forEach((f, d) => {
      try {
        entry.fit(params, f);
      } catch (err) {
        throw planProblem(`${slot} ${shown(choice.id)} does not fit the ${f.height}×${f.width} images of datasets[${d}]: ${failure(err)}`, { path: slot });
      }
    });
    return { id: choice.id, params };
  });
}

async function checkGroundTruths(plan: StudyPlan, facts: DatasetFacts[], ports: StudyPorts): Promise<void> {
  for (const [g, gt] of plan.groundTruths.entries()) {
    const slot = `groundTruths[${g}]`;
    const earlier = plan.groundTruths.findIndex((o) => sameValue(o, gt));
    if (earlier < g) throw planProblem(`${slot} repeats groundTruths[${earlier}]`, { path: slot });
    if (gt.kind === 'generated') {
      const d = facts.findIndex((f) => !f.maskKinds.includes(gt.mask));
      if (d < 0) continue;
      const source = plan.datasets[d]!;
      const offers = facts[d]!.maskKinds.length === 0 ? 'it has no generated ground truth' : `${source.kind === 'generate' ? generatorInfo[source.generator].label : 'it'} offers ${facts[d]!.maskKinds.join(', ')}`;
      throw planProblem(`${slot} ${shown(gt.mask)} is not a ground truth of datasets[${d}] (${offers})`, { path: slot });
    }
    if (gt.kind === 'imported') {
      const d = facts.findIndex((f) => !f.importedMasks);
      if (d >= 0) throw planProblem(`${slot} asks for imported masks, but datasets[${d}] has none (import it with masksPath, or name a dataset that came with masks)`, { path: slot });
      continue;
    }
    const set = await checked(slot, () => ports.call('annotations.get', { id: gt.id }));
    const d = facts.findIndex((f) => f.id !== set.datasetId);
    if (d >= 0) throw planProblem(`${slot} is annotation set ${gt.id}, which is on dataset ${set.datasetId}; datasets[${d}] is not that dataset`, { path: slot });
    if (gt.label !== undefined && gt.label > set.labels.length)
      throw planProblem(`${slot} asks for label ${gt.label}, but annotation set ${gt.id} has ${set.labels.length} label${set.labels.length === 1 ? '' : 's'}`, { path: slot });
  }
}

function checkClasses(plan: StudyPlan, facts: DatasetFacts[]): void {
  facts.forEach((f, d) => {
    if (plan.images.label !== undefined && plan.images.label >= f.classes)
      throw planProblem(`images.label is ${plan.images.label}, but datasets[${d}] has ${f.classes} classes (0–${f.classes - 1})`, { path: 'images.label' });
    if (typeof plan.target === 'object' && plan.target.class >= f.classes)
      throw planProblem(`target.class is ${plan.target.class}, but datasets[${d}] has ${f.classes} classes (0–${f.classes - 1})`, { path: 'target.class' });
  });
}

/** The plan with every default filled in, or a HeatlabError whose message is the one sentence naming the bad part. */
export async function validatePlan(input: unknown, ports: StudyPorts): Promise<StudyPlan> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new HeatlabError('invalid_request', 'Study plan: a study file holds one JSON object.');
  const parsed = parseAt(studyPlanSchema, input, []);
  const datasets: StudyDataset[] = [];
  const facts: DatasetFacts[] = [];
  for (const [d, dataset] of parsed.datasets.entries()) {
    const checkedDataset = await datasetFacts(dataset, d, ports);
    datasets.push(checkedDataset.dataset);
    facts.push(checkedDataset.facts);
  }
  for (const [d, dataset] of parsed.datasets.entries()) {
    for (const [m, model] of dataset.models.entries()) await checkModel(model, `datasets[${d}].models[${m}]`, facts[d]!, ports);
  }
  const methods = checkMethods(parsed, ports);
  await checkGroundTruths(parsed, facts, ports);
  const metrics = checkMetrics(parsed, facts, ports);
  checkClasses(parsed, facts);
  return { ...parsed, datasets, methods, metrics };
}
