// The built renderer's files, as both transports serve them (browser mode over HTTP, Electron on
// app://heatlab/): which file a URL path names, safely inside the renderer folder, and its type.
import { statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function contentTypeOf(file: string): string {
  return contentTypes[extname(file)] ?? 'application/octet-stream';
}

/**
 * The regular file a URL path names inside `root` (absolute, resolved): `/` is index.html. A broken
 * percent escape is `malformed`; an escape out of root, a NUL, a folder, a path through a file or a
 * missing file is `missing`.
 */
export function rendererFile(root: string, pathname: string): { file: string } | { problem: 'malformed' | 'missing' } {
  let relative: string;
  try {
    relative = pathname === '/' || pathname === '' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  } catch {
    return { problem: 'malformed' };
  }
  if (relative.includes('\0')) return { problem: 'missing' };
  const file = normalize(join(root, relative));
  if (!file.startsWith(root + sep)) return { problem: 'missing' };
  try {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ? { file } : { problem: 'missing' };
  } catch {
    return { problem: 'missing' }; // a path through a file (ENOTDIR), or unreadable
  }
}
