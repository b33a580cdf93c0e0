// Studies in main: made from a template or a plan (validated as a whole first), listed with the
// state of their pipeline, run (or resumed) in the background one at a time per study, cancelled,
// renamed and deleted — with their results when asked, and then only what nothing else uses.
// A study that was running in a process that is gone (a crash, a kill) is marked interrupted.
import { HeatlabError } from '../../shared/errors.js';
import type { ParsedRequest } from '../../shared/api.js';
import { studyEntityKinds, type Study, type StudyCluster, type StudyDeletion, type StudyEntityKind, type StudyMember, type StudyPlan, type StudyStatus, type StudyStep, type StudySummary, type StudyTemplateInfo, type StudyValidation } from '../../shared/studies.js';
import type { StudiesRepository, StudyRecord } from '../catalogue/studies-repository.js';
import type { EventBus } from '../jobs/event-bus.js';
import { deleteStudyResults } from './delete-results.js';
import { StudyPipeline } from './pipeline.js';
import type { StudyPorts } from './ports.js';
import { plannedSteps } from './steps.js';
import { studyTemplates, templatePlan } from './templates/index.js';
import { validatePlan } from './validate-plan.js';
import { processAlive } from '../workspace/process-alive.js';

/** Each entity counted once, even when two places of the plan share it (a dataset named twice). */
function countMembers(members: readonly StudyMember[]): Record<StudyEntityKind, number> {
  const counts = Object.fromEntries(studyEntityKinds.map((k) => [k, 0])) as Record<StudyEntityKind, number>;
  for (const key of new Set(members.map((m) => `${m.kind} ${m.id}`))) counts[key.split(' ')[0] as StudyEntityKind]++;
  return counts;
}


export interface StudiesServiceOptions {
  repo: StudiesRepository;
  ports: StudyPorts;
  events: EventBus;
  version: string;
}

export class StudiesService {
  readonly #repo: StudiesRepository;
  readonly #ports: StudyPorts;
  readonly #events: EventBus;
  readonly #version: string;
  readonly #running = new Map<number, { pipeline: StudyPipeline; finished: Promise<StudyStatus> }>();
  #closing = false;

  constructor(options: StudiesServiceOptions) {
    this.#repo = options.repo;
    this.#ports = options.ports;
    this.#events = options.events;
    this.#version = options.version;
    for (const study of this.#repo.orphans(processAlive)) {
      const error = { code: 'interrupted' as const, message: 'Heatlab stopped while this study was running; run it again to resume it.' };
      this.#repo.finish(study.id, 'interrupted', error, study.progress === null ? null : { ...study.progress, status: 'interrupted', message: error.message });
    }
  }

  templates(): StudyTemplateInfo[] {
    return [...studyTemplates];
  }

  async validate(plan: unknown): Promise<StudyValidation> {
    try {
      const valid = await validatePlan(plan, this.#ports);
      return { valid: true, problem: null, plan: valid, steps: this.#planned(valid).map(({ slot, kind, label }) => ({ slot, kind, label })) };
    } catch (err) {
      if (err instanceof HeatlabError && err.code === 'invalid_request') return { valid: false, problem: err.message, plan: null, steps: [] };
      throw err;
    }
  }

  async create(request: ParsedRequest<'studies.create'>): Promise<Study> {
    const input = request.template === undefined ? request.plan! : templatePlan(request.template.id, request.template.size);
    const named = request.name === undefined ? input : { ...input, name: request.name };
    const plan = await validatePlan(named, this.#ports);
    const id = this.#repo.insert({ name: plan.name, question: plan.question, plan, template: plan.template ?? null, heatlabVersion: this.#version });
    return this.get(id);
  }

  list(): StudySummary[] {
    return this.#repo.list().map((r) => this.#summary(r, this.#pipeline(r)));
  }

  get(id: number): Study {
    const record = this.#record(id);
    const pipeline = this.#pipeline(record);
    return { ...this.#summary(record, pipeline), plan: record.plan, pipeline, members: this.#repo.members(id), heatlabVersion: record.heatlabVersion };
  }

  /**
   * Starts (or resumes) the pipeline; the plan is checked again first, since the catalogue may have
   * changed since it was made. With `cluster`, Slurm must be usable before anything starts.
   */
  async run(id: number, cluster: StudyCluster | null = null): Promise<Study> {
    const record = this.#record(id);
    this.#refuseIfRunning(record);
    if (this.#closing) throw new HeatlabError('conflict', 'Heatlab is shutting down and starts no study.');
    if (cluster !== null) {
      const { availability } = await this.#ports.call('cluster.settings', {});
      if (!availability.available) throw new HeatlabError('invalid_request', availability.reason ?? 'Slurm cannot be used on this machine.');
    }
    const plan = await validatePlan(record.plan, this.#ports);
    if (this.#closing) throw new HeatlabError('conflict', 'Heatlab is shutting down and starts no study.');
    if (!this.#repo.start(id)) this.#refuseIfRunning(this.#record(id));
    const pipeline = new StudyPipeline(id, plan, { ports: this.#ports, repo: this.#repo, events: this.#events }, cluster);
    const finished = pipeline.run().finally(() => this.#running.delete(id));
    this.#running.set(id, { pipeline, finished });
    return this.get(id);
  }

  /** Resolves with the study once its pipeline in this process has stopped (at once when it is not running here). */
  async waitFor(id: number): Promise<Study> {
    await this.#running.get(id)?.finished;
    return this.get(id);
  }

  cancel(id: number): Study {
    const record = this.#record(id);
    const running = this.#running.get(id);
    if (running === undefined) {
      if (record.status === 'running') throw new HeatlabError('conflict', `Study ${id} runs in another Heatlab process (${record.ownerPid}); cancel it there.`);
      throw new HeatlabError('conflict', `Study ${id} is not running (${record.status}).`);
    }
    running.pipeline.stop('cancelled');
    return this.get(id);
  }

  rename(id: number, name: string): Study {
    this.#record(id);
    this.#repo.rename(id, name);
    return this.get(id);
  }

  async delete(id: number, withResults: boolean): Promise<StudyDeletion> {
    const record = this.#record(id);
    this.#refuseIfRunning(record);
    const members = this.#repo.members(id);
    const results = withResults ? await deleteStudyResults(id, members, this.#repo, this.#ports.call) : { removed: [], kept: [] };
    this.#repo.delete(id);
    return { deleted: id, ...results };
  }

  /** Stops every pipeline of this process after its current job (Heatlab is closing); `settled` waits for them. */
  stop(): void {
    this.#closing = true;
    for (const { pipeline } of this.#running.values()) pipeline.stop('interrupted');
  }

  async settled(): Promise<void> {
    await Promise.all([...this.#running.values()].map((r) => r.finished.catch(() => undefined)));
  }

  #record(id: number): StudyRecord {
    const record = this.#repo.get(id);
    if (record === null) throw new HeatlabError('not_found', `There is no study ${id}.`);
    return record;
  }

  #refuseIfRunning(record: StudyRecord): void {
    if (record.status !== 'running') return;
    const where = this.#running.has(record.id) || record.ownerPid === process.pid ? '' : ` in another Heatlab process (${record.ownerPid})`;
    throw new HeatlabError('conflict', `Study ${record.id} is running${where}; cancel it or wait.`);
  }

  #needsMask = (metric: string): boolean => this.#ports.metrics.find((m) => m.id === metric)?.needsMask ?? false;

  #planned(plan: StudyPlan) {
    return plannedSteps(plan, this.#needsMask);
  }

  /** The planned steps with what each has produced: explanation steps are done when every method has its run. */
  #pipeline(record: StudyRecord): StudyStep[] {
    const members = this.#repo.members(record.id);
    const runningSlot = record.status === 'running' ? (record.progress?.step?.slot ?? null) : null;
    return this.#planned(record.plan).map(({ slot, kind, label }) => {
      // An explanation step's runs sit under its slot, one per method.
      const own = members.filter((m) => (kind === 'explain' ? m.slot.startsWith(`${slot}.`) : m.slot === slot));
      const complete = kind === 'explain' ? own.length === record.plan.methods.length : own.length === 1;
      return { slot, kind, label, state: complete ? 'done' : slot === runningSlot ? 'running' : 'pending', members: own };
    });
  }

  #summary(record: StudyRecord, pipeline: StudyStep[]): StudySummary {
    return {
      id: record.id,
      name: record.name,
      question: record.question,
      status: record.status,
      template: record.template === null ? null : { id: record.template.id, size: record.template.size },
      steps: { done: pipeline.filter((s) => s.state === 'done').length, total: pipeline.length },
      counts: countMembers(pipeline.flatMap((s) => s.members)),
      progress: record.progress,
      error: record.error,
      createdAt: record.createdAt,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
    };
  }
}
