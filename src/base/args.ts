import { ERROR_CODES, StreamproofError } from './errors.js';
import { didYouMean } from './suggest.js';

/**
 * The one command-line parser of every `npm run <command>` (docs/cli.md, "Writing a command").
 * A command declares its flags once; from that one declaration come parsing, `-h`/`--help`, the
 * help text, and the errors: an unknown flag, a missing or unexpected value, an unknown
 * subcommand each throw a StreamproofError(SP_INVALID_ARGUMENT) with a "did you mean" hint and
 * the command's own `--help` line (which is right under npm, unlike node:util's advice).
 *
 * Lives in base (not src/cli) so that the scenario module's override flags parse with it too.
 */

export interface FlagSpec {
  /** Long name without dashes: `dry-run`. */
  name: string;
  /** One-letter alias without the dash: `h`. */
  short?: string;
  /** Placeholder of the value in help (`N`, `DIR`); undefined for a boolean flag. */
  value?: string | undefined;
  description: string;
}

export interface SubcommandSpec {
  name: string;
  /** `logs <service>`: what follows the name in help. */
  args?: string;
  description: string;
}

export interface CommandSpec {
  /** How a user types it, used in help and hints: `npm run stack --`. */
  invocation: string;
  /** What follows the invocation in the usage line: `<command> [options]`. */
  usage: string;
  /** One paragraph under the usage line. */
  summary?: string;
  subcommands?: readonly SubcommandSpec[];
  flags: readonly FlagSpec[];
  /** Free text after the flags (environment, examples). */
  footer?: string;
}

export interface ParsedArgv {
  positionals: string[];
  /** Last value of every flag given, by long name; `true` for a boolean flag. */
  values: Record<string, string | true>;
  /** Every flag in the order given (for repeatable, order-sensitive flags such as --set). */
  occurrences: Array<{ flag: FlagSpec; value: string | true }>;
  /** `-h` or `--help` was given: print `renderCommandHelp(spec)` and exit 0. */
  help: boolean;
}

export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', description: 'this help' };

function helpLine(spec: CommandSpec): string {
  return `\`${spec.invocation} --help\` lists every flag`;
}

function invalid(message: string, hint: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, message, { hint });
}

function allFlags(spec: CommandSpec): FlagSpec[] {
  return spec.flags.some((f) => f.name === 'help') ? [...spec.flags] : [...spec.flags, HELP_FLAG];
}

/** A value may look like a flag only when it is a negative number (`--set x=-1` is fine anyway). */
function looksLikeFlag(arg: string): boolean {
  return arg.startsWith('-') && arg !== '-' && !/^-\d/.test(arg);
}

/**
 * Parses argv against the command's flags. `--flag value`, `--flag=value`, `-x` and `-x value`
 * are accepted; `--` ends the flags. `-h`/`--help` anywhere before `--` sets `help` and skips
 * every other check, so help always works even next to a wrong flag.
 */
export function parseArgv(argv: readonly string[], spec: CommandSpec): ParsedArgv {
  const flags = allFlags(spec);
  const byLong = new Map(flags.map((f) => [f.name, f]));
  const byShort = new Map(flags.filter((f) => f.short !== undefined).map((f) => [f.short!, f]));
  const end = argv.indexOf('--');
  const beforeEnd = end < 0 ? argv : argv.slice(0, end);
  const parsed: ParsedArgv = { positionals: [], values: {}, occurrences: [], help: false };
  if (beforeEnd.includes('--help') || beforeEnd.includes('-h')) return { ...parsed, help: true };

  for (let i = 0; i < beforeEnd.length; i += 1) {
    const arg = beforeEnd[i]!;
    if (!looksLikeFlag(arg)) {
      parsed.positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = long ? arg.indexOf('=') : -1;
    const name = long ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1);
    const flag = long ? byLong.get(name) : byShort.get(name);
    const written = long ? `--${name}` : `-${name}`;
    if (flag === undefined) {
      const suggestion = didYouMean(long ? name : name.replace(/^-+/, ''), flags.map((f) => f.name), (s) => `--${s}`);
      const instead = suggestion ?? `valid flags: ${flags.map((f) => `--${f.name}`).join(', ')};`;
      throw invalid(`unknown flag ${written} for \`${spec.invocation}\``, `${instead} ${helpLine(spec)}`);
    }
    let value: string | true = true;
    if (flag.value !== undefined) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < beforeEnd.length && !looksLikeFlag(beforeEnd[i + 1]!)) value = beforeEnd[(i += 1)]!;
      else throw invalid(`${written} needs a value (${flag.value})`, `${written} ${flag.value}: ${flag.description}`);
    } else if (eq >= 0) {
      throw invalid(`--${name} takes no value`, `write --${name} alone`);
    }
    parsed.values[flag.name] = value;
    parsed.occurrences.push({ flag, value });
  }
  if (end >= 0) parsed.positionals.push(...argv.slice(end + 1));
  return parsed;
}

/** The subcommand named `name`, or an error suggesting the closest ones. */
export function pickSubcommand(spec: CommandSpec, name: string | undefined): SubcommandSpec {
  const subcommands = spec.subcommands ?? [];
  const names = subcommands.map((s) => s.name);
  if (name === undefined) throw invalid(`\`${spec.invocation}\` needs a command: ${names.join(', ')}`, helpLine(spec));
  const found = subcommands.find((s) => s.name === name);
  if (found) return found;
  const suggestion = didYouMean(name, names);
  throw invalid(`unknown command "${name}" for \`${spec.invocation}\``, `${suggestion ?? `commands: ${names.join(', ')}.`} ${helpLine(spec)}`);
}

/** Rejects more positionals than `max` (or fewer than `min`), naming what was expected. */
export function expectPositionals(spec: CommandSpec, positionals: readonly string[], min: number, max: number, what: string): void {
  if (positionals.length < min || positionals.length > max) {
    const got = positionals.length === 0 ? 'none' : positionals.map((p) => `"${p}"`).join(' ');
    throw invalid(`\`${spec.invocation}\` expects ${what}, got ${got}`, `usage: ${spec.invocation} ${spec.usage}; ${helpLine(spec)}`);
  }
}

/** A flag's value as a number within [min, max] (integer when `integer`), or `fallback` when absent. */
export function numberFlag(values: ParsedArgv['values'], name: string, options: { min?: number; max?: number; integer?: boolean; fallback?: number; example?: string }): number | undefined {
  const raw = values[name];
  if (raw === undefined) return options.fallback;
  const value = Number(raw);
  const { min = -Infinity, max = Infinity } = options;
  if (raw === true || raw.trim() === '' || !Number.isFinite(value) || (options.integer && !Number.isInteger(value)) || value < min || value > max) {
    const range = [Number.isFinite(min) ? `≥ ${min}` : '', Number.isFinite(max) ? `≤ ${max}` : ''].filter(Boolean).join(' and ');
    throw invalid(`--${name} ${raw === true ? '' : raw} is not ${options.integer ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}`, `e.g. --${name} ${options.example ?? options.fallback ?? min}`);
  }
  return value;
}

const label = (f: FlagSpec): string => `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.value === undefined ? '' : ` ${f.value}`}`;

/** Help lines for flags, aligned (exported for commands that render extra sections). */
export function flagHelpLines(flags: readonly FlagSpec[], width = Math.max(0, ...flags.map((f) => label(f).length))): string[] {
  return flags.map((f) => `  ${label(f).padEnd(width)}  ${f.description}`);
}

/** `--help` text: usage, summary, commands, flags (with -h/--help), footer. */
export function renderCommandHelp(spec: CommandSpec): string {
  const lines = [`usage: ${spec.invocation} ${spec.usage}`, ''];
  if (spec.summary) lines.push(spec.summary.trimEnd(), '');
  if (spec.subcommands && spec.subcommands.length > 0) {
    const cmdLabel = (s: SubcommandSpec) => `${s.name}${s.args ? ` ${s.args}` : ''}`;
    const width = Math.max(...spec.subcommands.map((s) => cmdLabel(s).length));
    lines.push('commands:', ...spec.subcommands.map((s) => `  ${cmdLabel(s).padEnd(width)}  ${s.description}`), '');
  }
  lines.push('options:', ...flagHelpLines(allFlags(spec)), '');
  if (spec.footer) lines.push(spec.footer.trimEnd(), '');
  return `${lines.join('\n')}`;
}
