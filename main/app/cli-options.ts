// The command line's options and how argv becomes them. node:util parseArgs refuses a value that
// starts with "-" ("--seed -1" is "ambiguous") and words its errors for programmers, so a first
// pass gives every option that takes a value the next word, and says in one sentence what is wrong.
import { parseArgs } from 'node:util';

/** A mistake in the command line itself: one sentence, exit code 2. */
export class UsageError extends Error {}

interface ValueOption {
  type: 'string';
  /** What the option takes, for the sentence when it is given without a value. */
  takes: string;
  multiple?: true;
}
interface Flag {
  type: 'boolean';
  short?: string;
  default?: boolean;
}

export const optionSpecs = {
  json: { type: 'boolean', default: false },
  csv: { type: 'boolean' },
  workspace: { type: 'string', takes: 'a folder' },
  port: { type: 'string', takes: 'a port number' },
  seconds: { type: 'string', takes: 'a number of seconds' },
  status: { type: 'string', takes: 'job states such as running,failed' },
  limit: { type: 'string', takes: 'a number of jobs' },
  n: { type: 'string', takes: 'a number of images' },
  seed: { type: 'string', takes: 'a seed (a whole number from 0)' },
  size: { type: 'string', takes: 'an image size in pixels (data) or small|full (study)' },
  name: { type: 'string', takes: 'a name' },
  set: { type: 'string', takes: 'a setting such as key=value', multiple: true },
  split: { type: 'string', takes: 'fractions such as 0.5,0.2,0.3 (data) or a split name (explain)' },
  grey: { type: 'boolean' },
  resize: { type: 'string', takes: 'a size such as 64x64:pad' },
  shape: { type: 'string', takes: 'an image shape such as 28x28' },
  masks: { type: 'string', takes: 'a folder of masks' },
  dataset: { type: 'string', takes: 'a dataset id' },
  arch: { type: 'string', takes: 'an architecture' },
  epochs: { type: 'string', takes: 'a number of epochs' },
  batch: { type: 'string', takes: 'a batch size' },
  lr: { type: 'string', takes: 'a learning rate' },
  optimizer: { type: 'string', takes: 'adam or sgd' },
  model: { type: 'string', takes: 'a model id' },
  methods: { type: 'string', takes: 'method ids such as gradient,rise' },
  target: { type: 'string', takes: 'predicted, true, all or a class number' },
  indices: { type: 'string', takes: 'image numbers such as 3,14,15' },
  random: { type: 'boolean' },
  class: { type: 'string', takes: 'a class number' },
  outcome: { type: 'string', takes: 'correct or incorrect' },
  confidence: { type: 'string', takes: 'a range of probabilities such as 0.4-0.6' },
  classes: { type: 'string', takes: 'class names such as cat,dog' },
  labels: { type: 'string', takes: 'a labels file' },
  layout: { type: 'string', takes: 'nchw or nhwc' },
  input: { type: 'string', takes: "an input's name" },
  output: { type: 'string', takes: "an output's name" },
  scale: { type: 'string', takes: 'a number such as 255' },
  mean: { type: 'string', takes: 'numbers such as 0.485,0.456,0.406' },
  std: { type: 'string', takes: 'numbers such as 0.229,0.224,0.225' },
  bgr: { type: 'boolean' },
  'test-dataset': { type: 'string', takes: 'a dataset id' },
  runs: { type: 'string', takes: 'run ids such as 7,8' },
  metrics: { type: 'string', takes: 'metric ids such as pointing-game,sparseness' },
  'ground-truth': { type: 'string', takes: 'a generated mask kind or set:ID[:LABEL]' },
  resamples: { type: 'string', takes: 'a number of resamples' },
  kind: { type: 'string', takes: 'kinds such as dataset,model,run,annotation-set,evaluation' },
  search: { type: 'string', takes: 'words to search for' },
  unreferenced: { type: 'boolean' },
  // report
  evaluations: { type: 'string', takes: 'evaluation ids such as 3,4' },
  models: { type: 'string', takes: 'model ids such as 1,2' },
  datasets: { type: 'string', takes: 'dataset ids such as 1,2' },
  title: { type: 'string', takes: 'a title' },
  question: { type: 'string', takes: 'the question, in words' },
  citation: { type: 'string', takes: 'a citation' },
  out: { type: 'string', takes: 'a folder' },
  pdf: { type: 'boolean' },
  figure: { type: 'string', takes: 'grid' },
  rows: { type: 'string', takes: 'row numbers such as 0,3,5' },
  width: { type: 'string', takes: 'single or double' },
  format: { type: 'string', takes: 'svg, png or pdf' },
  template: { type: 'string', takes: 'a study template such as samek2017' },
  file: { type: 'string', takes: 'a study file (JSON)' },
  'with-results': { type: 'boolean' },
  cluster: { type: 'string', takes: 'the cluster kind: slurm' },
  shards: { type: 'string', takes: 'a number of shards' },
  index: { type: 'string', takes: 'a shard number' },
  partition: { type: 'string', takes: 'a Slurm partition' },
  account: { type: 'string', takes: 'a Slurm account' },
  time: { type: 'string', takes: 'a time limit such as 2:00:00' },
  cpus: { type: 'string', takes: 'a number of CPUs per task' },
  memory: { type: 'string', takes: 'memory per task such as 4G' },
  sbatch: { type: 'string', takes: 'an #SBATCH line', multiple: true },
  heatlab: { type: 'string', takes: 'the command that runs Heatlab on the nodes' },
  retries: { type: 'string', takes: 'a number of retries' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies Record<string, ValueOption | Flag>;

type Spec = ValueOption | Flag;
const specOf = (name: string): Spec | undefined => (optionSpecs as Record<string, Spec>)[name];

/** "-h" → "help": the short forms of flags. */
const shortNames = new Map(Object.entries(optionSpecs as Record<string, Spec>).flatMap(([name, s]) => (s.type === 'boolean' && s.short ? [[s.short, name] as const] : [])));

/** "-1", "-0.5", "-.5", "-0.1-0.5": a word that starts like a negative number is a value, never an option. */
const looksNegative = (word: string) => /^-\.?\d/.test(word);

/** The option a word names ("--seed", "--seed=3", "-h"), or null for a value or positional. */
function optionOf(word: string): { name: string; inline: boolean } | null {
  if (word.startsWith('--')) {
    const eq = word.indexOf('=');
    return { name: eq < 0 ? word.slice(2) : word.slice(2, eq), inline: eq >= 0 };
  }
  if (word.startsWith('-') && word.length > 1 && !looksNegative(word)) {
    const letter = word.slice(1);
    // "-h" for --help, and "-n" for --n: a one-letter option answers to one dash as well.
    return { name: shortNames.get(letter) ?? (letter.length === 1 && specOf(letter) !== undefined ? letter : word), inline: false };
  }
  return null;
}

export interface CommandLine {
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
}

/**
 * argv → options and positional arguments. An option that takes a value takes the next word, even
 * one that starts with "-" (a negative number, a range), unless that word is another option; a
 * mistake is a UsageError naming the option.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const words: string[] = [];
  const positionals: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const word = argv[k]!;
    if (word === '--') {
      positionals.push(...argv.slice(k + 1));
      break;
    }
    const option = optionOf(word);
    if (option === null) {
      positionals.push(word);
      continue;
    }
    const spec = specOf(option.name);
    if (spec === undefined) throw new UsageError(`There is no option ${word.startsWith('--') ? `--${option.name}` : word}.`);
    if (spec.type === 'boolean') {
      if (option.inline) throw new UsageError(`--${option.name} takes no value.`);
      words.push(`--${option.name}`);
      continue;
    }
    if (option.inline) {
      words.push(word);
      continue;
    }
    const next = argv[k + 1];
    if (next === undefined || optionOf(next) !== null) throw new UsageError(`--${option.name} needs a value: ${spec.takes}.`);
    // The "=" form, so parseArgs takes a value starting with "-" as it is.
    words.push(`--${option.name}=${next}`);
    k++;
  }
  // Positionals after "--", so one that starts with "-" (a negative id) reaches the command, which says what it takes.
  const { values, positionals: rest } = parseArgs({ args: [...words, '--', ...positionals], options: optionSpecs, allowPositionals: true, strict: true });
  return { values, positionals: rest };
}
