// `heatlab catalogue`: the lab notebook on the command line — every dataset, model, explanation run,
// annotation set and evaluation with what it was made from, what uses it, its seeds, versions and
// engine, and its size on disk; narrowed by kind, free text, and whether anything references it.
import type { CatalogueEntity, CatalogueKind, CatalogueLink, EntityUsage } from '../../shared/catalogue.js';
import { catalogueKinds } from '../../shared/catalogue.js';
import { countOf, kindLabel } from '../../shared/catalogue-words.js';
import { formatBytes } from '../../shared/format.js';
import { out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';

export const catalogueUsage = `  catalogue              Every dataset, model, run, annotation set and evaluation with its provenance,
                         parameters, seeds, versions and size (--kind K[,K] --search TEXT --unreferenced)`;

/** What --kind accepts for each kind: the API's name, and the words a user types. */
const kindNames: Record<string, CatalogueKind> = {
  ...Object.fromEntries(catalogueKinds.flatMap((k) => [[k.toLowerCase(), k], [`${k.toLowerCase()}s`, k]])),
  'annotation-set': 'annotationSet',
  'annotation-sets': 'annotationSet',
  'explanation-run': 'run',
  'explanation-runs': 'run',
};

export function parseKinds(value: string | undefined): CatalogueKind[] | undefined {
  if (value === undefined) return undefined;
  const words = value.split(',').map((w) => w.trim()).filter((w) => w !== '');
  if (words.length === 0) throw new UsageError('--kind needs a kind: dataset, model, run, annotation-set or evaluation.');
  return [
    ...new Set(
      words.map((w) => {
        const kind = kindNames[w.toLowerCase()];
        if (kind === undefined) throw new UsageError(`--kind takes dataset, model, run, annotation-set or evaluation (several separated by commas), not "${w}".`);
        return kind;
      }),
    ),
  ];
}

const links = (list: readonly CatalogueLink[]) => (list.length === 0 ? '—' : list.map((l) => `${kindLabel(l.kind).toLowerCase()} ${l.id} "${l.name}" (${l.role})`).join(', '));

function print(e: CatalogueEntity, usage: EntityUsage | undefined): void {
  const size = usage === undefined ? 'size unknown' : `${formatBytes(usage.bytes)}${usage.inCatalogue > 0 ? ` + ${formatBytes(usage.inCatalogue)} in the catalogue` : ''}`;
  out(`${kindLabel(e.kind)} ${e.id} "${e.name}"${e.unreferenced ? '  [nothing references it]' : ''}`);
  out(`  ${e.summary}${e.outcome ? ` — ${e.outcome}` : ''}`);
  out(`  ${e.createdAt.replace('T', ' ').slice(0, 16)} · ${size} · seed ${e.seed ?? 'none recorded'} · Heatlab ${e.heatlabVersion ?? 'not recorded'} · engine ${e.engine ?? 'not recorded'}${e.jobId === null ? '' : ` · job ${e.jobId}`}`);
  out(`  made from: ${links(e.parents)}`);
  out(`  used by:   ${links(e.children)}`);
  for (const f of e.params) out(`    ${f.key}: ${f.value}`);
}

export async function catalogueCommand(options: Options): Promise<void> {
  // Before the workspace opens: a usage mistake leaves no workspace behind.
  const kinds = parseKinds(options.kind);
  const { entities, disk } = await withHeatlab(options, async (api) => ({
    entities: unwrap(await api['catalogue.entities']({ kinds, search: options.search, unreferenced: options.unreferenced ?? false })),
    disk: unwrap(await api['catalogue.diskUse']({})),
  }));
  const usage = new Map(disk.entities.map((u) => [`${u.kind}:${u.id}`, u]));
  if (options.json) {
    const { entities: _perEntity, ...totals } = disk;
    out(JSON.stringify({ entities: entities.map((e) => ({ ...e, usage: usage.get(`${e.kind}:${e.id}`) ?? null })), diskUse: totals }, null, 2));
    return;
  }
  const narrowed = kinds !== undefined || (options.search ?? '').trim() !== '' || options.unreferenced;
  if (entities.length === 0) {
    out(narrowed ? 'Nothing in the catalogue matches.' : 'The catalogue is empty: nothing has been made in this workspace yet.');
    return;
  }
  for (const e of entities) {
    print(e, usage.get(`${e.kind}:${e.id}`));
    out('');
  }
  const bytes = entities.reduce((sum, e) => sum + (usage.get(`${e.kind}:${e.id}`)?.bytes ?? 0), 0);
  const byKind = catalogueKinds.map((k) => [k, entities.filter((e) => e.kind === k).length] as const).filter(([, n]) => n > 0);
  out(`${byKind.map(([k, n]) => countOf(k, n)).join(', ')}: ${formatBytes(bytes)}${options.unreferenced ? ', which nothing references' : ''}.`);
  const leftOver = disk.stray.filter((p) => p.state === 'left-over').reduce((sum, p) => sum + p.bytes, 0);
  out(`The workspace holds ${formatBytes(disk.total.bytes)} in ${disk.total.files} files (catalogue database ${formatBytes(disk.catalogue.bytes)}${leftOver > 0 ? `, left-over folders ${formatBytes(leftOver)}` : ''}).`);
}
