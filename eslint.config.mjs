// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const driverAndOrmImports = ['@mikro-orm/*', '@oclif/*', 'pg', 'better-sqlite3', 'kysely', 'mysql2'];
const workspacePackages = ['@cloudguard/migrate-adapter-*', '@cloudguard/migrate-cli'];

/** Dependencies point inward: cli → adapters → core. Each scope lists what it must never import. */
const boundary = (files, patterns, message) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: patterns, message, allowTypeImports: false }] }],
  },
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/coverage/**', 'examples/**/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
    },
  },
  boundary(['packages/core/src/**/*.ts'], [...driverAndOrmImports, ...workspacePackages],
    'core must stay free of ORMs, drivers, the CLI and adapters: third parties build on it alone.'),
  boundary(['packages/adapter-*/src/**/*.ts'], ['@oclif/*', '@cloudguard/migrate-cli', '@cloudguard/migrate-adapter-*'],
    'an adapter depends on core and its own driver only.'),
  boundary(['packages/cli/src/**/*.ts'], ['@mikro-orm/*', 'pg', 'better-sqlite3', 'kysely'],
    'the CLI reaches databases only through adapters, loaded when a command needs one.'),
  { files: ['**/tests/**/*.ts', 'packages/*/scripts/**/*.ts', 'tools/**/*.ts', 'tools/**/*.mts'], rules: { 'no-console': 'off' } },
);
