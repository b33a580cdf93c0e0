// The catalogue as a lab notebook: every entity with its provenance, disk use, the clean-up of what
// nothing references (through each entity's own delete, which refuses while a job uses it), and the
// sweep of left-over folders the start-up also does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogueDiskUse, CatalogueKind, CleanUpResult, StrayPath, SweepResult, Usage } from '../../shared/catalogue.js';
import { catalogueKinds } from '../../shared/catalogue.js';
import { filterEntities, kindLabel } from '../../shared/catalogue-words.js';
import { HeatlabError } from '../../shared/errors.js';
import type { Job } from '../../shared/jobs.js';
import type { AnnotationSets } from '../annotate/annotation-sets.js';
import { Provenance, refKey } from '../catalogue/provenance.js';
import type { DatasetsService } from '../data/datasets-service.js';
import { removeStaleStaging, stagingPrefix } from '../workspace/staging.js';
import { INPUT_PREFIX, type EvaluationsService } from '../evaluate/evaluations-service.js';
import type { ExplanationsService } from '../explain/explanations-service.js';
import type { JobService } from '../jobs/job-service.js';
import type { ModelsService } from '../train/models-service.js';
import { DiskUse } from '../workspace/disk-use.js';
import { catalogueFileName, type Workspace } from '../workspace/workspace.js';
import type { Handlers } from './router.js';

export interface CatalogueServices {
  workspace: Workspace;
  jobs: JobService;
  datasets: DatasetsService;
  annotations: AnnotationSets;
  models: ModelsService;
  explanations: ExplanationsService;
  evaluations: EvaluationsService;
}

type CatalogueMethods = 'catalogue.entities' | 'catalogue.diskUse' | 'catalogue.clean' | 'catalogue.sweep';

/** Folders under data/ whose numbered entries are entity folders (the ones a sweep looks at). */
const entityFolders = new Set(['datasets', 'models', 'explanations', 'evaluations']);

const active = (job: Job) => job.status === 'queued' || job.status === 'running';

export function catalogueHandlers(s: CatalogueServices): Pick<Handlers, CatalogueMethods> {
  const db = s.workspace.catalogue.db;
  const provenance = new Provenance(db);
  const disk = new DiskUse(s.workspace.dir, catalogueFileName);
  // Each kind's own delete: it refuses while a queued or running job uses the entity (main/jobs/in-use.ts).
  const remove: { [K in CatalogueKind]: (id: number) => void } = {
    dataset: (id) => {
      s.annotations.forget(id);
      s.datasets.delete(id);
    },
    model: (id) => s.models.delete(id),
    run: (id) => s.explanations.delete(id),
    annotationSet: (id) => s.annotations.delete(id),
    evaluation: (id) => s.evaluations.delete(id),
  };
  let measuring: Promise<CatalogueDiskUse> | null = null;

  /** What a stray path under the workspace is: a sweep's to remove, a job's work in progress, or not Heatlab's. */
  function strayState(path: string, activeJobs: readonly Job[]): StrayPath['state'] {
    const parts = path.split(/[\\/]/);
    if (parts[0] !== 'data' || parts.length !== 3) return 'other';
    const [, kind, entry] = parts as [string, string, string];
    if (entry.startsWith(stagingPrefix)) return activeJobs.some((j) => `${stagingPrefix}${j.id}` === entry) ? 'in-progress' : 'left-over';
    // An evaluation's ground-truth masks are written when it is queued, under a name that does not say whose they are.
    if (kind === 'evaluations' && entry.startsWith(INPUT_PREFIX)) return activeJobs.some((j) => j.kind === 'evaluate.run') ? 'in-progress' : 'left-over';
    return entityFolders.has(kind) && /^\d+$/.test(entry) ? 'left-over' : 'other';
  }

  async function measure(): Promise<CatalogueDiskUse> {
    const places = provenance.places();
    const usage = await disk.measure(places.map((p) => ({ key: refKey(p), stamp: p.createdAt, paths: p.paths, exclude: p.exclude })));
    // An entity recorded while the folders were walked has a folder but had no row when the walk began.
    const now = new Set(provenance.places().flatMap((p) => p.paths));
    const activeJobs = s.jobs.list(1000, ['queued', 'running']).filter(active);
    const entities = places.map((p) => ({ kind: p.kind, id: p.id, ...usage.places.get(refKey(p))!, inCatalogue: p.inCatalogue }));
    const kinds = catalogueKinds.map((kind) => {
      const of = entities.filter((e) => e.kind === kind);
      return { kind, count: of.length, bytes: sum(of, 'bytes'), files: sum(of, 'files') };
    });
    const stray = usage.unclaimed.filter((u) => !now.has(u.path)).map((u): StrayPath => ({ ...u, state: strayState(u.path, activeJobs) }));
    return { entities, kinds, catalogue: usage.catalogue, stray, total: usage.total, computedAt: new Date().toISOString() };
  }

  /** One measurement at a time: callers that ask while one is under way share it. */
  function diskUse(): Promise<CatalogueDiskUse> {
    measuring ??= measure().finally(() => (measuring = null));
    return measuring;
  }

  return {
    'catalogue.entities': ({ kinds, search, unreferenced }) => filterEntities(provenance.entities(), { kinds, search, unreferenced }),

    'catalogue.diskUse': () => diskUse(),

    'catalogue.clean': async ({ entities }) => {
      const sizes = new Map((await diskUse()).entities.map((e) => [refKey(e), e.bytes]));
      // From here on nothing awaits: no job can record a new run on a model between its check and its delete.
      const graph = new Map(provenance.entities().map((e) => [refKey(e), e]));
      const result: CleanUpResult = { deleted: [], kept: [], bytes: 0 };
      const asked = new Map(entities.map((r) => [refKey(r), r]));
      for (const ref of asked.values()) {
        const entity = graph.get(refKey(ref));
        if (entity === undefined) {
          result.kept.push({ ...ref, name: `${kindLabel(ref.kind)} ${ref.id}`, reason: `There is no ${kindLabel(ref.kind).toLowerCase()} ${ref.id} any more.` });
          continue;
        }
        if (!entity.unreferenced) {
          const user = entity.children[0]!;
          const more = entity.children.length > 1 ? ` and ${entity.children.length - 1} more` : '';
          result.kept.push({ ...ref, name: entity.name, reason: `${kindLabel(ref.kind)} "${entity.name}" is used by ${kindLabel(user.kind).toLowerCase()} "${user.name}"${more}, so it was kept.` });
          continue;
        }
        try {
          remove[ref.kind](ref.id);
          const bytes = sizes.get(refKey(ref)) ?? 0;
          result.deleted.push({ ...ref, name: entity.name, bytes });
          result.bytes += bytes;
        } catch (err) {
          if (!(err instanceof HeatlabError)) throw err;
          result.kept.push({ ...ref, name: entity.name, reason: err.message });
        }
      }
      // As after any delete: folders of rows a cascade removed follow (none for entities nothing references, but it costs little).
      s.explanations.sweep();
      s.evaluations.sweep();
      return result;
    },

    'catalogue.sweep': async (): Promise<SweepResult> => {
      const before = (await diskUse()).stray.filter((p) => p.state === 'left-over');
      const activeJobs = s.jobs.list(1000, ['queued', 'running']).filter(active);
      // Under the catalogue's write lock, as at start-up: a folder being moved into place has its row committed first.
      db.transaction(() => {
        s.datasets.sweep();
        s.models.sweep();
        s.explanations.sweep();
        s.evaluations.sweep(!activeJobs.some((j) => j.kind === 'evaluate.run'));
      }).immediate();
      removeStaleStaging(s.workspace.dataDir, (id) => {
        const status = s.jobs.statusOf(id);
        return status === 'queued' || status === 'running';
      });
      const removed = before.filter((p) => !existsSync(join(s.workspace.dir, p.path)));
      return { removed, bytes: sum(removed, 'bytes') };
    },
  };
}

const sum = <T extends Usage>(list: readonly T[], field: keyof Usage) => list.reduce((total, u) => total + u[field], 0);
