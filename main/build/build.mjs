#!/usr/bin/env node
// Builds Heatlab: main-side bundles with esbuild (dist/main/*.cjs) and the renderer with Vite
// (dist/renderer). Without --force the renderer is rebuilt only when its sources changed.
import { build as esbuild } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');
const log = (line) => quiet || console.log(line);

const mainEntries = {
  cli: 'main/app/cli.ts',
  host: 'main/app/compute-host-main.ts',
  electron: 'main/app/electron-main.ts',
  bench: 'main/bench/bench.ts',
};

// In the CommonJS bundles `import.meta.url` is rebuilt from __filename.
const importMetaShim = 'const __heatlab_import_meta_url = require("node:url").pathToFileURL(__filename).href;';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export async function buildMain(options = {}) {
  const say = options.quiet ? () => {} : log;
  const entryPoints = Object.fromEntries(
    Object.entries(mainEntries).filter(([, file]) => existsSync(join(root, file))).map(([name, file]) => [name, join(root, file)]),
  );
  await esbuild({
    entryPoints,
    outdir: join(root, 'dist/main'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'linked',
    banner: { js: `#!/usr/bin/env node\n${importMetaShim}` },
    define: { 'import.meta.url': '__heatlab_import_meta_url' },
    logLevel: 'warning',
  });
  // The preload runs in Electron's sandbox: one self-contained CommonJS file, only `electron` external.
  await esbuild({
    entryPoints: { preload: join(root, 'main/app/preload.ts') },
    outdir: join(root, 'dist/main'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'chrome130',
    format: 'cjs',
    external: ['electron'],
    sourcemap: false,
    logLevel: 'warning',
  });
  say('built dist/main');
}

export async function buildRenderer() {
  const index = join(root, 'dist/renderer/index.html');
  const sources = Math.max(newestMtime(join(root, 'renderer')), newestMtime(join(root, 'shared')));
  if (!force && existsSync(index) && statSync(index).mtimeMs > sources) {
    log('dist/renderer is up to date');
    return;
  }
  const { build } = await import('vite');
  await build({ configFile: join(root, 'renderer/vite.config.mts'), logLevel: quiet ? 'error' : 'warn' });
  log('built dist/renderer');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildMain();
    if (!process.argv.includes('--main-only')) await buildRenderer();
  } catch (err) {
    console.error(`Build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
