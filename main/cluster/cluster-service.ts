// The cluster in main: the workspace's settings, whether this machine can submit to Slurm, and
// the parameters of a cluster job for work the explanation or evaluation service has checked.
import type { ClusterAvailability, ClusterJobParams, ClusterSettings, ClusterSettingsView } from '../../shared/cluster.js';
import { HeatlabError } from '../../shared/errors.js';
import type { EvaluateJobParams } from '../../shared/evaluations.js';
import type { ExplainJobParams } from '../../shared/explanations.js';
import { checkClusterWork } from './plan-work.js';
import { readClusterSettings, saveClusterSettings } from './settings-store.js';

export class ClusterService {
  readonly #workspace: string;
  readonly #availability: () => ClusterAvailability;

  constructor(options: { workspace: string; availability: () => ClusterAvailability }) {
    this.#workspace = options.workspace;
    this.#availability = options.availability;
  }

  view(): ClusterSettingsView {
    return { settings: readClusterSettings(this.#workspace), availability: this.#availability() };
  }

  save(changes: Partial<ClusterSettings>): ClusterSettingsView {
    saveClusterSettings(this.#workspace, changes);
    return this.view();
  }

  /** Refuses, in one sentence, when this machine cannot submit to Slurm. */
  requireAvailable(): void {
    const { available, reason } = this.#availability();
    if (!available) throw new HeatlabError('engine_unavailable', reason ?? 'Slurm cannot be used from this machine.');
  }

  explainParams(work: ExplainJobParams, shards: number): ClusterJobParams<ExplainJobParams> {
    const params = { work, shards, settings: readClusterSettings(this.#workspace) };
    checkClusterWork({ kind: 'explain', params });
    return params;
  }

  evaluateParams(work: EvaluateJobParams, shards: number): ClusterJobParams<EvaluateJobParams> {
    return { work, shards, settings: readClusterSettings(this.#workspace) };
  }
}
