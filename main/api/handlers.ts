// The handler table: one entry per API method, each delegating to a service.
import type { AppInfo } from '../../shared/api.js';
import type { AnnotationSets } from '../annotate/annotation-sets.js';
import type { DatasetsService } from '../data/datasets-service.js';
import type { JobService } from '../jobs/job-service.js';
import type { Workspace } from '../workspace/workspace.js';
import { browseFolder } from '../workspace/folder-browser.js';
import { FolderGrants } from '../workspace/folder-grants.js';
import { saveFile } from '../workspace/save-file.js';
import type { ModelsService } from '../train/models-service.js';
import type { ExplanationsService } from '../explain/explanations-service.js';
import type { EvaluationsService } from '../evaluate/evaluations-service.js';
import { catalogueHandlers } from './catalogue-handlers.js';
import type { StudiesService } from '../study/studies-service.js';
import type { StudyReports } from '../study/study-reports.js';
import type { StudyBundles } from '../study/study-bundles.js';
import { ensureFolder } from '../workspace/downloads.js';
import type { ClusterService } from '../cluster/cluster-service.js';
import { clusterHandlers } from './cluster-handlers.js';
import { evaluationHandlers } from './evaluation-handlers.js';
import { annotationHandlers } from './annotation-handlers.js';
import { datasetHandlers } from './dataset-handlers.js';
import { explanationHandlers } from './explanation-handlers.js';
import { modelHandlers } from './model-handlers.js';
import { studyHandlers } from './study-handlers.js';
import type { Handlers } from './router.js';

export interface Services {
  mode: AppInfo['mode'];
  version: string;
  workspace: Workspace;
  jobs: JobService;
  datasets: DatasetsService;
  annotations: AnnotationSets;
  models: ModelsService;
  explanations: ExplanationsService;
  evaluations: EvaluationsService;
  studies: StudiesService;
  cluster: ClusterService;
  studyReports: StudyReports;
  studyBundles: StudyBundles;
  /** The Downloads folder, where an export goes when the request names no folder. */
  downloads: () => string;
}

export function createHandlers(s: Services): Handlers {
  const data = datasetHandlers(s.datasets, s.annotations, s.jobs);
  const models = modelHandlers(s.models, s.datasets, s.jobs);
  const explanations = explanationHandlers(s.explanations, s.datasets, s.jobs);
  const annotations = annotationHandlers(s.annotations);
  // Every write outside the workspace goes into a folder the user chose in the picker (DESIGN.md, "Security and offline promise").
  const grants = new FolderGrants(s.workspace.dir);
  return {
    'app.info': async () => {
      const { engines, error } = await s.jobs.engines();
      return {
        name: 'Heatlab',
        version: s.version,
        mode: s.mode,
        workspace: s.workspace.dir,
        catalogue: { path: s.workspace.catalogue.path, schemaVersion: s.workspace.catalogue.schemaVersion },
        engines,
        enginesError: error,
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
      };
    },
    'jobs.list': async ({ limit, status }) => {
      // Jobs on a cluster: their progress from Slurm now, not from the last poll.
      await s.jobs.refreshExternal();
      return s.jobs.list(limit, status);
    },
    'jobs.get': ({ id }) => s.jobs.get(id),
    'jobs.cancel': ({ id, keep }) => s.jobs.cancel(id, keep),
    'engine.check': (params) => s.jobs.submit('engine.check', params),
    ...data,
    ...models,
    'models.export': (request) => models['models.export']({ ...request, folder: grants.writable(request.folder) }),
    // Deleting a model or dataset cascades to its explanation runs' and evaluations' rows (deleting a run, to the evaluations that scored it); their folders follow.
    'datasets.delete': (request) => sweepingAfter(data['datasets.delete'](request)),
    'models.delete': (request) => sweepingAfter(models['models.delete'](request)),
    ...explanations,
    'explanations.delete': (request) => sweepingAfter(explanations['explanations.delete'](request)),
    ...evaluationHandlers(s.evaluations, s.jobs),
    ...clusterHandlers(s.cluster, s.explanations, s.evaluations, s.jobs),
    ...annotations,
    ...studyHandlers(s.studies),
    'studies.report': ({ id }) => s.studyReports.report(id),
    'studies.saveReport': ({ id, folder, pdf }) => s.studyReports.save(id, exportFolder(folder), pdf),
    'studies.export': ({ id, folder }) => s.studyBundles.export(id, exportFolder(folder)),
    'annotations.export': (request) => annotations['annotations.export']({ ...request, folder: grants.writable(request.folder) }),
    ...catalogueHandlers(s),
    'files.browse': ({ path, hidden }) => browseFolder(path, hidden, s.workspace.dir),
    'files.grant': ({ path }) => grants.grant(path),
    'files.save': ({ folder, name, data }) => saveFile(grants.writable(folder), name, data),
  };

  /** A granted folder, or the Downloads folder (made when missing) under the same rules as a granted one. */
  function exportFolder(folder: string | undefined): string {
    return folder === undefined ? grants.usable(ensureFolder(s.downloads())) : grants.writable(folder);
  }

  async function sweepingAfter<T>(result: T | Promise<T>): Promise<T> {
    const value = await result;
    s.explanations.sweep();
    s.evaluations.sweep();
    return value;
  }
}
