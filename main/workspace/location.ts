import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where the workspace lives: `$HEATLAB_HOME` when set, else Electron's per-user data folder,
 * else `~/.local/share/heatlab` (DESIGN.md, "Workspace and catalogue").
 */
export function resolveWorkspaceDir(options: { env?: NodeJS.ProcessEnv; electronUserData?: string } = {}): string {
  const env = options.env ?? process.env;
  const override = env.HEATLAB_HOME?.trim();
  if (override) return resolve(override);
  if (options.electronUserData) return join(options.electronUserData, 'workspace');
  // The XDG base directory spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME?.trim();
  const dataHome = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share');
  return join(dataHome, 'heatlab');
}
