// @ts-check
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = path.dirname(new URL(import.meta.url).pathname);

/** Every workspace project: its folder, package name and `nx.tags` `scope:*` tag. */
const projects = ['packages', 'examples'].flatMap((group) =>
  readdirSync(path.join(root, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const folder = `${group}/${entry.name}`;
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8'));
      } catch {
        return [];
      }
      const scope = (manifest.nx?.tags ?? []).find((tag) => tag.startsWith('scope:'));
      return scope === undefined ? [] : [{ folder, name: manifest.name, scope }];
    }),
);

/**
 * Which scopes a project of each scope may import statically. Dependencies point inward:
 * cli → adapters → adapter-kit → core. The CLI reaches adapters only with `await import()`,
 * when a command needs a database (no rule sees a dynamic import, which is the point).
 */
const ALLOWED_SCOPES = {
  'scope:core': [],
  'scope:adapter-kit': ['scope:core'],
  'scope:adapter': ['scope:core', 'scope:adapter-kit'],
  'scope:cli': ['scope:core'],
  'scope:example': ['scope:core', 'scope:adapter-kit', 'scope:adapter', 'scope:cli', 'scope:example'],
};

/** Drivers and ORMs, per scope: core and the CLI load none; the kit loads MikroORM and Kysely but no driver. */
const BANNED_EXTERNAL = {
  'scope:core': ['@mikro-orm/*', '@oclif/*', 'pg', 'better-sqlite3', 'kysely', 'mysql2'],
  'scope:adapter-kit': ['@oclif/*', 'pg', 'better-sqlite3', 'mysql2'],
  'scope:adapter': ['@oclif/*'],
  'scope:cli': ['@mikro-orm/*', 'pg', 'better-sqlite3', 'kysely', 'mysql2'],
  'scope:example': [],
};

/** The restricted-import rule of one project, from its scope tag. */
const scopeBoundary = ({ folder, name, scope }) => {
  const allowed = ALLOWED_SCOPES[scope];
  if (allowed === undefined) throw new Error(`${folder}: unknown tag ${scope}; add it to ALLOWED_SCOPES in eslint.config.mjs`);
  const forbidden = projects.filter((other) => other.name !== name && !allowed.includes(other.scope)).map((other) => other.name);
  const patterns = [];
  if (forbidden.length > 0) {
    patterns.push({
      group: forbidden.flatMap((other) => [other, `${other}/*`]),
      message: `${scope} may import only ${allowed.join(', ') || 'nothing of the workspace'} (the scope tags in each package.json).`,
      allowTypeImports: false,
    });
  }
  if (BANNED_EXTERNAL[scope].length > 0) {
    patterns.push({
      group: BANNED_EXTERNAL[scope],
      message: `${scope} must not load this ORM, driver or CLI framework: third parties build on it without them.`,
      allowTypeImports: false,
    });
  }
  return {
    files: [`${folder}/src/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
};

/**
 * The layers inside core, lowest first: a module imports only from its own layer and the
 * ones below. The data flows config → script directory → revision map → plan → runtime →
 * adapter, and each step depends on the contracts below it, never on a step that uses it.
 */
const CORE_LAYERS = [
  ['errors.ts', 'migration.ts', 'operations'],
  ['adapter'],
  ['autogenerate', 'offline', 'hooks'],
  ['config', 'revision'],
  ['script', 'plan'],
  ['runtime'],
  ['commands'],
  ['api'],
  ['testing', 'index.ts', 'for-adapters.ts'],
];

const coreLayerBoundaries = CORE_LAYERS.slice(0, -1).flatMap((layer, level) => {
  const above = CORE_LAYERS.slice(level + 1).flat();
  const group = above.flatMap((part) => (part.endsWith('.ts') ? [`**/${part.replace(/\.ts$/, '.js')}`] : [`**/${part}/**`]));
  return layer.map((part) => ({
    files: [part.endsWith('.ts') ? `packages/core/src/${part}` : `packages/core/src/${part}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group,
              message: `core/src/${part} is below ${above.join(', ')}: move what both need into a lower layer (see docs/architecture.md, "Layers").`,
              allowTypeImports: false,
            },
          ],
        },
      ],
    },
  }));
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
  ...projects.map(scopeBoundary),
  // Core's own layers. Later entries for the same file replace the scope rule's patterns, so the scope's are repeated.
  ...coreLayerBoundaries.map((entry) => ({
    ...entry,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...scopeBoundary(projects.find((project) => project.scope === 'scope:core')).rules['@typescript-eslint/no-restricted-imports'][1].patterns,
            ...entry.rules['@typescript-eslint/no-restricted-imports'][1].patterns,
          ],
        },
      ],
    },
  })),
  {
    // No import cycles inside a package, type-only imports included: each module should be readable on its own.
    files: ['packages/*/src/**/*.ts', 'examples/*/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })] },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  { files: ['**/tests/**/*.ts', 'packages/*/scripts/**/*.ts', 'tools/**/*.ts', 'tools/**/*.mts'], rules: { 'no-console': 'off' } },
);
