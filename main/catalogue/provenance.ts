// The catalogue's provenance graph, read in one pass: every entity with what it was made from
// (parents) and what was made from it (children), and where its files are. The edges are the
// catalogue's own foreign keys:
//   model → dataset (trained on it, or tested on it at import)      annotation set → dataset
//   explanation run → model, dataset                                evaluation → runs, ground truth
// An entity without children is unreferenced: deleting it takes nothing else with it.
import type { Database, Statement } from 'better-sqlite3';
import type { CatalogueEntity, CatalogueLink, CatalogueRef } from '../../shared/catalogue.js';
import { catalogueKinds } from '../../shared/catalogue.js';
import type { GroundTruth } from '../../shared/evaluations.js';
import { datasetFolder } from './datasets-repository.js';
import {
  annotationSetFacts,
  datasetFacts,
  evaluationFacts,
  modelFacts,
  runFacts,
  type AnnotationSetRow,
  type DatasetRow,
  type EntityFacts,
  type EvaluationRow,
  type ModelRow,
  type RunRow,
} from './entity-facts.js';
import { evaluationFolder } from './evaluations-repository.js';
import { runFolder } from './explanations-repository.js';
import { modelFolder } from './models-repository.js';

/** Where an entity's bytes are: workspace-relative paths, less those inside them that belong to another entity. */
export interface EntityPlace extends CatalogueRef {
  /** Changes whenever the id is taken by a new row (SQLite may reuse the largest id after a delete). */
  createdAt: string;
  paths: string[];
  exclude: string[];
  /** Bytes of its rows inside the catalogue database (an annotation set's saved masks). */
  inCatalogue: number;
}

/** A key for an entity in maps: "model:3". */
export const refKey = (r: CatalogueRef): string => `${r.kind}:${r.id}`;

const kindOrder = new Map(catalogueKinds.map((k, i) => [k, i]));

export class Provenance {
  readonly #db: Database;
  readonly #datasets: Statement<[], DatasetRow>;
  readonly #models: Statement<[], ModelRow>;
  readonly #runs: Statement<[], RunRow>;
  readonly #evaluations: Statement<[], EvaluationRow & { model_id: number; dataset_id: number }>;
  readonly #evaluationRuns: Statement<[], { evaluation_id: number; run_id: number }>;
  readonly #sets: Statement<[], AnnotationSetRow>;
  readonly #setFiles: Statement<[], { set_id: number; path: string }>;
  readonly #setMasks: Statement<[], { set_id: number; bytes: number }>;
  /** Ids and creation times only, per table: all that measuring disk use needs of the rows. */
  readonly #ids: Map<string, Statement<[], { id: number; created_at: string }>>;

  constructor(db: Database) {
    this.#db = db;
    this.#datasets = db.prepare(
      `SELECT id, name, source, generator, params, seed, count, height, width, channels, dtype, json_array_length(class_names) AS classes, job_id, heatlab_version, created_at FROM datasets`,
    );
    // The epoch history can be long: only its length is read.
    this.#models = db.prepare(`SELECT id, name, source, dataset_id, dataset_name, architecture, architecture_spec, training, preprocessing, backend,
        json_array_length(epochs) AS epochs_run, stop_reason, test_accuracy, parameters, onnx, job_id, heatlab_version, created_at FROM models`);
    // Class names (a thousand for an ImageNet model) are read only where the words name a class.
    this.#runs = db.prepare(`SELECT r.id, r.name, r.model_id, m.name AS model_name, r.dataset_id, r.method_label, r.params, r.target, r.selection,
        CASE WHEN json_type(r.target) = 'object' OR json_extract(r.selection, '$.label') IS NOT NULL THEN r.class_names ELSE '[]' END AS class_names,
        r.count, r.per_image, r.seed, r.engine, r.stats, r.job_id, r.heatlab_version, r.created_at
      FROM explanation_runs r LEFT JOIN models m ON m.id = r.model_id`);
    // The rankings hold every pairwise test: only the first metric's best column is read.
    this.#evaluations = db.prepare(`SELECT id, name, model_id, dataset_id, ground_truth, ground_truth_label, count, per_image, columns, metrics,
        json_extract(rankings, '$[0].best') AS best, seed, resamples, level, engine, job_id, heatlab_version, created_at FROM evaluations`);
    this.#evaluationRuns = db.prepare(`SELECT evaluation_id, run_id FROM evaluation_runs ORDER BY evaluation_id, position`);
    this.#sets = db.prepare(`SELECT s.id, s.dataset_id, d.count AS dataset_count, s.name, s.annotator, s.labels, s.source, s.seed, s.created_at,
        (SELECT COUNT(*) FROM annotation_masks m WHERE m.set_id = s.id) AS annotated
      FROM annotation_sets s JOIN datasets d ON d.id = s.dataset_id`);
    this.#setFiles = db.prepare(`SELECT annotation_set_id AS set_id, path FROM arrays WHERE annotation_set_id IS NOT NULL`);
    this.#setMasks = db.prepare(`SELECT set_id, SUM(length(mask)) AS bytes FROM annotation_masks GROUP BY set_id`);
    this.#ids = new Map(['datasets', 'models', 'explanation_runs', 'annotation_sets', 'evaluations'].map((t) => [t, db.prepare(`SELECT id, created_at FROM ${t}`)]));
  }

  /** Every entity with its provenance, newest first. One read transaction, so the graph is consistent. */
  entities(): CatalogueEntity[] {
    return this.#db.transaction(() => this.#graph())();
  }

  /** Where every entity's files are, for measuring disk use. */
  places(): EntityPlace[] {
    return this.#db.transaction(() => {
      const setFiles = this.#setFiles.all();
      const masks = new Map(this.#setMasks.all().map((m) => [m.set_id, m.bytes]));
      const places: EntityPlace[] = [];
      const rows = (table: string) => this.#ids.get(table)!.all();
      for (const d of rows('datasets')) {
        const folder = datasetFolder(d.id);
        // Masks imported with a dataset sit in its folder but are the annotation set's.
        const inside = setFiles.filter((f) => f.path.startsWith(`${folder}/`) || f.path.startsWith(`${folder}\\`)).map((f) => f.path);
        places.push({ kind: 'dataset', id: d.id, createdAt: d.created_at, paths: [folder], exclude: inside, inCatalogue: 0 });
      }
      for (const m of rows('models')) places.push({ kind: 'model', id: m.id, createdAt: m.created_at, paths: [modelFolder(m.id)], exclude: [], inCatalogue: 0 });
      for (const r of rows('explanation_runs')) places.push({ kind: 'run', id: r.id, createdAt: r.created_at, paths: [runFolder(r.id)], exclude: [], inCatalogue: 0 });
      for (const s of rows('annotation_sets')) {
        const paths = setFiles.filter((f) => f.set_id === s.id).map((f) => f.path);
        places.push({ kind: 'annotationSet', id: s.id, createdAt: s.created_at, paths, exclude: [], inCatalogue: masks.get(s.id) ?? 0 });
      }
      for (const e of rows('evaluations')) places.push({ kind: 'evaluation', id: e.id, createdAt: e.created_at, paths: [evaluationFolder(e.id)], exclude: [], inCatalogue: 0 });
      return places;
    })();
  }

  #graph(): CatalogueEntity[] {
    const facts = new Map<string, EntityFacts>();
    const edges: { from: CatalogueRef; to: CatalogueRef; role: string }[] = [];
    const add = (f: EntityFacts) => facts.set(refKey(f), f);

    for (const d of this.#datasets.all()) add(datasetFacts(d));
    for (const m of this.#models.all()) {
      add(modelFacts(m));
      if (m.dataset_id !== null) edges.push({ from: { kind: 'model', id: m.id }, to: { kind: 'dataset', id: m.dataset_id }, role: m.source === 'trained' ? 'trained on' : 'tested on' });
    }
    for (const s of this.#sets.all()) {
      add(annotationSetFacts(s));
      edges.push({ from: { kind: 'annotationSet', id: s.id }, to: { kind: 'dataset', id: s.dataset_id }, role: s.source === 'imported' ? 'imported with' : 'drawn on' });
    }
    for (const r of this.#runs.all()) {
      add(runFacts(r));
      edges.push({ from: { kind: 'run', id: r.id }, to: { kind: 'model', id: r.model_id }, role: 'explains' });
      edges.push({ from: { kind: 'run', id: r.id }, to: { kind: 'dataset', id: r.dataset_id }, role: 'images of' });
    }
    const runsOf = new Map<number, number[]>();
    for (const { evaluation_id, run_id } of this.#evaluationRuns.all()) append(runsOf, evaluation_id, run_id);
    for (const e of this.#evaluations.all()) {
      add(evaluationFacts(e));
      const from: CatalogueRef = { kind: 'evaluation', id: e.id };
      for (const run of runsOf.get(e.id) ?? []) edges.push({ from, to: { kind: 'run', id: run }, role: 'scores' });
      const truth = e.ground_truth === null ? null : (JSON.parse(e.ground_truth) as GroundTruth);
      if (truth?.kind === 'set') edges.push({ from, to: { kind: 'annotationSet', id: truth.id }, role: 'ground truth' });
      if (truth?.kind === 'generated') edges.push({ from, to: { kind: 'dataset', id: e.dataset_id }, role: 'generated ground truth' });
    }

    const parents = new Map<string, CatalogueLink[]>();
    const children = new Map<string, CatalogueLink[]>();
    for (const { from, to, role } of edges) {
      const made = facts.get(refKey(from));
      const source = facts.get(refKey(to));
      // An annotation set named as ground truth may have been deleted since; the evaluation keeps its label in words.
      if (made === undefined || source === undefined) continue;
      append(parents, refKey(from), { ...to, name: source.name, role });
      append(children, refKey(to), { ...from, name: made.name, role });
    }
    return [...facts.values()]
      .map((f): CatalogueEntity => {
        const used = children.get(refKey(f)) ?? [];
        return { ...f, parents: parents.get(refKey(f)) ?? [], children: used, unreferenced: used.length === 0 };
      })
      .sort((a, b) => compareText(b.createdAt, a.createdAt) || kindOrder.get(b.kind)! - kindOrder.get(a.kind)! || b.id - a.id);
  }
}

/** ISO timestamps order as plain strings; localeCompare would ask ICU thousands of times for nothing. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
