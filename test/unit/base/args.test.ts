import { describe, expect, it } from 'vitest';
import { expectPositionals, numberFlag, parseArgv, pickSubcommand, renderCommandHelp, type CommandSpec } from '../../../src/base/args.js';
import { ERROR_CODES } from '../../../src/base/errors.js';
import { closestNames, didYouMean, editDistance } from '../../../src/base/suggest.js';

const SPEC: CommandSpec = {
  invocation: 'npm run demo --',
  usage: '<command> [options]',
  subcommands: [
    { name: 'up', description: 'start' },
    { name: 'status', description: 'show' },
    { name: 'logs', args: '<service>', description: 'tail' },
  ],
  flags: [
    { name: 'brokers', value: 'N', description: 'how many' },
    { name: 'dry-run', description: 'start nothing' },
    { name: 'set', value: 'path=value', description: 'repeatable' },
    { name: 'verbose', short: 'v', description: 'more output' },
  ],
};

function thrown(fn: () => unknown): { code?: string; message: string; hint?: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string; hint?: string };
  }
  throw new Error('expected an error');
}

describe('suggest', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('lsot', 'lost')).toBe(1);
    expect(editDistance('constnt', 'constant')).toBe(1);
    expect(editDistance('smok', 'smoke')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
  });
  it('suggests close names only, closest first', () => {
    expect(closestNames('smok', ['smoke', 'spike', 'steady-state'])).toEqual(['smoke']);
    expect(closestNames('bogus', ['brokers', 'provider'])).toEqual([]);
    expect(didYouMean('constnt', ['constant', 'ramp'])).toBe('did you mean "constant"?');
    expect(didYouMean('dry', ['dry-run', 'drain'], (s) => `--${s}`)).toBe('did you mean --dry-run?');
  });
});

describe('parseArgv', () => {
  it('reads --flag value, --flag=value, short flags, positionals and --', () => {
    const parsed = parseArgv(['up', '--brokers', '1', '--set=a=1', '-v', '--set', 'b=2', '--', '--literal'], SPEC);
    expect(parsed.positionals).toEqual(['up', '--literal']);
    expect(parsed.values).toEqual({ brokers: '1', set: 'b=2', verbose: true });
    expect(parsed.occurrences.map((o) => [o.flag.name, o.value])).toEqual([
      ['brokers', '1'],
      ['set', 'a=1'],
      ['verbose', true],
      ['set', 'b=2'],
    ]);
    expect(parsed.help).toBe(false);
  });

  it('answers -h and --help even next to a wrong flag', () => {
    expect(parseArgv(['-h'], SPEC).help).toBe(true);
    expect(parseArgv(['up', '--bogus', '--help'], SPEC).help).toBe(true);
    // After `--` it is a positional, not a request for help.
    expect(parseArgv(['--', '--help'], SPEC).help).toBe(false);
  });

  it('rejects an unknown flag with a suggestion and the right --help line for npm', () => {
    const error = thrown(() => parseArgv(['--broker', '3'], SPEC));
    expect(error).toMatchObject({
      code: ERROR_CODES.INVALID_ARGUMENT,
      message: 'unknown flag --broker for `npm run demo --`',
      hint: 'did you mean --brokers? `npm run demo -- --help` lists every flag',
    });
    expect(thrown(() => parseArgv(['--bogus'], SPEC)).hint).toBe('valid flags: --brokers, --dry-run, --set, --verbose, --help; `npm run demo -- --help` lists every flag');
    expect(thrown(() => parseArgv(['-x'], SPEC)).message).toBe('unknown flag -x for `npm run demo --`');
  });

  it('rejects a missing value, and a value on a boolean flag', () => {
    expect(thrown(() => parseArgv(['--brokers'], SPEC)).message).toBe('--brokers needs a value (N)');
    expect(thrown(() => parseArgv(['--brokers', '--dry-run'], SPEC)).message).toBe('--brokers needs a value (N)');
    expect(thrown(() => parseArgv(['--dry-run=yes'], SPEC)).message).toBe('--dry-run takes no value');
    expect(parseArgv(['--brokers', '-1'], SPEC).values.brokers).toBe('-1');
  });
});

describe('subcommands, positionals and numbers', () => {
  it('suggests the closest subcommand', () => {
    expect(pickSubcommand(SPEC, 'status').name).toBe('status');
    expect(thrown(() => pickSubcommand(SPEC, 'stauts'))).toMatchObject({ message: 'unknown command "stauts" for `npm run demo --`', hint: expect.stringMatching(/^did you mean "status"\?/) });
    expect(thrown(() => pickSubcommand(SPEC, 'zzz')).hint).toMatch(/^commands: up, status, logs\./);
    expect(thrown(() => pickSubcommand(SPEC, undefined)).message).toBe('`npm run demo --` needs a command: up, status, logs');
  });
  it('checks the count of positionals', () => {
    expect(() => expectPositionals(SPEC, ['a'], 1, 1, 'one service')).not.toThrow();
    expect(thrown(() => expectPositionals(SPEC, ['a', 'b'], 1, 1, 'one service')).message).toBe('`npm run demo --` expects one service, got "a" "b"');
  });
  it('parses bounded numbers', () => {
    expect(numberFlag({ n: '3' }, 'n', { min: 1, integer: true })).toBe(3);
    expect(numberFlag({}, 'n', { fallback: 100 })).toBe(100);
    expect(thrown(() => numberFlag({ n: '1.5' }, 'n', { min: 1, integer: true })).message).toBe('--n 1.5 is not a whole number ≥ 1');
    expect(thrown(() => numberFlag({ n: 'x' }, 'n', { min: 0 })).code).toBe(ERROR_CODES.INVALID_ARGUMENT);
  });
});

describe('renderCommandHelp', () => {
  it('lists usage, commands and every flag including -h, --help', () => {
    const help = renderCommandHelp(SPEC);
    expect(help).toContain('usage: npm run demo -- <command> [options]');
    expect(help).toContain('logs <service>');
    for (const flag of ['--brokers N', '--dry-run', '--set path=value', '-v, --verbose', '-h, --help']) expect(help).toContain(flag);
  });
});
