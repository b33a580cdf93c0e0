// Assembles one running Heatlab: workspace and catalogue, job service with its compute host,
// event bus and router. Transports (Electron, browser mode, CLI) wrap what this returns.
import type { AppInfo } from '../../shared/api.js';
import { EventBus } from '../api/events.js';
import { createHandlers } from '../api/handlers.js';
import { Router } from '../api/router.js';
import { JobsRepository } from '../catalogue/jobs-repository.js';
import { forkHostLauncher, type HostLauncher } from '../jobs/host-launcher.js';
import { JobService } from '../jobs/job-service.js';
import { openWorkspace, type Workspace } from '../workspace/workspace.js';
import { appVersion, hostEntry } from './paths.js';

export interface Heatlab {
  router: Router;
  events: EventBus;
  jobs: JobService;
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
}

export function openHeatlab(options: HeatlabOptions): Heatlab {
  const workspace = openWorkspace(options.workspaceDir);
  const events = new EventBus();
  const jobs = new JobService({
    repo: new JobsRepository(workspace.catalogue.db),
    launcher: options.launcher ?? forkHostLauncher(hostEntry()),
    events,
    workspace: workspace.dir,
  });
  const router = new Router(createHandlers({ mode: options.mode, version: appVersion(), workspace, jobs }));
  if (options.warmUp) jobs.warmUp();
  let closing: Promise<void> | null = null;
  return {
    router,
    events,
    jobs,
    workspace,
    close: () =>
      (closing ??= jobs.close().finally(() => workspace.close())),
  };
}
