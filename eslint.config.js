// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports that would point a layer the wrong way (main → adapters → core, never back). */
const infrastructure = [
  'fastify',
  'fastify/*',
  '@fastify/*',
  'kysely',
  'pg',
  'better-sqlite3',
  'pino',
  'prom-client',
  'node:http',
  'commander',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'web/dist/**', 'bin/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Fastify plugins and handlers are async by contract, with or without an await.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: infrastructure, message: 'core is pure: no framework, database or HTTP imports.' },
            {
              group: ['**/adapters/**', '**/main/**', '**/config/**'],
              message: 'core depends on nothing else in src.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Pass configuration in.' },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'core does not touch the process.' }],
    },
  },
  {
    files: ['src/adapters/**/*.ts', 'src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**'], message: 'Only main composes the pieces.' }] },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through loadConfig.' },
      ],
    },
  },
  {
    files: ['src/adapters/storage/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/http/**', '**/cli/**', 'fastify', '@fastify/*'],
              message: 'Storage knows only core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/storage/**', '**/cli/**', 'kysely', 'pg', 'better-sqlite3'],
              message: 'HTTP talks to core services, never to storage.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/main/**',
                '**/http/**',
                '**/storage/**',
                'fastify',
                '@fastify/*',
                'kysely',
                'pg',
                'better-sqlite3',
              ],
              message: 'The CLI talks to the server over HTTP only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/cli/**/*.ts', 'src/main/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', '**/core/**', '**/adapters/**', '**/main/**', '**/config/**', 'node:*'],
              message: 'The console talks to the HTTP API only; it never imports the server.',
            },
          ],
        },
      ],
    },
  },
  // The console's build configuration runs in Node, outside web/tsconfig.json.
  { files: ['web/vite.config.ts'], ...tseslint.configs.disableTypeChecked },
  { files: ['web/vite.config.ts'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['*.js', '*.ts'], ...tseslint.configs.disableTypeChecked },
);
