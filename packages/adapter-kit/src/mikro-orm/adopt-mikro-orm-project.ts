/**
 * `cgmigrate import mikro-orm` as a function: reads a MikroORM project (config,
 * migration files, its table of applied migrations in the cgmigrate database), plans
 * the adoption ({@link planMikroOrmAdoption}), and carries it out: the files into
 * `versions/`, then the stamp.
 */

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  inspectDatabase,
  MikroOrmImportRefusedError,
  redactUrl,
  ScriptDirectory,
  stamp,
  type MigrateResult,
  type MigrationEnvironment,
  type MikroOrmImportProblem,
  type ScriptDirectoryIo,
} from '@cloudguard/migrate-core';
import { loadMikroOrmConfig } from './mikro-orm-config-file.js';
import { describeHistoryTable, readMikroOrmHistory, type MikroOrmHistoryTable } from './mikro-orm-history.js';
import { listMikroOrmMigrations } from './mikro-orm-migration-files.js';
import { readMikroOrmMigrationSettings } from './mikro-orm-migration-settings.js';
import { planMikroOrmAdoption, type AdoptionPlan, type MikroOrmMigrationSource, type PlannedRevision } from './plan-adoption.js';

/** Options of {@link adoptMikroOrmProject}. */
export interface MikroOrmAdoptionOptions {
  /** The MikroORM project's directory, where MikroORM's CLI would run; the working directory when absent. */
  readonly cwd?: string | undefined;
  /** The MikroORM config file to read instead of searching as MikroORM's CLI does (relative to `cwd`). */
  readonly mikroOrmConfig?: string | undefined;
  /** The context of a config that exports several; `MIKRO_ORM_CONTEXT_NAME`, else `default`. */
  readonly contextName?: string | undefined;
  /** Adopt despite the forceable problems (see {@link MikroOrmImportProblem}), reporting what is assumed. */
  readonly force?: boolean | undefined;
  /** Interrupts the stamp: see `UpgradeOptions.signal`. */
  readonly signal?: AbortSignal | undefined;
}

/** One MikroORM migration as adopted. */
export interface AdoptedRevision {
  /** The MikroORM migration's name (the class's, as its file's). */
  readonly migration: string;
  readonly revision: string;
  readonly downRevision: string | null;
  /** The MikroORM migration file (absolute), left as it was unless it is {@link path}. */
  readonly source: string;
  /** The revision's file in `versions/` (absolute). */
  readonly path: string;
  /** `written` into `versions/`, `annotated` in place, or `unchanged` (adopted before). */
  readonly action: 'written' | 'annotated' | 'unchanged';
  /** Whether MikroORM's table records it as applied. */
  readonly applied: boolean;
  /** When MikroORM applied it (ISO 8601), or `null`. */
  readonly executedAt: string | null;
}

/** What {@link adoptMikroOrmProject} did. */
export interface MikroOrmAdoptionResult {
  /** The MikroORM config read (absolute). */
  readonly mikroOrmConfig: string;
  /** Its context that was read. */
  readonly contextName: string;
  /** The MikroORM migrations folder (absolute). */
  readonly migrationsDirectory: string;
  /** MikroORM's table of applied migrations, as read (`mikro_orm_migrations`, or `schema.table`). */
  readonly historyTable: string;
  /** The cgmigrate `versions/` folder (absolute). */
  readonly versionsDirectory: string;
  /** Whether the MikroORM migrations folder is `versions/`, so the files were annotated in place. */
  readonly inPlace: boolean;
  /** The first adopted revision's parent: `versions/`'s head before the adoption, or `null`. */
  readonly base: string | null;
  /** Every MikroORM migration, in MikroORM's order: the chain of revisions. */
  readonly revisions: readonly AdoptedRevision[];
  /** What became of the database's version table. */
  readonly stamp: AdoptionStamp;
  /** With `force`, each problem adopted anyway and what was assumed about it; empty otherwise. */
  readonly assumptions: readonly MikroOrmImportProblem[];
  /** Whether anything was written: a file, or the version table. `false`: the project was adopted already. */
  readonly changed: boolean;
}

/** The version table's part of an adoption. */
export interface AdoptionStamp {
  /** `stamped` now; `already-stamped` at this revision or one after it; `nothing-applied` by MikroORM, so nothing to record. */
  readonly status: 'stamped' | 'already-stamped' | 'nothing-applied';
  /** The revision of the last MikroORM migration applied; `null` when none is. */
  readonly revision: string | null;
  /** Its MikroORM name; `null` when none is applied. */
  readonly migration: string | null;
  /** The version table's rows before. */
  readonly from: readonly string[];
  /** The version table's rows after. */
  readonly to: readonly string[];
}

/**
 * Adopts the MikroORM project in `options.cwd` into the cgmigrate project of `env`, as a
 * linear chain of revisions in MikroORM's order:
 * 1. finds and loads the MikroORM config as MikroORM's CLI does, and reads its
 *    migrations settings and files;
 * 2. reads MikroORM's table of applied migrations in the database `env` is configured
 *    for (its URL, adapter and schema, not the MikroORM config's), read-only;
 * 3. plans (see {@link planMikroOrmAdoption}) and refuses, writing nothing, when a
 *    problem is not forceable or `force` is not set;
 * 4. writes each migration into `versions/` under its MikroORM file name, the class
 *    unchanged but for `static revision` and `static downRevision` (in place when the
 *    migrations folder is `versions/`); the MikroORM folder is left as it was;
 * 5. stamps the database at the last applied migration's revision through core's
 *    `stamp` (version table and audit rows, under the migration lock), unless it is there
 *    already or MikroORM applied nothing.
 *
 * Running it again changes nothing (`changed: false`): the files are there with the same
 * statics and the database is stamped. A MikroORM migration added since is appended to
 * the chain.
 *
 * ### Examples
 * ```ts
 * const result = await adoptMikroOrmProject(env, { cwd: '/srv/app' });
 * result.revisions.map((r) => `${r.migration} -> ${r.revision}`);
 * ```
 * @throws {MikroOrmConfigNotFoundError} {@link MikroOrmConfigInvalidError} about the MikroORM config.
 * @throws {MikroOrmHistoryNotFoundError} when MikroORM's table cannot be read.
 * @throws {MikroOrmImportRefusedError} with every problem, when adopting would be unsafe.
 * @throws {MultipleHeadsError} when `versions/` has several heads.
 */
export async function adoptMikroOrmProject(env: MigrationEnvironment, options: MikroOrmAdoptionOptions = {}): Promise<MikroOrmAdoptionResult> {
  const cwd = options.cwd ?? process.cwd();
  const config = await loadMikroOrmConfig({ cwd, configPath: options.mikroOrmConfig, contextName: options.contextName });
  const settings = readMikroOrmMigrationSettings(config, cwd);
  const migrations: MikroOrmMigrationSource[] = (await listMikroOrmMigrations(settings)).map((file) => ({ ...file, text: readFileSync(file.path, 'utf8') }));
  const versionsDirectory = path.join(env.config.scriptLocation, 'versions');
  const fileNames = new Set(migrations.map((migration) => migration.fileName));
  const { revisions: otherRevisions } = await ScriptDirectory.readRevisions(env.config.scriptLocation, scriptIoWithout(fileNames));
  const versionsFiles = new Map(
    readdirSync(versionsDirectory)
      .filter((name) => fileNames.has(name))
      .map((name) => [name, readFileSync(path.join(versionsDirectory, name), 'utf8')] as const),
  );
  // A schema the cgmigrate config targets wins, as MikroORM's `migrator.up({ schema })` wins over its config.
  const table: MikroOrmHistoryTable = { tableName: settings.tableName, schema: env.config.schema === undefined ? settings.schema : undefined };
  const { history, versionRows } = await inspectDatabase(env, async (connection) => ({
    history: await connection.autocommit((session) => readMikroOrmHistory(session, table, redactUrl(env.config.url))),
    versionRows: await connection.versionStore.read(),
  }));

  const plan = planMikroOrmAdoption({ migrations, history, versionsDirectory, versionsFiles, otherRevisions, versionRows });
  const refused = plan.problems.some((problem) => !problem.forceable) || (plan.problems.length > 0 && options.force !== true);
  if (refused) throw new MikroOrmImportRefusedError(plan.problems);

  for (const revision of plan.revisions) {
    // A new file must not replace one that appeared since the plan read the folder.
    if (revision.action === 'write') writeFileSync(revision.path, revision.text, { flag: 'wx' });
    else if (revision.action === 'annotate') writeFileSync(revision.path, revision.text);
  }
  const stamped = plan.stamp.kind === 'stamp' ? await stamp(env, { revisions: [plan.stamp.revision], signal: options.signal }) : undefined;

  return {
    mikroOrmConfig: config.path,
    contextName: config.contextName,
    migrationsDirectory: settings.directory,
    historyTable: describeHistoryTable(table),
    versionsDirectory,
    inPlace: path.resolve(settings.directory) === path.resolve(versionsDirectory),
    base: plan.base,
    revisions: plan.revisions.map(toAdoptedRevision),
    stamp: describeStamp(plan, versionRows, stamped),
    assumptions: plan.problems,
    changed: stamped !== undefined || plan.revisions.some((revision) => revision.action !== 'unchanged'),
  };
}

/**
 * How the adoption reads `versions/`'s own revisions: as core reads them, but without
 * the files named like a MikroORM migration (which have no statics yet when the
 * migrations folder is `versions/`, and whose revisions the plan computes itself).
 */
function scriptIoWithout(fileNames: ReadonlySet<string>): ScriptDirectoryIo {
  return {
    readdir: (dir) => readdirSync(dir).filter((name) => !fileNames.has(name)),
    readFile: (file) => readFileSync(file, 'utf8'),
    // Only for a file whose header is not written as literals, as core's own config import does.
    importModule: (file) => import(pathToFileURL(file).href),
  };
}

function toAdoptedRevision(planned: PlannedRevision): AdoptedRevision {
  const action = ({ write: 'written', annotate: 'annotated', unchanged: 'unchanged' } as const)[planned.action];
  return {
    migration: planned.migration,
    revision: planned.revision,
    downRevision: planned.downRevision,
    source: planned.source,
    path: planned.path,
    action,
    applied: planned.applied,
    executedAt: planned.executedAt,
  };
}

function describeStamp(plan: AdoptionPlan, rows: readonly string[], stamped: MigrateResult | undefined): AdoptionStamp {
  if (plan.stamp.kind === 'nothing-applied') return { status: 'nothing-applied', revision: null, migration: null, from: rows, to: rows };
  const { revision, migration } = plan.stamp;
  if (stamped === undefined) return { status: 'already-stamped', revision, migration, from: rows, to: rows };
  return { status: 'stamped', revision, migration, from: stamped.from, to: stamped.to };
}
