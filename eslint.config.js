import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Two kinds of rules keep the structure of docs/architecture.md:
 *
 * 1. Ownership: one module owns each external system (the Kafka client, the AWS SDK,
 *    prom-client, HdrHistogram, child processes); nothing else imports it.
 * 2. Layers, one way: base → adapters → stages → harness → cli. A folder may import its own
 *    layer and the layers below, never above. Beside the layers, the checker's independence:
 *    the verifier never imports the pipeline or the workload it checks (docs/contract.md).
 */
const owned = [
  { name: '@platformatic/kafka', owner: 'kafka' },
  { name: 'prom-client', owner: 'metrics' },
  { name: 'hdr-histogram-js', owner: 'metrics' },
  { name: 'node:child_process', owner: 'process' },
  { name: 'child_process', owner: 'process' },
];
const ownedPatterns = [{ group: ['@aws-sdk/*'], owner: 'aws', message: 'only src/aws/ may import the AWS SDK' }];

/** Folders of src/ by layer, bottom up. A file directly in src/ belongs to no folder and is refused. */
export const LAYERS = [
  { name: 'base', folders: ['base', 'contract'] },
  { name: 'adapters', folders: ['kafka', 'aws', 'metrics', 'process'] },
  { name: 'stages', folders: ['workload', 'pipeline'] },
  { name: 'harness', folders: ['stack', 'drivers', 'scenario', 'verify', 'report', 'dashboards', 'runner', 'capacity'] },
  { name: 'cli', folders: ['cli'] },
];

/** Imports that would hide a shared bug from the checker, or run against the data flow. */
const EXTRA = {
  verify: [{ folders: ['pipeline', 'workload'], why: 'the verifier implements docs/contract.md on its own: it never shares code with what it checks' }],
  workload: [{ folders: ['pipeline'], why: 'the workload generates what the pipeline consumes; it knows nothing of it' }],
};

function layerOf(folder) {
  return LAYERS.findIndex((l) => l.folders.includes(folder));
}

function rulesFor(folder) {
  const level = layerOf(folder);
  const above = LAYERS.slice(level + 1);
  const patterns = [
    ...ownedPatterns.filter((o) => o.owner !== folder).map((o) => ({ group: o.group, message: o.message })),
    ...above.flatMap((layer) =>
      layer.folders.map((f) => ({
        group: [`**/${f}/**`, `**/${f}`],
        message: `layers run one way (docs/architecture.md): src/${folder}/ is ${LAYERS[level].name}, src/${f}/ is ${layer.name}, above it`,
      })),
    ),
    ...(EXTRA[folder] ?? []).flatMap((rule) => rule.folders.map((f) => ({ group: [`**/${f}/**`, `**/${f}`], message: `src/${folder}/ may not import src/${f}/: ${rule.why}` }))),
  ];
  const paths = owned.filter((o) => o.owner !== folder).map((o) => ({ name: o.name, message: `only src/${o.owner}/ may import ${o.name}` }));
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

const srcFolders = LAYERS.flatMap((l) => l.folders);

export default tseslint.config(
  { ignores: ['node_modules/**', 'results/**', 'dashboards/**', '.cache/**', 'scratch/**', 'test/fixtures/lint/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: owned.map((o) => ({ name: o.name, message: `only src/${o.owner}/ may import ${o.name}` })),
          patterns: ownedPatterns.map((o) => ({ group: o.group, message: o.message })),
        },
      ],
    },
  },
  ...srcFolders.map((folder) => ({ files: [`src/${folder}/**/*.ts`], rules: rulesFor(folder) })),
  // Only histogram.ts of src/metrics/ reads HdrHistogram: one encoder for every result file.
  {
    files: ['src/metrics/**/*.ts'],
    ignores: ['src/metrics/histogram.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...rulesFor('metrics')['no-restricted-imports'][1], paths: [...rulesFor('metrics')['no-restricted-imports'][1].paths, { name: 'hdr-histogram-js', message: 'only src/metrics/histogram.ts may import hdr-histogram-js' }] }],
    },
  },
  // Tests and benchmarks may reach the real services directly to check what the harness did.
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
);
