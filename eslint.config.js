import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// One module owns each external system (DESIGN.md §2): these rules keep the imports there.
const owned = [
  { name: '@platformatic/kafka', owner: 'src/kafka/' },
  { name: 'prom-client', owner: 'src/metrics/' },
  { name: 'hdr-histogram-js', owner: 'src/metrics/histogram.ts' },
];

function restrictedExcept(owner) {
  return owned
    .filter((o) => o.owner !== owner)
    .map((o) => ({ name: o.name, message: `only ${o.owner} may import ${o.name}` }));
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'results/**', 'dashboards/**', '.cache/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: owned.map((o) => ({ name: o.name, message: `only ${o.owner} may import ${o.name}` })),
          patterns: [{ group: ['@aws-sdk/*'], message: 'only src/aws/ may import the AWS SDK' }],
        },
      ],
    },
  },
  { files: ['src/kafka/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: restrictedExcept('src/kafka/'), patterns: [{ group: ['@aws-sdk/*'], message: 'only src/aws/ may import the AWS SDK' }] }] } },
  { files: ['src/metrics/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: restrictedExcept('src/metrics/').filter((p) => p.name !== 'hdr-histogram-js'), patterns: [{ group: ['@aws-sdk/*'], message: 'only src/aws/ may import the AWS SDK' }] }] } },
  { files: ['src/aws/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: owned.map((o) => ({ name: o.name, message: `only ${o.owner} may import ${o.name}` })) }] } },
  // Tests may reach the real services directly to check what the harness did.
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
);
