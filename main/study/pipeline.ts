// One run of a study's pipeline: its steps one at a time, each as the ordinary job submitted through
// the API (so it is checked exactly as the same request from the UI), skipping every step whose
// result the catalogue already holds — by the step's key among the studies' members, or by the
// parameters the entities recorded. Progress for the whole and for the current step goes out as
// `study.progress` and into the study's row; cancel stops the current job and the pipeline.
import { statSync } from 'node:fs';
import type { ApiRequest } from '../../shared/api.js';
import { HeatlabError, toApiError, type ApiError } from '../../shared/errors.js';
import type { ExplainProgressDetail, ImageSelection } from '../../shared/explanations.js';
import type { GroundTruth } from '../../shared/evaluations.js';
import type { Job } from '../../shared/jobs.js';
import type { StudyCluster, StudyEntityKind, StudyGroundTruth, StudyMember, StudyPlan, StudyProgress, StudyStatus } from '../../shared/studies.js';
import type { StudiesRepository } from '../catalogue/studies-repository.js';
import type { EventBus } from '../jobs/event-bus.js';
import { findEvaluation, findGeneratedDataset, findImportedDataset, findImportedModel, findRun, findTrainedModel } from './find-existing.js';
import type { StudyPorts } from './ports.js';
import { stepKey, type StepIdentity } from './step-keys.js';
import { evaluationGroups, methodSlot, plannedSteps, type PlannedStep } from './steps.js';

/** Why the pipeline stopped before its end. */
class Stop extends Error {
  constructor(readonly status: 'failed' | 'cancelled' | 'interrupted', readonly error: ApiError) {
    super(error.message);
  }
}

export interface PipelineDeps {
  ports: StudyPorts;
  repo: StudiesRepository;
  events: EventBus;
}

export class StudyPipeline {
  readonly #id: number;
  readonly #plan: StudyPlan;
  readonly #deps: PipelineDeps;
  readonly #steps: PlannedStep[];
  /** Catalogue ids of each dataset, and of each dataset's models. */
  readonly #datasets: number[] = [];
  readonly #models: number[][] = [];
  /** Each model's runs in the plan's method order. */
  readonly #runs: number[][][] = [];
  #done = 0;
  #current: { index: number; jobId: number | null; fraction: number; message: string } | null = null;
  #stop: Stop | null = null;
  /** Where the explanation and evaluation steps run: here (null) or on the Slurm cluster. */
  readonly #cluster: StudyCluster | null;

  constructor(id: number, plan: StudyPlan, deps: PipelineDeps, cluster: StudyCluster | null = null) {
    this.#id = id;
    this.#plan = plan;
    this.#deps = deps;
    this.#cluster = cluster;
    this.#steps = plannedSteps(plan, (metric) => this.#needsMask(metric));
  }

  /** Stops after the current job, which is cancelled; `interrupted` when Heatlab is closing. */
  stop(how: 'cancelled' | 'interrupted'): void {
    const message = how === 'cancelled' ? 'Cancelled by the user; run the study again to resume it.' : 'Heatlab was closed while this study was running; run it again to resume it.';
    this.#stop ??= new Stop(how, { code: how, message });
    const jobId = this.#current?.jobId;
    if (jobId != null) void this.#deps.ports.call('jobs.cancel', { id: jobId }).catch(() => undefined);
  }

  /** Runs every step; resolves with the study's final status once it is recorded. */
  async run(): Promise<StudyStatus> {
    let status: Exclude<StudyStatus, 'new' | 'running'> = 'done';
    let error: ApiError | null = null;
    try {
      for (const [index, step] of this.#steps.entries()) {
        this.#throwIfStopped();
        this.#current = { index, jobId: null, fraction: 0, message: step.label };
        this.#report(step.label);
        await this.#runStep(step);
        this.#done++;
        this.#current = null;
      }
    } catch (err) {
      const stop = err instanceof Stop ? err : (this.#stop ?? new Stop('failed', toApiError(err)));
      status = stop.status;
      error = stop.status === 'failed' && this.#current !== null ? { ...stop.error, message: `${this.#steps[this.#current.index]!.label}: ${stop.error.message}` } : stop.error;
    }
    const message = status === 'done' ? `Done: ${this.#steps.length} steps.` : error!.message;
    const progress = this.#progress(status, message);
    this.#deps.repo.finish(this.#id, status, error, progress);
    this.#deps.events.emit('study.progress', progress);
    return status;
  }

  #throwIfStopped(): void {
    if (this.#stop !== null) throw this.#stop;
  }

  #needsMask(metric: string): boolean {
    return this.#deps.ports.metrics.find((m) => m.id === metric)?.needsMask ?? false;
  }

  #progress(status: StudyStatus, message: string): StudyProgress {
    const total = this.#steps.length;
    const current = this.#current;
    const step = current === null ? null : { index: current.index, slot: this.#steps[current.index]!.slot, kind: this.#steps[current.index]!.kind, label: this.#steps[current.index]!.label, jobId: current.jobId, fraction: current.fraction, message: current.message };
    const fraction = total === 0 ? 1 : Math.min(1, (this.#done + (status === 'running' ? (current?.fraction ?? 0) : 0)) / total);
    return { studyId: this.#id, status, done: this.#done, total, fraction, step, message };
  }

  #report(message: string): void {
    const progress = this.#progress('running', message);
    this.#deps.repo.saveProgress(this.#id, progress);
    this.#deps.events.emit('study.progress', progress);
  }

  async #runStep(step: PlannedStep): Promise<void> {
    const d = step.dataset;
    if (step.model === null) this.#datasets[d] = await this.#dataset(step);
    else if (step.kind === 'explain') ((this.#runs[d] ??= [])[step.model] = await this.#explain(step, step.model));
    else if (step.kind === 'evaluate') await this.#evaluate(step, step.model);
    else (this.#models[d] ??= [])[step.model] = await this.#model(step, step.model);
  }

  /** The member at `slot`: this study's own, another study's with the same key, or one found by its recorded parameters. */
  async #reuse(slot: string, key: string, kind: StudyEntityKind, find: () => Promise<number | null>): Promise<number | null> {
    const { repo } = this.#deps;
    const own = repo.members(this.#id).find((m) => m.slot === slot && m.stepKey === key && m.kind === kind);
    if (own !== undefined) return own.id;
    const shared = repo.byKey(key).find((m) => m.kind === kind);
    if (shared !== undefined) {
      this.#record({ slot, stepKey: key, kind, id: shared.id, origin: shared.origin === 'input' ? 'found' : shared.origin });
      return shared.id;
    }
    const found = await find();
    if (found !== null) this.#record({ slot, stepKey: key, kind, id: found, origin: 'found' });
    return found;
  }

  #record(member: StudyMember): void {
    this.#deps.repo.putMember(this.#id, member);
  }

  /** A step's one entity: reused when the catalogue has it, else made by the job `start` submits. */
  async #produce(step: PlannedStep, identity: StepIdentity, kind: StudyEntityKind, find: () => Promise<number | null>, start: () => Promise<Job>, result: (job: Job) => number): Promise<number> {
    const key = stepKey(identity);
    const reused = await this.#reuse(step.slot, key, kind, find);
    if (reused !== null) {
      this.#report(`${step.label}: already in the catalogue (${kind} ${reused}), skipped`);
      return reused;
    }
    const job = await this.#follow(await start());
    const id = result(job);
    this.#record({ slot: step.slot, stepKey: key, kind, id, origin: 'created' });
    return id;
  }

  async #dataset(step: PlannedStep): Promise<number> {
    const { call } = this.#deps.ports;
    const dataset = this.#plan.datasets[step.dataset]!;
    if (dataset.kind === 'existing') {
      const found = await call('datasets.get', { id: dataset.datasetId });
      this.#record({ slot: step.slot, stepKey: stepKey({ kind: 'dataset.existing', params: {}, seeds: {}, inputs: { datasetId: found.id } }), kind: 'dataset', id: found.id, origin: 'input' });
      return found.id;
    }
    const datasetId = (job: Job) => (job.result as { datasetId: number }).datasetId;
    if (dataset.kind === 'generate') {
      const { generator, seed } = dataset;
      const params = { ...dataset.params, seed };
      const identity: StepIdentity = { kind: 'dataset.generate', params: { generator, params }, seeds: { seed }, inputs: {} };
      // The plan's generator and parameters were checked together; the request's union cannot see that.
      const request = { generator, params, name: dataset.name } as ApiRequest<'datasets.generate'>;
      return this.#produce(step, identity, 'dataset', () => findGeneratedDataset(call, generator, params), () => call('datasets.generate', request), datasetId);
    }
    const { kind: _kind, models: _models, ...options } = dataset;
    const identity: StepIdentity = { kind: 'dataset.import', params: { ...options, name: undefined }, seeds: { seed: options.seed }, inputs: { path: options.path, masksPath: options.masksPath } };
    return this.#produce(step, identity, 'dataset', () => findImportedDataset(call, options), () => call('datasets.import', options), datasetId);
  }

  async #model(step: PlannedStep, m: number): Promise<number> {
    const { call } = this.#deps.ports;
    const model = this.#plan.datasets[step.dataset]!.models[m]!;
    const datasetId = this.#datasets[step.dataset]!;
    const modelId = (job: Job) => (job.result as { modelId: number }).modelId;
    if (model.kind === 'existing') {
      const found = await call('models.get', { id: model.modelId });
      this.#record({ slot: step.slot, stepKey: stepKey({ kind: 'model.existing', params: {}, seeds: {}, inputs: { modelId: found.id } }), kind: 'model', id: found.id, origin: 'input' });
      return found.id;
    }
    if (model.kind === 'train') {
      const { architecture, training } = model;
      const identity: StepIdentity = { kind: 'model.train', params: { architecture, training }, seeds: { seed: training.seed }, inputs: { datasetId } };
      return this.#produce(step, identity, 'model', () => findTrainedModel(call, datasetId, architecture, training), () => call('models.train', { datasetId, name: model.name, architecture, training }), modelId);
    }
    const { kind: _kind, name, ...choices } = model;
    const request = { ...choices, testDatasetId: datasetId };
    // The file's size stands in for its content: a model replaced at the same path is imported again.
    const bytes = statSync(model.path, { throwIfNoEntry: false })?.size ?? null;
    const identity: StepIdentity = { kind: 'model.import', params: choices, seeds: {}, inputs: { path: model.path, bytes, labelsFile: model.labelsFile, testDatasetId: datasetId } };
    return this.#produce(step, identity, 'model', () => findImportedModel(call, request), () => call('models.import', { ...request, name }), modelId);
  }

  async #explain(step: PlannedStep, m: number): Promise<number[]> {
    const { call } = this.#deps.ports;
    const plan = this.#plan;
    const datasetId = this.#datasets[step.dataset]!;
    const modelId = this.#models[step.dataset]![m]!;
    const { split, pick, label, n, seed } = plan.images;
    const images: ImageSelection = { split, pick, label, n, seed };
    const keys = plan.methods.map((method) =>
      stepKey({ kind: 'explain', params: { method: method.id, params: method.params, images, target: plan.target }, seeds: { seed: plan.seed, images: seed }, inputs: { modelId, datasetId } }),
    );
    const runIds: (number | null)[] = [];
    for (const [k, method] of plan.methods.entries()) {
      const wanted = { modelId, datasetId, method: method.id, params: method.params, images, target: plan.target, seed: plan.seed };
      runIds.push(await this.#reuse(methodSlot(step.dataset, m, k), keys[k]!, 'run', () => findRun(call, wanted)));
    }
    const missing = runIds.map((id, k) => (id === null ? k : -1)).filter((k) => k >= 0);
    if (missing.length === 0) {
      this.#report(`${step.label}: every run is already in the catalogue, skipped`);
      return runIds as number[];
    }
    if (missing.length < runIds.length) this.#report(`${step.label}: ${runIds.length - missing.length} of ${runIds.length} runs already in the catalogue`);
    const request = { modelId, datasetId, images, methods: missing.map((k) => plan.methods[k]!), target: plan.target, seed: plan.seed };
    // On the cluster the same request runs as shards; the runs it records are a local run's, byte for byte.
    const job = this.#cluster === null ? await call('explain.start', request) : await call('cluster.explain', { ...request, shards: this.#cluster.shards });
    const keep = (ids: readonly number[]) => ids.forEach((id, j) => {
      const k = missing[j]!;
      runIds[k] = id;
      this.#record({ slot: methodSlot(step.dataset, m, k), stepKey: keys[k]!, kind: 'run', id, origin: 'created' });
    });
    let finished: Job;
    try {
      finished = await this.#follow(job);
    } catch (err) {
      // The methods that finished before a cancel or failure are recorded runs: the study keeps them, so a rerun skips them.
      const detail = (await call('jobs.get', { id: job.id }).catch(() => null))?.progress?.detail as ExplainProgressDetail | undefined;
      if (detail !== undefined && Array.isArray(detail.runIds)) keep(detail.runIds);
      throw err;
    }
    keep((finished.result as { runIds: number[] }).runIds);
    return runIds as number[];
  }

  async #evaluate(step: PlannedStep, m: number): Promise<void> {
    const { call } = this.#deps.ports;
    const plan = this.#plan;
    const datasetId = this.#datasets[step.dataset]!;
    const modelId = this.#models[step.dataset]![m]!;
    const runIds = this.#runs[step.dataset]![m]!;
    const group = evaluationGroups(plan, (metric) => this.#needsMask(metric)).find((g) => g.groundTruth === step.groundTruth)!;
    const groundTruth = step.groundTruth === null ? null : await this.#groundTruth(plan.groundTruths[step.groundTruth]!, datasetId);
    const metrics = group.metrics.map((k) => plan.metrics[k]!);
    const dataset = await call('datasets.get', { id: datasetId });
    const fitted = metrics.map((metric) => ({ id: metric.id, params: this.#deps.ports.metrics.find((e) => e.id === metric.id)!.fit(metric.params, dataset) }));
    const { seed, resamples, level } = plan;
    const identity: StepIdentity = { kind: 'evaluate', params: { metrics, groundTruth, resamples, level }, seeds: { seed }, inputs: { runIds } };
    await this.#produce(
      step,
      identity,
      'evaluation',
      () => findEvaluation(call, { modelId, runIds, metrics: fitted, groundTruth, seed, resamples, level }),
      () => {
        const request = { runIds, metrics, groundTruth: groundTruth ?? undefined, seed, resamples, level };
        return this.#cluster === null ? call('evaluate.start', request) : call('cluster.evaluate', { ...request, shards: this.#cluster.shards });
      },
      (job) => (job.result as { evaluationId: number }).evaluationId,
    );
  }

  /** The ground truth an evaluation request names: imported masks are the annotation set the dataset's import made. */
  async #groundTruth(gt: StudyGroundTruth, datasetId: number): Promise<GroundTruth> {
    if (gt.kind !== 'imported') return gt;
    const set = (await this.#deps.ports.call('annotations.list', { datasetId })).find((s) => s.source === 'imported');
    if (set === undefined) throw new HeatlabError('invalid_request', `Dataset ${datasetId} has no imported masks.`);
    return { kind: 'set', id: set.id };
  }

  /** Waits for a job, passing its progress on as the step's; a job that does not end done stops the pipeline. */
  async #follow(job: Job): Promise<Job> {
    const current = this.#current!;
    current.jobId = job.id;
    if (this.#stop !== null) void this.#deps.ports.call('jobs.cancel', { id: job.id }).catch(() => undefined);
    const off = this.#deps.events.on('job.progress', ({ jobId, progress }) => {
      if (jobId !== job.id) return;
      // The whole only grows, even when a job's own fraction steps back between its phases.
      current.fraction = Math.max(current.fraction, progress.fraction);
      current.message = progress.message;
      this.#report(this.#steps[current.index]!.label);
    });
    let finished: Job;
    try {
      this.#report(`${this.#steps[current.index]!.label}: job ${job.id}`);
      finished = await this.#deps.ports.waitForJob(job.id);
    } finally {
      off();
    }
    if (finished.status === 'done') {
      current.fraction = 1;
      return finished;
    }
    this.#throwIfStopped();
    const error = finished.error ?? { code: 'internal', message: `Job ${job.id} ended ${finished.status}.` };
    if (finished.status === 'cancelled') throw new Stop('cancelled', { code: 'cancelled', message: `Job ${job.id} was cancelled; run the study again to resume it.` });
    if (finished.status === 'interrupted') throw new Stop('interrupted', error);
    throw new Stop('failed', error);
  }
}
