// Where Heatlab's own files are: the app root (the folder with package.json), the built bundles and
// the built renderer. Works from sources (tests), from dist/main bundles and from a packaged asar.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | null = null;

export function appRoot(): string {
  if (cachedRoot !== null) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'heatlab') return (cachedRoot = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Heatlab cannot find its own package.json.');
    dir = parent;
  }
}

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The compute host bundle (built by `npm run build`). */
export function hostEntry(): string {
  return join(appRoot(), 'dist', 'main', 'host.cjs');
}

/** The command-line bundle, which cluster nodes run as `heatlab shard run|merge`. */
export function cliEntry(): string {
  return join(appRoot(), 'dist', 'main', 'cli.cjs');
}

export function rendererDir(): string {
  return join(appRoot(), 'dist', 'renderer');
}

export function preloadEntry(): string {
  return join(appRoot(), 'dist', 'main', 'preload.cjs');
}
