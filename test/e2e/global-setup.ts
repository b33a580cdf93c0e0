// Starts Heatlab in browser mode on a fresh workspace for the e2e tests — the real main process and
// the real compute host — and hands its URL (with the token) to the tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const workspace = mkdtempSync(join(tmpdir(), 'heatlab-e2e-'));
  const server = spawn(process.execPath, ['dist/main/cli.cjs', 'serve', '--json'], {
    env: { ...process.env, HEATLAB_HOME: workspace },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: server.stdout! });
    lines.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`heatlab serve exited with code ${code} before printing its URL (is dist/ built? run npm run build).`)));
  });
  const { url } = JSON.parse(first) as { url: string };
  process.env.HEATLAB_E2E_URL = url;
  process.env.HEATLAB_E2E_WORKSPACE = workspace;
  return async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    rmSync(workspace, { recursive: true, force: true });
  };
}
