// Lint rules that keep the architecture honest: deterministic workflows that import activity
// types only, and no floating promises anywhere.
import tseslint from 'typescript-eslint';

/** Modules workflow code must never import: I/O, clocks and randomness live in activities. */
const nonDeterministic = ['pg', 'kysely', 'got', 'fs', 'path', 'http', 'https', 'crypto', 'os', 'child_process', 'net', 'url'];

export default tseslint.config(
  { ignores: ['node_modules/**', '**/.data/**', '**/.tools/**', 'dist/**', 'bench/.venv/**', 'schema/**', '**/*.js'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nonDeterministic.map((name) => ({ name, message: 'workflow code must stay deterministic: do I/O in an activity' })),
          patterns: [
            { group: ['node:*'], message: 'workflow code must not use Node built-ins: do I/O in an activity' },
            {
              group: ['../activities/*', '../connectors/*', '../merge/*', '../access/*', '../store/*', '../ingest/*', '../infra/*', '../worker/*'],
              allowTypeImports: true,
              message: 'workflows import only types from engines and activities (import type ...)',
            },
          ],
        },
      ],
    },
  },
);
