// How argv becomes the command line's options: values that start with "-", options without a value,
// unknown options, each a sentence naming the option.
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../main/app/cli-options.js';

const mistake = (argv: string[]): string => {
  try {
    parseCommandLine(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('the command line', () => {
  it('gives an option the next word even when it starts like a negative number', () => {
    const { values, positionals } = parseCommandLine(['explain', '--seed', '-1', '--confidence', '-0.1-0.5', '--mean', '-0.5,-.25,0']);
    expect(values).toMatchObject({ seed: '-1', confidence: '-0.1-0.5', mean: '-0.5,-.25,0' });
    expect(positionals).toEqual(['explain']);
  });

  it('takes --name=value as it is, and a one-letter option with one dash', () => {
    expect(parseCommandLine(['jobs', '--limit=-3', '-n', '7']).values).toMatchObject({ limit: '-3', n: '7' });
  });

  it('keeps a negative positional argument in its place for the command to judge', () => {
    expect(parseCommandLine(['models', 'export', '-1', '/tmp', '--json']).positionals).toEqual(['models', 'export', '-1', '/tmp']);
  });

  it('says what an option takes when it is given without a value, at the end or before another option', () => {
    expect(mistake(['explain', '--n'])).toBe('--n needs a value: a number of images.');
    expect(mistake(['jobs', '--limit', '--json'])).toBe('--limit needs a value: a number of jobs.');
    expect(mistake(['train', '--seed', '-h'])).toBe('--seed needs a value: a seed (a whole number from 0).');
  });

  it('names an option that does not exist, and a flag given a value', () => {
    expect(mistake(['jobs', '--frobnicate'])).toBe('There is no option --frobnicate.');
    expect(mistake(['jobs', '-x'])).toBe('There is no option -x.');
    expect(mistake(['jobs', '--json=yes'])).toBe('--json takes no value.');
  });

  it('collects a repeatable option and reads --help and -v as flags', () => {
    expect(parseCommandLine(['data', 'generate', 'x', '--set', 'a=-1', '--set', 'b=2']).values.set).toEqual(['a=-1', 'b=2']);
    expect(parseCommandLine(['-h']).values.help).toBe(true);
    expect(parseCommandLine(['-v']).values.version).toBe(true);
    expect(parseCommandLine([]).values.json).toBe(false);
  });

  it('passes everything after -- on as positional arguments', () => {
    expect(parseCommandLine(['data', 'import', '--', '--odd-folder']).positionals).toEqual(['data', 'import', '--odd-folder']);
  });
});
