// Numbered schema migrations (Signal-Desktop style): migration N takes the catalogue from
// version N-1 to N. Never edit a shipped migration; add the next one.
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  /** What the migration adds, for logs and errors. */
  name: string;
  up(db: Database): void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'jobs',
    up(db) {
      db.exec(`
        CREATE TABLE jobs (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
          params TEXT NOT NULL,
          created_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT,
          progress TEXT,
          error TEXT,
          result TEXT,
          owner_pid INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX jobs_by_status ON jobs (status);
      `);
    },
  },
  {
    version: 2,
    name: 'datasets and their array files',
    up(db) {
      db.exec(`
        CREATE TABLE datasets (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('generated', 'imported')),
          generator TEXT,
          params TEXT NOT NULL,
          seed INTEGER,
          count INTEGER NOT NULL CHECK (count > 0),
          height INTEGER NOT NULL,
          width INTEGER NOT NULL,
          channels INTEGER NOT NULL,
          dtype TEXT NOT NULL CHECK (dtype IN ('uint8', 'uint16')),
          class_names TEXT NOT NULL,
          class_counts TEXT NOT NULL,
          param_columns TEXT NOT NULL,
          mask_kinds TEXT NOT NULL,
          report TEXT,
          job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
          heatlab_version TEXT NOT NULL,
          seconds REAL NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE arrays (
          id INTEGER PRIMARY KEY,
          dataset_id INTEGER REFERENCES datasets (id) ON DELETE CASCADE,
          role TEXT NOT NULL,
          path TEXT NOT NULL UNIQUE,
          dtype TEXT NOT NULL,
          shape TEXT NOT NULL,
          sha256 TEXT NOT NULL,
          bytes INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX arrays_by_dataset ON arrays (dataset_id);
      `);
    },
  },
  {
    version: 3,
    name: 'annotation sets',
    up(db) {
      db.exec(`
        CREATE TABLE annotation_sets (
          id INTEGER PRIMARY KEY,
          dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          annotator TEXT NOT NULL,
          labels TEXT NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('empty', 'generated', 'imported')),
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX annotation_sets_by_dataset ON annotation_sets (dataset_id);
        ALTER TABLE arrays ADD COLUMN annotation_set_id INTEGER REFERENCES annotation_sets (id) ON DELETE CASCADE;
      `);
    },
  },
  {
    version: 4,
    name: 'models',
    up(db) {
      db.exec(`
        CREATE TABLE models (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          source TEXT NOT NULL CHECK (source IN ('trained', 'imported')),
          dataset_id INTEGER REFERENCES datasets (id) ON DELETE SET NULL,
          dataset_name TEXT,
          architecture TEXT NOT NULL,
          architecture_spec TEXT,
          layers TEXT NOT NULL,
          parameters INTEGER NOT NULL,
          class_names TEXT NOT NULL,
          training TEXT,
          preprocessing TEXT NOT NULL,
          backend TEXT,
          epochs TEXT NOT NULL,
          stop_reason TEXT,
          stop_note TEXT,
          test TEXT,
          test_accuracy REAL,
          onnx TEXT NOT NULL,
          tfjs TEXT,
          job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
          heatlab_version TEXT NOT NULL,
          seconds REAL NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX models_by_dataset ON models (dataset_id);
        ALTER TABLE arrays ADD COLUMN model_id INTEGER REFERENCES models (id) ON DELETE CASCADE;
      `);
    },
  },
  {
    version: 5,
    name: 'explanation runs',
    up(db) {
      db.exec(`
        CREATE TABLE explanation_runs (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          model_id INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
          dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
          method TEXT NOT NULL,
          method_label TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('graph', 'perturbation')),
          params TEXT NOT NULL,
          target TEXT NOT NULL,
          selection TEXT NOT NULL,
          class_names TEXT NOT NULL,
          count INTEGER NOT NULL CHECK (count > 0),
          per_image INTEGER NOT NULL CHECK (per_image > 0),
          height INTEGER NOT NULL,
          width INTEGER NOT NULL,
          seed INTEGER NOT NULL,
          engine TEXT NOT NULL,
          stats TEXT NOT NULL,
          job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
          heatlab_version TEXT NOT NULL,
          seconds REAL NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX explanation_runs_by_model ON explanation_runs (model_id);
        CREATE INDEX explanation_runs_by_dataset ON explanation_runs (dataset_id);
        ALTER TABLE arrays ADD COLUMN explanation_run_id INTEGER REFERENCES explanation_runs (id) ON DELETE CASCADE;
      `);
    },
  },
  {
    version: 6,
    name: 'edited annotation masks',
    up(db) {
      db.exec(`
        CREATE TABLE annotation_masks (
          set_id INTEGER NOT NULL REFERENCES annotation_sets (id) ON DELETE CASCADE,
          image INTEGER NOT NULL CHECK (image >= 0),
          mask BLOB NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (set_id, image)
        ) STRICT, WITHOUT ROWID;
        ALTER TABLE annotation_sets ADD COLUMN seed TEXT;
      `);
    },
  },
  {
    version: 7,
    name: 'evaluations',
    up(db) {
      db.exec(`
        CREATE TABLE evaluations (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          model_id INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
          dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
          ground_truth TEXT,
          ground_truth_label TEXT,
          count INTEGER NOT NULL CHECK (count > 0),
          per_image INTEGER NOT NULL CHECK (per_image > 0),
          columns TEXT NOT NULL,
          metrics TEXT NOT NULL,
          summary TEXT NOT NULL,
          rankings TEXT NOT NULL,
          seed INTEGER NOT NULL,
          resamples INTEGER NOT NULL,
          level REAL NOT NULL,
          engine TEXT NOT NULL,
          job_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
          heatlab_version TEXT NOT NULL,
          seconds REAL NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX evaluations_by_model ON evaluations (model_id);
        CREATE TABLE evaluation_runs (
          evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
          run_id INTEGER NOT NULL REFERENCES explanation_runs (id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          PRIMARY KEY (evaluation_id, run_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX evaluation_runs_by_run ON evaluation_runs (run_id);
        -- An evaluation without one of its runs is no longer what was measured: it goes with the run.
        CREATE TRIGGER evaluations_follow_runs BEFORE DELETE ON explanation_runs BEGIN
          DELETE FROM evaluations WHERE id IN (SELECT evaluation_id FROM evaluation_runs WHERE run_id = OLD.id);
        END;
        ALTER TABLE arrays ADD COLUMN evaluation_id INTEGER REFERENCES evaluations (id) ON DELETE CASCADE;
      `);
    },
  },
  {
    version: 8,
    name: 'evaluation evidence',
    up(db) {
      // The removal checks and reliability of an evaluation's verdicts, as JSON; NULL for older evaluations.
      db.exec(`ALTER TABLE evaluations ADD COLUMN evidence TEXT;`);
    },
  },
  {
    version: 9,
    name: 'studies',
    up(db) {
      // Members point at entities of four tables, so they carry no foreign key; a trigger per table
      // removes them with the entity (cascades included), and the study's step then counts as not done.
      db.exec(`
        CREATE TABLE studies (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          question TEXT NOT NULL,
          plan TEXT NOT NULL,
          template TEXT,
          status TEXT NOT NULL CHECK (status IN ('new', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
          progress TEXT,
          error TEXT,
          owner_pid INTEGER,
          heatlab_version TEXT NOT NULL,
          created_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT
        ) STRICT;
        CREATE TABLE study_members (
          study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
          slot TEXT NOT NULL,
          step_key TEXT NOT NULL,
          entity_kind TEXT NOT NULL CHECK (entity_kind IN ('dataset', 'model', 'run', 'evaluation')),
          entity_id INTEGER NOT NULL,
          origin TEXT NOT NULL CHECK (origin IN ('created', 'found', 'input')),
          PRIMARY KEY (study_id, slot)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX study_members_by_key ON study_members (step_key);
        CREATE INDEX study_members_by_entity ON study_members (entity_kind, entity_id);
        CREATE TRIGGER study_members_follow_datasets AFTER DELETE ON datasets BEGIN
          DELETE FROM study_members WHERE entity_kind = 'dataset' AND entity_id = OLD.id;
        END;
        CREATE TRIGGER study_members_follow_models AFTER DELETE ON models BEGIN
          DELETE FROM study_members WHERE entity_kind = 'model' AND entity_id = OLD.id;
        END;
        CREATE TRIGGER study_members_follow_runs AFTER DELETE ON explanation_runs BEGIN
          DELETE FROM study_members WHERE entity_kind = 'run' AND entity_id = OLD.id;
        END;
        CREATE TRIGGER study_members_follow_evaluations AFTER DELETE ON evaluations BEGIN
          DELETE FROM study_members WHERE entity_kind = 'evaluation' AND entity_id = OLD.id;
        END;
      `);
    },
  },
];

export const latestSchemaVersion = migrations.at(-1)!.version;
