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
];

export const latestSchemaVersion = migrations.at(-1)!.version;
