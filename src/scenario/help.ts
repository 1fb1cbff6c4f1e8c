import { markdownTable } from '../report/format.js';
import { scenarioFields, type FieldDoc } from './fields.js';
import { OVERRIDE_FLAGS, type FlagSpec } from './overrides.js';

/**
 * `npm run scenario -- --help` and the field reference of docs/scenarios.md, both rendered from
 * the schema's descriptions and defaults (fields.ts): neither is written by hand.
 */

function defaultOrRequired(field: FieldDoc): string {
  if (field.defaultText !== undefined) return `default ${field.defaultText}`;
  return field.required ? 'required' : '';
}

const flagLabel = (f: FlagSpec): string => `--${f.name}${f.value === undefined ? '' : ` ${f.value}`}`;

function flagLines(flags: readonly FlagSpec[], width: number): string[] {
  return flags.map((f) => `  ${flagLabel(f).padEnd(width)}  ${f.description}`);
}

export interface HelpOptions {
  /** The CLI's own flags (`--list`, `--help`, ...), listed before the overrides. */
  commandFlags?: readonly FlagSpec[];
  usage?: string;
}

/** Full `--help` text: usage, flags, then every scenario field with type, default and meaning. */
export function renderHelp(options: HelpOptions = {}): string {
  const lines: string[] = [
    options.usage ?? 'usage: npm run scenario -- <name | path/to/scenario.ts> [flags]',
    '',
  ];
  const commandFlags = options.commandFlags ?? [];
  const width = Math.max(...[...commandFlags, ...OVERRIDE_FLAGS].map((f) => flagLabel(f).length));
  if (commandFlags.length > 0) lines.push('Flags:', ...flagLines(commandFlags, width), '');
  lines.push('Overrides (applied left to right before validation):', ...flagLines(OVERRIDE_FLAGS, width), '');
  lines.push('Scenario fields (override any with --set path=value; durations: 500ms, 30s, 2m, 1h30m):');
  for (const field of scenarioFields()) {
    const facts = [field.type, defaultOrRequired(field), field.kinds ? `only for ${field.kinds.join(', ')}` : ''].filter((f) => f !== '');
    lines.push(`  ${field.path}  (${facts.join('; ')})`);
    if (field.description !== '') lines.push(`      ${field.description}`);
  }
  return lines.join('\n');
}

/** The field reference as a markdown table (docs/scenarios.md). */
export function renderFieldReference(): string {
  const rows = scenarioFields().map((field) => [
    `\`${field.path}\``,
    field.type,
    field.defaultText !== undefined ? `\`${field.defaultText}\`` : field.required ? 'required' : '',
    field.kinds ? `${field.description} (only for ${field.kinds.join(', ')})` : field.description,
  ]);
  return markdownTable(['Field', 'Type', 'Default', 'Description'], rows);
}

/** The override flags as a markdown table (docs/scenarios.md). */
export function renderFlagReference(): string {
  return markdownTable(
    ['Flag', 'Meaning'],
    OVERRIDE_FLAGS.map((f) => [`\`${flagLabel(f)}\``, f.description]),
  );
}
