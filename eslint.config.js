// Lint guards the process boundaries the architecture depends on:
// core never imports Electron, the renderer never reaches Node, shared/ stays pure.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'child_process', 'net', 'os', 'crypto', 'http', 'https'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.scratch/**', '.electron-native/**', 'dist/**', 'release/**', 'docs/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'electron/core must run under plain Node: no Electron import.' }] },
      ],
    },
  },
  {
    // Issue 14: SQL lives in electron/core/db/ (repositories) and in the outbox's own file, so a
    // reader finds every query on a table in one place and a schema change touches db/ only.
    files: ['electron/**/*.ts'],
    ignores: ['electron/core/db/**', 'electron/core/sync/outbox.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='prepare'], CallExpression[callee.property.value='prepare']",
          message:
            'SQL goes in electron/core/db/ (a repository named for what it holds, e.g. db/events.ts; see db/README.md) or, for the outbox queue, electron/core/sync/outbox.ts. Call the repository from here.',
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'shared/ is pure: no Node built-ins.' },
            { group: ['electron', 'react', 'react-dom', '**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing above it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The renderer has no Node: talk to main through window.kiosk.' },
            { group: ['electron', '**/electron/**'], message: 'The renderer talks to main only through window.kiosk.' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.{js,mjs,cjs}', 'build/**/*.{js,cjs}', '*.config.{js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Command-line entry points, scripts, benchmarks and tests print to the terminal on purpose.
    files: ['electron/core/cli/**/*.ts', 'scripts/**', 'tests/**', '*.config.*'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: "MemberExpression[property.name='only']", message: 'No .only left in tests.' }] },
  },
);
