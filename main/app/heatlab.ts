// Assembles one running Heatlab: workspace and catalogue, job service with its compute host,
// event bus and router. Transports (Electron, browser mode, CLI) wrap what this returns.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo } from '../../shared/api.js';
import { EventBus } from '../jobs/event-bus.js';
import { createHandlers } from '../api/handlers.js';
import { Router } from '../api/router.js';
import { AnnotationSetsRepository } from '../catalogue/annotation-sets-repository.js';
import { DatasetsRepository } from '../catalogue/datasets-repository.js';
import { ModelsRepository } from '../catalogue/models-repository.js';
import { ModelsService } from '../train/models-service.js';
import { ExplanationsRepository } from '../catalogue/explanations-repository.js';
import { ExplanationsService } from '../explain/explanations-service.js';
import { EvaluationsRepository } from '../catalogue/evaluations-repository.js';
import { EvaluationsService } from '../evaluate/evaluations-service.js';
import type { EvaluateJobParams } from '../../shared/evaluations.js';
import type { ExplainHostDetail, ExplainJobParams } from '../../shared/explanations.js';
import { AnnotationSets } from '../annotate/annotation-sets.js';
import { JobsRepository } from '../catalogue/jobs-repository.js';
import { DatasetsService } from '../data/datasets-service.js';
import { removeStaleStaging, stagingPrefix } from '../workspace/staging.js';
import { forkHostLauncher, type HostLauncher } from '../jobs/host-launcher.js';
import { activeJobsGuard } from '../jobs/in-use.js';
import { JobService } from '../jobs/job-service.js';
import { explainDiskFull } from '../workspace/disk-full.js';
import { openWorkspace, type Workspace } from '../workspace/workspace.js';
import { appVersion, cliEntry, hostEntry } from './paths.js';
import { ClusterRunner } from '../cluster/cluster-runner.js';
import { ClusterService } from '../cluster/cluster-service.js';
import { shellQuote } from '../cluster/sbatch-script.js';
import { Slurm, slurmAvailability } from '../cluster/slurm.js';
import { StudiesRepository } from '../catalogue/studies-repository.js';
import { StudiesService } from '../study/studies-service.js';
import { studyPorts } from './study-ports.js';
import { createInProcessApi } from '../api/in-process.js';
import type { Api } from '../../shared/api.js';
import { chromiumPrinter, type PdfPrinter } from '../study/report/pdf.js';
import { StudyReports } from '../study/study-reports.js';
import { StudyBundles } from '../study/study-bundles.js';
import { downloadsFolder } from '../workspace/downloads.js';
import { reportSourcesFromApi } from './report-sources.js';

export interface Heatlab {
  router: Router;
  events: EventBus;
  jobs: JobService;
  datasets: DatasetsService;
  models: ModelsService;
  explanations: ExplanationsService;
  evaluations: EvaluationsService;
  studies: StudiesService;
  studyBundles: StudyBundles;
  cluster: ClusterService;
  workspace: Workspace;
  close(): Promise<void>;
}

export interface HeatlabOptions {
  workspaceDir: string;
  mode: AppInfo['mode'];
  /** How to start the compute host; defaults to forking the built host bundle. */
  launcher?: HostLauncher;
  /** Start the compute host immediately instead of on first use. */
  warmUp?: boolean;
  /** How reports become PDFs: Electron's printer in the desktop app; the machine's Chromium otherwise. */
  printPdf?: PdfPrinter;
  /** Where exports go when no folder is named: Electron's Downloads folder in the desktop app; ~/Downloads otherwise. */
  downloadsDir?: () => string;
}

export function openHeatlab(options: HeatlabOptions): Heatlab {
  const workspace = openWorkspace(options.workspaceDir);
  try {
    return assemble(workspace, options);
  } catch (err) {
    workspace.close();
    throw explainDiskFull(err, workspace.dir, 'Heatlab cannot start');
  }
}

function assemble(workspace: Workspace, options: HeatlabOptions): Heatlab {
  const events = new EventBus();
  const version = appVersion();
  const jobRows = new JobsRepository(workspace.catalogue.db);
  // A delete is refused while a queued or running job uses the entity (its result would fail to record).
  const inUse = activeJobsGuard(() => jobRows.active());
  const annotationRows = new AnnotationSetsRepository(workspace.catalogue.db);
  const datasets = new DatasetsService({
    workspace: workspace.dir,
    repo: new DatasetsRepository(workspace.catalogue.db),
    annotations: annotationRows,
    version,
    inUse,
  });
  const annotations = new AnnotationSets(workspace.dir, annotationRows, datasets, inUse);
  const models = new ModelsService({ workspace: workspace.dir, repo: new ModelsRepository(workspace.catalogue.db), version, inUse });
  const explanations = new ExplanationsService({ workspace: workspace.dir, repo: new ExplanationsRepository(workspace.catalogue.db), models, datasets, version, inUse });
  const evaluations = new EvaluationsService({ workspace: workspace.dir, repo: new EvaluationsRepository(workspace.catalogue.db), explanations, models, datasets, annotations, version });
  sweepOrphans(workspace, () => {
    datasets.sweep();
    models.sweep();
    explanations.sweep();
    evaluations.sweep();
  });
  // Cluster jobs run on Slurm; main follows them (only Slurm's own commands are run, and only for them).
  const clusterRunner = new ClusterRunner({
    workspace: workspace.dir,
    slurm: new Slurm(),
    version,
    // ELECTRON_RUN_AS_NODE lets Electron's binary run the CLI bundle as Node would; Node ignores it.
    defaultHeatlab: `env ELECTRON_RUN_AS_NODE=1 ${shellQuote(process.execPath)} ${shellQuote(cliEntry())}`,
    job: (id) => jobRows.get(id),
  });
  const cluster = new ClusterService({ workspace: workspace.dir, availability: () => slurmAvailability() });
  const jobs = new JobService({
    repo: jobRows,
    launcher: options.launcher ?? forkHostLauncher(hostEntry()),
    events,
    workspace: workspace.dir,
    finalizers: {
      'datasets.generate': (staged, job) => ({ datasetId: datasets.register(staged, job.id).dataset.id }),
      'datasets.import': (staged, job) => {
        const { dataset, annotationSetId } = datasets.register(staged, job.id);
        return { datasetId: dataset.id, annotationSetId };
      },
      'models.train': (staged, job) => ({ modelId: models.register(staged, job.id).id }),
      'explain.run': (staged, job) => ({ runIds: explanations.register(staged, job.id) }),
      'models.import': (staged, job) => ({ modelId: models.registerImported(staged, job.id).id }),
      'evaluate.run': (staged, job) => ({ evaluationId: evaluations.register(staged, job.id) }),
    },
    progressHooks: {
      // Each method's run is recorded when it finishes, so the viewer can show it while the job goes on.
      'explain.run': (detail, job) => explanations.recordFinished(detail as ExplainHostDetail, job.params as ExplainJobParams, job.id),
    },
    external: { 'cluster.explain': clusterRunner, 'cluster.evaluate': clusterRunner },
    onUnsuccessful: (job) => {
      explanations.forgetJob(job.id);
      if (job.kind === 'evaluate.run') evaluations.forgetJob(job.params as EvaluateJobParams);
      removeStaging(workspace.dataDir, job.id);
    },
  });
  removeStaleStaging(workspace.dataDir, (id) => {
    const status = jobs.statusOf(id);
    return status === 'queued' || status === 'running';
  });
  // A study runs its steps through the router it is served by: the ports read it once it exists.
  let router: Router | null = null;
  const ports = studyPorts(() => router!, jobs);
  const studies = new StudiesService({ repo: new StudiesRepository(workspace.catalogue.db), ports, events, version });
  // Reports read the catalogue through the Api itself, as the command line's `heatlab report` does.
  let api: Api | null = null;
  const studyReports = new StudyReports({
    study: (id) => studies.get(id),
    sources: reportSourcesFromApi(() => (api ??= createInProcessApi(router!, events)), version),
    print: options.printPdf ?? chromiumPrinter,
  });
  const studyBundles = new StudyBundles({
    study: (id) => studies.get(id),
    call: ports.call,
    workspace: workspace.dir,
    software: async () => {
      const { engines } = await jobs.engines();
      return { heatlab: version, node: process.versions.node, platform: `${process.platform}-${process.arch}`, ort: engines?.ort.version ?? null, tfjs: engines?.tfjs.tfjsVersion ?? null, tfjsBackend: engines?.tfjs.backend ?? null };
    },
    reportHtml: async (id) => (await studyReports.report(id)).html,
  });
  const downloads = options.downloadsDir ?? (() => downloadsFolder());
  router = new Router(
    createHandlers({ mode: options.mode, version, workspace, jobs, datasets, annotations, models, explanations, evaluations, studies, cluster, studyReports, studyBundles, downloads }),
    (err) => explainDiskFull(err, workspace.dir, 'Heatlab cannot write what this request needs'),
  );
  if (options.warmUp) jobs.warmUp();
  let closing: Promise<void> | null = null;
  return {
    router,
    events,
    jobs,
    datasets,
    models,
    explanations,
    evaluations,
    studies,
    studyBundles,
    cluster,
    workspace,
    close: () => {
      // Studies stop after their current job and record that they were interrupted before the catalogue closes.
      if (closing === null) studies.stop();
      return (closing ??= jobs
        .close()
        .then(() => studies.settled())
        .finally(() => {
          datasets.close();
          annotations.close();
          workspace.close();
        }));
    },
  };
}

/**
 * Removes entity folders without a row, under the catalogue's write lock: another Heatlab on this
 * workspace holds that lock from moving a folder into place until its row is committed, so a folder
 * without a row here is truly left over. If the lock is busy the sweep waits for the next start.
 */
function sweepOrphans(workspace: Workspace, sweep: () => void): void {
  try {
    workspace.catalogue.db.transaction(sweep).immediate();
  } catch (err) {
    console.error(`Left-over folders were not swept this time: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Removes what an unsuccessful job may have staged under data/<kind>/. */
function removeStaging(dataDir: string, jobId: number): void {
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (entry.isDirectory()) rmSync(join(dataDir, entry.name, `${stagingPrefix}${jobId}`), { recursive: true, force: true });
  }
}
