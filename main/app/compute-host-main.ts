// Entry point of the compute host process (dist/main/host.cjs): the jobs framework's host loop,
// given the table of every job kind's runner and the engines they run on.
import { startComputeHost } from '../jobs/host/compute-host.js';
import { loadEngines } from '../engines/engines.js';
import { jobRunners } from './job-runners.js';

startComputeHost(jobRunners, loadEngines);
