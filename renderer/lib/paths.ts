// Paths of this machine as files.browse returns them (absolute; POSIX or Windows separators).

export function separatorOf(path: string): '/' | '\\' {
  return !path.startsWith('/') && path.includes('\\') ? '\\' : '/';
}

export function joinPath(folder: string, name: string): string {
  const sep = separatorOf(folder);
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
}

export function baseName(path: string): string {
  const sep = separatorOf(path);
  const parts = path.split(sep).filter((p) => p !== '');
  return parts.at(-1) ?? path;
}

/** Each ancestor of a path, root first, with a short label: "/", "home", "ada", … */
export function crumbs(path: string): { label: string; path: string }[] {
  const sep = separatorOf(path);
  const parts = path.split(sep).filter((p) => p !== '');
  const out: { label: string; path: string }[] = [];
  let acc = sep === '/' ? '/' : '';
  if (sep === '/') out.push({ label: '/', path: '/' });
  for (const part of parts) {
    acc = acc === '' ? `${part}${sep}` : joinPath(acc, part);
    out.push({ label: part, path: acc });
  }
  return out;
}

export { formatBytes } from '../../shared/format.js';

/** Files an import can read by itself: IDX (MNIST, also gzipped) and numpy arrays. */
export function isImportableFile(name: string): boolean {
  return /\.(npy|npz|idx|gz)$/i.test(name) || /-idx\d-ubyte$/i.test(name);
}

/** The folder holding a path ("/a/b/c.npz" → "/a/b"). */
export function parentOf(path: string): string {
  const sep = separatorOf(path);
  const trimmed = path.length > 1 && path.endsWith(sep) ? path.slice(0, -1) : path;
  const cut = trimmed.lastIndexOf(sep);
  return cut <= 0 ? (sep === '/' ? '/' : trimmed) : cut === 2 && sep === '\\' ? trimmed.slice(0, 3) : trimmed.slice(0, cut);
}
