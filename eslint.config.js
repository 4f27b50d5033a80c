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

/** The server's own code, which the CLI and the console never import: they share @skytells/contract alone. */
const serverCode = [
  '**/src/core/**',
  '**/src/adapters/**',
  '**/src/main/**',
  '**/src/config/**',
  '../../src/**',
  '../../../src/**',
  '@skytells/contract/*',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'web/dist/**',
      'bin/**',
      'test-results/**',
      'cli/dist/**',
      'cli/bin/**',
      'contract/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // A `default` may stand for the codes a screen has nothing particular to say about.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
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
    // TokenLifecycle alone ends, replaces and evicts tokens, so no path can forget the cache; the
    // listener only applies evictions another process's lifecycle announced.
    files: ['src/**/*.ts'],
    ignores: [
      'src/core/token-lifecycle.ts',
      'src/adapters/notify/postgres-invalidation-listener.ts',
      'src/**/*.test.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='evict']",
          message: 'Revoke or replace tokens through TokenLifecycle.change(), which evicts.',
        },
        {
          selector:
            "CallExpression[callee.object.property.name='tokens'][callee.property.name=/^(revoke|setReplacedBy)$/][callee.object.object.name=/^(stores|changes)$/]",
          message: 'Revoke or replace tokens through TokenLifecycle.change(), which audits and evicts.',
        },
        {
          selector:
            "CallExpression[callee.object.property.name='invalidations'][callee.property.name='publish']",
          message: 'TokenLifecycle.change() announces what it revoked or replaced, once per transaction.',
        },
      ],
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
    files: ['cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...serverCode,
                // node:http stays: `login --web` listens on loopback for the OAuth redirect.
                ...infrastructure.filter((name) => name !== 'commander' && name !== 'node:http'),
                'react',
                'react-dom',
              ],
              message:
                'The CLI is its own package: it talks to the server over HTTP and shares only @skytells/contract.',
            },
          ],
        },
      ],
    },
  },
  {
    // The contract crosses every boundary: browser-safe, it depends on TypeBox alone.
    files: ['contract/src/**/*.ts'],
    ignores: ['contract/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@sinclair/typebox$|\\.\\.?/)',
              message: 'The contract depends on TypeBox alone, so every program and the browser can load it.',
            },
            { group: ['../../**'], message: 'The contract imports nothing outside its package.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The contract runs in browsers too.' },
        { name: 'Buffer', message: 'The contract runs in browsers too.' },
      ],
    },
  },
  {
    files: ['cli/**/*.ts', 'src/main/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
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
              group: [...serverCode, '**/cli/**', '@skytells/cli', 'node:*'],
              message:
                'The console talks to the HTTP API only; from the server side it imports @skytells/contract alone.',
            },
          ],
        },
      ],
    },
  },
  // The console's build configuration runs in Node, outside web/tsconfig.json.
  { files: ['web/vite.config.ts'], ...tseslint.configs.disableTypeChecked },
  { files: ['web/vite.config.ts'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['*.js', '*.ts', 'cli/scripts/*.js'], ...tseslint.configs.disableTypeChecked },
);
