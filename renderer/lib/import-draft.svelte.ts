// The import form: source, options and the request they make, checked by the API's own schema.
import { importOptionsSchema, type ImportOptions, type ImportPlan } from '../../shared/datasets.js';
import { parentOf } from './paths.js';
import { fieldsOf, issuesByField } from './schema-fields.js';

const defaults = importOptionsSchema.parse({ path: '/' });

export class ImportDraft {
  source = $state<string | null>(null);
  sourceKind = $state<'folder' | 'file'>('folder');
  name = $state('');
  channels = $state<ImportOptions['channels']>(defaults.channels);
  policy = $state<ImportOptions['size']['policy']>('require-equal');
  width = $state<number | null>(64);
  height = $state<number | null>(64);
  mode = $state<'stretch' | 'pad' | 'crop'>('stretch');
  masksPath = $state<string | null>(null);
  split = $state<Record<string, number | null>>({ ...defaults.split });
  seed = $state<number | null>(defaults.seed);
  /** Image shape for arrays of flat rows; both empty to let the scan infer a square. */
  shapeHeight = $state<number | null>(null);
  shapeWidth = $state<number | null>(null);

  /** The typed image shape, when both sides are whole numbers. */
  get shape(): { height: number; width: number } | undefined {
    const [height, width] = [this.shapeHeight, this.shapeWidth];
    return Number.isInteger(height) && Number.isInteger(width) ? { height: height!, width: width! } : undefined;
  }

  /** Split and seed come from the schema like every generated form; the rest is laid out by hand. */
  readonly fields = fieldsOf(importOptionsSchema);

  readonly request = $derived({
    path: this.source ?? '',
    ...(this.name.trim() ? { name: this.name.trim() } : {}),
    channels: this.channels,
    size: this.policy === 'resize' ? { policy: this.policy, width: this.width, height: this.height, mode: this.mode } : { policy: this.policy },
    ...(this.masksPath ? { masksPath: this.masksPath } : {}),
    ...(this.shape ? { shape: this.shape } : {}),
    split: { ...this.split },
    seed: this.seed,
  });
  readonly parsed = $derived(importOptionsSchema.safeParse(this.request));
  /** Issues by field (`split`, `seed`, …) and by sub-field (`size.width`). */
  readonly errors = $derived.by(() => {
    const error = this.parsed.success ? undefined : this.parsed.error;
    return { ...issuesByField(error, this.fields, 1), ...issuesByField(error, this.fields, 2) };
  });

  /** The folder of the source, where pickers for related folders start. */
  get folder(): string | undefined {
    if (this.source === null) return undefined;
    return this.sourceKind === 'file' ? parentOf(this.source) : this.source;
  }

  /** Sensible options for what the scan found: mixed sizes need a target size. */
  fitTo(plan: ImportPlan): void {
    const common = plan.sizes.toSorted((a, b) => b.count - a.count)[0];
    if (common) [this.width, this.height] = [common.width, common.height];
    this.policy = plan.sizes.length > 1 ? 'resize' : 'require-equal';
  }
}
