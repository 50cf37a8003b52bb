/**
 * A real MikroORM 7 project for the `import mikro-orm` tests: a package.json that lists
 * MikroORM's CLI (which refuses to run otherwise), entities written with `defineEntity`,
 * a `mikro-orm.config.ts`, and MikroORM's own CLI to create and apply migrations, as a
 * project that used MikroORM before cgmigrate would have done.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { cgmigrate, tempProject, type RunResult } from './cli.js';

/** The repository's node_modules, which the project links to as its own. */
const NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
/** MikroORM's CLI, as the project's `node_modules/.bin/mikro-orm` runs it. */
const MIKRO_ORM_BIN = path.join(NODE_MODULES, '.bin', 'mikro-orm');

/** The entities of each default stage of the project: each stage adds what its migration creates. */
const ENTITY_ADDITIONS = [
  `export const Author = defineEntity({
  name: 'Author',
  properties: {
    id: p.integer().primary(),
    name: p.string(),
  },
});
`,
  `
export const Book = defineEntity({
  name: 'Book',
  properties: {
    id: p.integer().primary(),
    title: p.string(),
  },
});
`,
  `
export const Review = defineEntity({
  name: 'Review',
  properties: {
    id: p.integer().primary(),
    stars: p.integer(),
  },
});
`,
];
const DEFAULT_STAGES: readonly EntityStage[] = ['author', 'book', 'review'].map((name, index) => ({
  name,
  entities: ENTITY_ADDITIONS.slice(0, index + 1).join(''),
}));

/** The entities of the project at one stage of its history. */
export interface EntityStage {
  /** What the stage's migration does, in its `--name` (`step<n>_<name>`). */
  readonly name: string;
  /** `src/entities.ts` after its import of `defineEntity` and `p` from `@mikro-orm/core`. */
  readonly entities: string;
}

/** Options of {@link createMikroOrmProject}. */
export interface MikroOrmProjectOptions {
  readonly driver: 'sqlite' | 'postgresql';
  /** `dbName: 'app.db'` or `clientUrl: '…'`, as written into the config. */
  readonly connection: string;
  /** `migrations.path` of the config. */
  readonly migrationsPath?: string;
  /** The cgmigrate database URL every `cgmigrate` run gets as DATABASE_URL; without it, cgmigrate's config decides. */
  readonly databaseUrl?: string;
  /** The entities of each stage (three tables, one per stage, by default). */
  readonly stages?: readonly EntityStage[];
}

/** A MikroORM project in a temporary folder. */
export interface MikroOrmProject {
  readonly dir: string;
  /** The MikroORM migrations folder (absolute). */
  readonly migrationsDir: string;
  /** cgmigrate's `versions/` (after `init`). */
  readonly versionsDir: string;
  /** The migration names MikroORM gave, in its order. */
  migrations(): string[];
  /** Runs MikroORM's CLI (`migration:create`, `migration:up`, …) and expects it to succeed. */
  mikroOrm(args: readonly string[]): Promise<RunResult>;
  /** Writes `src/entities.ts` as the stage (1-based) has it. */
  useStage(stage: number): void;
  /** Creates one migration per entity stage, each after its entities are written (`migration:create`). */
  createMigrations(count: number): Promise<string[]>;
  /** Runs the built cgmigrate in the project, with the database URL. */
  cgmigrate(args: readonly string[], env?: Record<string, string>): Promise<RunResult>;
  cleanup(): void;
}

/**
 * Writes the project (package.json, `src/entities.ts` with the first entity,
 * `mikro-orm.config.ts`) and runs `cgmigrate init`.
 */
export async function createMikroOrmProject(options: MikroOrmProjectOptions): Promise<MikroOrmProject> {
  const { dir, cleanup } = tempProject();
  symlinkSync(NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  const driverPackage = `@mikro-orm/${options.driver}`;
  const dependencies = Object.fromEntries(['cli', 'core', 'migrations', options.driver].map((name) => [`@mikro-orm/${name}`, '7.2.1']));
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bookshop', private: true, type: 'module', dependencies }, null, 2)}\n`);
  const migrationsPath = options.migrationsPath ?? './src/migrations';
  writeFileSync(
    path.join(dir, 'mikro-orm.config.ts'),
    `import { defineConfig } from '${driverPackage}';
import { Migrator } from '@mikro-orm/migrations';
import * as entities from './src/entities.ts';

export default defineConfig({
  ${options.connection},
  entities: Object.values(entities),
  extensions: [Migrator],
  debug: false,
  migrations: { path: '${migrationsPath}' },
});
`,
  );
  const stages = options.stages ?? DEFAULT_STAGES;
  const useStage = (stage: number) => {
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'entities.ts'), `import { defineEntity, p } from '@mikro-orm/core';\n\n${stages[stage - 1]!.entities}`);
  };
  useStage(1);
  const databaseEnv = options.databaseUrl === undefined ? {} : { DATABASE_URL: options.databaseUrl };
  const run = (args: readonly string[], env: Record<string, string> = {}) => cgmigrate(args, { cwd: dir, env: { ...databaseEnv, ...env } });
  const init = await run(['init', '-q']);
  expect(init.code, init.stderr).toBe(0);
  const migrationsDir = path.resolve(dir, migrationsPath);
  const project: MikroOrmProject = {
    dir,
    migrationsDir,
    versionsDir: path.join(dir, 'migrations', 'versions'),
    useStage,
    migrations: () =>
      readdirSync(migrationsDir)
        .filter((name) => /^Migration.*\.ts$/.test(name))
        .sort()
        .map((name) => name.replace(/\.ts$/, '')),
    async mikroOrm(args) {
      const result = await runMikroOrm(dir, args);
      expect(result.code, `mikro-orm ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
      return result;
    },
    async createMigrations(count) {
      for (let stage = 1; stage <= count; stage++) {
        useStage(stage);
        // The name orders them even when two are created within one second (same timestamp).
        await project.mikroOrm(['migration:create', `--name=step${stage}_${stages[stage - 1]!.name}`]);
      }
      return project.migrations();
    },
    cgmigrate: run,
    cleanup,
  };
  return project;
}

/**
 * MikroORM's CLI in `dir`, with this Node (24), the config named explicitly. Its own
 * TypeScript loader is switched off (MIKRO_ORM_CLI_PREFER_TS=0): the one it would pick in
 * this repository, jiti, hooks CommonJS, and Node 24 then loads the ESM `.ts` migrations
 * through it as namespaces MikroORM finds no class in ("MigrationClass is not a
 * constructor"). Without it MikroORM imports config, entities and migrations with Node's
 * type stripping, as cgmigrate does.
 */
function runMikroOrm(dir: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', MIKRO_ORM_CLI_PREFER_TS: '0' };
    delete env['DATABASE_URL'];
    const child = spawn(process.execPath, [MIKRO_ORM_BIN, ...args, '--config', './mikro-orm.config.ts'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          return JSON.parse(stdout) as T;
        },
      }),
    );
  });
}

/** The revision id `import mikro-orm` gives a migration: sha256("mikro-orm:" + name), 12 hex digits. */
export function adoptedId(name: string): string {
  return createHash('sha256').update(`mikro-orm:${name}`).digest('hex').slice(0, 12);
}
