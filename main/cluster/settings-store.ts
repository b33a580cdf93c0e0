// A workspace's cluster settings: one small JSON file under cluster/, replaced atomically, so the
// settings travel with the workspace to the cluster's shared filesystem and need no catalogue table.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterSettingsSchema, type ClusterSettings } from '../../shared/cluster.js';
import { HeatlabError } from '../../shared/errors.js';
import { writeFileAtomic } from '../workspace/atomic-write.js';
import { clusterFolder } from './shard-plan.js';

export const settingsFile = (workspace: string) => join(clusterFolder(workspace), 'settings.json');

export function readClusterSettings(workspace: string): ClusterSettings {
  let text: string;
  try {
    text = readFileSync(settingsFile(workspace), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return clusterSettingsSchema.parse({});
    throw err;
  }
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    throw new HeatlabError('invalid_request', `The cluster settings file ${settingsFile(workspace)} is not JSON; fix it or delete it to start again from the defaults.`);
  }
  const parsed = clusterSettingsSchema.safeParse(stored);
  if (!parsed.success) throw new HeatlabError('invalid_request', `The cluster settings file ${settingsFile(workspace)} is not valid (${parsed.error.issues[0]?.message}); fix it or delete it to start again from the defaults.`);
  return parsed.data;
}

/** Changes the given settings, keeps the others; returns them all. */
export function saveClusterSettings(workspace: string, changes: Partial<ClusterSettings>): ClusterSettings {
  const settings = clusterSettingsSchema.parse({ ...readClusterSettings(workspace), ...changes });
  mkdirSync(clusterFolder(workspace), { recursive: true });
  writeFileAtomic(settingsFile(workspace), `${JSON.stringify(settings, null, 2)}\n`);
  return settings;
}
