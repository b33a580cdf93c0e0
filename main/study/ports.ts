// What a study needs of the rest of Heatlab, passed in by the composition root: the API's own
// methods (so every step is checked and run exactly as the same request from the UI would be), a
// way to wait for a job, and the registries' parameter schemas for checking a plan before it runs.
// Nothing below the study imports it.
import type { z } from 'zod';
import type { ApiRequest, ApiResults } from '../../shared/api.js';
import type { GeneratorId, MaskKind } from '../../shared/generators.js';
import type { Job } from '../../shared/jobs.js';

/** The API methods a study calls. */
export type StudyMethod =
  | 'datasets.list'
  | 'datasets.get'
  | 'datasets.generate'
  | 'datasets.import'
  | 'datasets.inspect'
  | 'datasets.delete'
  | 'models.list'
  | 'models.get'
  | 'models.train'
  | 'models.import'
  | 'models.inspectOnnx'
  | 'models.delete'
  | 'explain.start'
  | 'explanations.list'
  | 'explanations.get'
  | 'explanations.delete'
  | 'evaluate.start'
  | 'evaluations.list'
  | 'evaluations.get'
  | 'evaluations.delete'
  | 'annotations.list'
  | 'annotations.get'
  | 'jobs.get'
  | 'jobs.cancel'
  // The bundle reads these to carry and compare a study's scores and ground truths.
  | 'evaluations.scores'
  // A study run on the cluster submits its explanation and evaluation steps there.
  | 'cluster.settings'
  | 'cluster.explain'
  | 'cluster.evaluate'
  | 'datasets.masks'
  | 'annotations.masks';

/** Calls an API method; a refusal is thrown as the HeatlabError the API answered with. */
export type CallApi = <M extends StudyMethod>(method: M, request: ApiRequest<M>) => Promise<ApiResults[M]>;

/** An explanation method or metric as a plan names it. */
export interface RegistryEntry {
  id: string;
  label: string;
  params: z.ZodType;
}

export interface MetricEntry extends RegistryEntry {
  needsMask: boolean;
  /** The parameters as an evaluation of images of this size records them (size-dependent defaults filled in). */
  fit(params: Record<string, unknown>, geometry: { height: number; width: number }): Record<string, unknown>;
}

/** What a generated dataset will be, known from its parameters before it exists. */
export interface GeneratedShape {
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  maskKinds: readonly MaskKind[];
}

export interface StudyPorts {
  call: CallApi;
  /** Resolves with the job once it reaches a final status. */
  waitForJob(id: number): Promise<Job>;
  methods: readonly RegistryEntry[];
  metrics: readonly MetricEntry[];
  /** `params`: the generator's parameters, parsed (defaults filled in). */
  generated(generator: GeneratorId, params: Record<string, unknown>): GeneratedShape;
}
