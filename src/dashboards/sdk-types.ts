import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * Validates dashboard JSON against the foundation SDK's own type definitions.
 *
 * Why types and not a JSON schema: @grafana/grafana-foundation-sdk 0.0.21 ships no JSON schema
 * or OpenAPI document in its npm package (only .js and .d.ts; the upstream repository keeps its
 * jsonschema/ folder out of the package). The .d.ts files are generated from the same CUE
 * kinds as those schemas, so they are the strongest schema the package offers. We feed the
 * JSON, as an object literal, to the TypeScript compiler against a stricter view of the types:
 *
 *  - enums become their literal values (JSON holds "absolute", not ThresholdsMode.Absolute);
 *  - `any`-typed slots are narrowed per panel type: `options` and `fieldConfig.defaults.custom`
 *    must match that panel plugin's Options/FieldConfig, and `targets` must be Prometheus
 *    queries (the SDK types them only as an opaque Dataquery interface);
 *  - object literals get excess-property checks, so a misspelt or unknown key is an error.
 *
 * Needs the `typescript` package (a dev dependency); loaded lazily so building dashboards
 * does not.
 */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const TYPE_PRELUDE = `
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';

type IsAny<T> = 0 extends 1 & T ? true : false;
/** The JSON form of an SDK type: enum members as their values, marker methods dropped. */
type Json<T> = IsAny<T> extends true ? unknown
  : T extends string ? \`\${T}\`
  : T extends number ? (\`\${T}\` extends \`\${infer N extends number}\` ? N : number)
  : T extends boolean | null | undefined ? T
  : T extends readonly (infer U)[] ? Json<U>[]
  : T extends (...args: never[]) => unknown ? never
  : T extends object ? { [K in keyof T as K extends '_implementsDataqueryVariant' ? never : K]: Json<T[K]> }
  : T;

type Target = Json<prometheus.Dataquery>;
type FieldConfigOf<Custom> = {
  defaults: Omit<Json<dashboard.FieldConfig>, 'custom'> & { custom?: Json<Custom> };
  overrides: Json<dashboard.FieldConfigSource['overrides']>;
};
type PanelOf<Type extends string, Options, Custom> = Omit<Json<dashboard.Panel>, 'type' | 'targets' | 'options' | 'fieldConfig'> & {
  type: Type;
  targets: Target[];
  options: Json<Options>;
  fieldConfig: FieldConfigOf<Custom>;
};
type AnyPanel =
  | PanelOf<'timeseries', timeseries.Options, timeseries.FieldConfig>
  | PanelOf<'heatmap', heatmap.Options, heatmap.FieldConfig>
  | PanelOf<'stat', stat.Options, Record<string, never>>;
type Row = Omit<Json<dashboard.RowPanel>, 'panels'> & { panels: AnyPanel[] };
type Annotation = Omit<Json<dashboard.AnnotationQuery>, 'target'> & { target?: Target };
type StrictDashboard = Omit<Json<dashboard.Dashboard>, 'panels' | 'annotations'> & {
  panels: (AnyPanel | Row)[];
  annotations: { list?: Annotation[] };
};
`;

export interface NamedJson {
  name: string;
  json: unknown;
}

/** Returns one message per type error (file name, line in the JSON, what is wrong); empty = valid. */
export async function checkAgainstSdkTypes(dashboards: readonly NamedJson[]): Promise<string[]> {
  const { default: ts } = await import('typescript');
  const fileName = join(PROJECT_ROOT, '__streamproof_dashboard_type_check__.ts');
  const preludeLines = TYPE_PRELUDE.split('\n').length;
  const bodies: Array<{ name: string; firstLine: number }> = [];
  let text = TYPE_PRELUDE;
  dashboards.forEach((d, i) => {
    bodies.push({ name: d.name, firstLine: text.split('\n').length });
    text += `export const dashboard${i}: StrictDashboard = ${JSON.stringify(d.json, null, 2)};\n`;
  });

  const options: import('typescript').CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === fileName ? text : readFile(f));
  host.fileExists = (f) => f === fileName || fileExists(f);
  host.getSourceFile = (f, language, onError, createNew) =>
    f === fileName ? ts.createSourceFile(f, text, language) : getSourceFile(f, language, onError, createNew);

  const program = ts.createProgram([fileName], options, host);
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
  return diagnostics.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1;
    if (diagnostic.file.fileName !== fileName) return `${diagnostic.file.fileName}:${line}: ${message}`;
    if (line <= preludeLines) return `type prelude line ${line}: ${message}`;
    const body = [...bodies].reverse().find((b) => b.firstLine <= line);
    // The JSON was stringified with the same indentation as the committed file, so the line
    // within the literal is the line in the file.
    return `${body?.name ?? '?'}:${body ? line - body.firstLine + 1 : line}: ${message}`;
  });
}
