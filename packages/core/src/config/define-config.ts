import type { DialectAdapter, LockWait, VersionTableLocation } from '../adapter/dialect-adapter.js';
import type { SchemaObjectFilter } from '../adapter/schema-change.js';
import type { SchemaFilterOptions } from '../autogenerate/schema-filter.js';
import type { LockRetryPolicy } from './lock-retry-policy.js';
import type { FleetTargetSource } from '../fleet/target-source.js';
import type { PostWriteHook } from '../hooks/post-write-hooks.js';

/** The URL used when none is given anywhere: an SQLite file in the working directory. */
export const DEFAULT_DATABASE_URL = 'sqlite:///cloudguard.db';
/** Default folder of migration scripts, relative to the config file (or the working directory). */
export const DEFAULT_SCRIPT_LOCATION = 'migrations';
/** Default version table: Alembic's, so either tool can read what the other wrote. */
export const DEFAULT_VERSION_TABLE = 'alembic_version';
/** Default name of new migration files, in Alembic's `%(token)` syntax. */
export const DEFAULT_FILE_TEMPLATE = '%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s';
/** Default wait for another runner's lock. */
export const DEFAULT_LOCK_WAIT: LockWait = { mode: 'wait', timeoutMs: 5 * 60_000 };

/** What autogenerate writes: portable schema operations, or the dialect's SQL statements. */
export type AutogenerateOutput = 'operations' | 'sql';

/**
 * What `cgmigrate.config.ts` exports. Every key is optional; what is left out takes
 * its default.
 *
 * ### Examples
 * ```ts
 * import type { MigrateConfig } from '@cloudguard/migrate-core';
 *
 * export default {
 *   url: process.env.DATABASE_URL ?? 'sqlite:///cloudguard.db',
 *   scriptLocation: 'migrations',
 * } satisfies MigrateConfig;
 * ```
 */
export interface MigrateConfig {
  /** Database URL. `--url` and `DATABASE_URL` take precedence over it. */
  readonly url?: string | undefined;
  /**
   * An empty database that `cgmigrate verify` may fill and empty again, for those who
   * cannot let it create a throwaway database of its own (a role without `CREATEDB`,
   * an adapter without `createScratchDatabase`). Never the database of `url`: verify
   * refuses it, and refuses one that holds anything but cgmigrate's own tables at base.
   * `--shadow-url` takes precedence. Default: none (verify creates and drops its own).
   */
  readonly shadowUrl?: string | undefined;
  /** Folder holding `versions/` and the revision template; relative to the config file. Default `migrations`. */
  readonly scriptLocation?: string | undefined;
  /** Name of the version table. Default `alembic_version`. */
  readonly versionTable?: string | undefined;
  /** Schema of the version table (PostgreSQL). Default: the connection's search path. */
  readonly versionTableSchema?: string | undefined;
  /**
   * Name of cgmigrate's audit table (one row per applied step, with the migration
   * file's checksum), kept beside the version table in `versionTableSchema`.
   * Default `cgmigrate_audit`.
   */
  readonly auditTable?: string | undefined;
  /** Name of new migration files (without extension), e.g. `%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s`. */
  readonly fileTemplate?: string | undefined;
  /** Longest slug taken from a message for file names. Default 40, as Alembic. */
  readonly truncateSlugLength?: number | undefined;
  /**
   * The adapter to use, overriding the one found from the URL's scheme: an adapter
   * object (`sqliteAdapter({ … })`), or the name of a package that exports one as its
   * default export or as `adapter` (e.g. `'@acme/cgmigrate-adapter-mariadb'`), looked
   * up among the CLI's plugins, then from the config file's folder.
   */
  readonly adapter?: DialectAdapter | string | undefined;
  /** MikroORM entity definitions the schema is generated from (autogenerate and `check`). */
  readonly entities?: readonly unknown[] | undefined;
  /** Commit after each migration instead of once for the whole run. Default false, as Alembic. */
  readonly transactionPerMigration?: boolean | undefined;
  /** What to do when another runner holds the lock: `'fail'` at once, or wait up to this many milliseconds. Default 300000. */
  readonly lockTimeout?: 'fail' | number | undefined;
  /**
   * Retries of a transaction that failed because a table lock could not be had in time
   * (PostgreSQL's `lock_timeout`, SQLite's busy database). Default `{ attempts: 3, backoffMs: 500 }`;
   * `attempts` counts every try, so `1` turns retries off.
   */
  readonly lockRetry?: Partial<LockRetryPolicy> | undefined;
  /**
   * How long one migration's `up()` or `down()` may take, in milliseconds, before it
   * fails (`MIGRATION_FAILED`, "did not settle within … (stepTimeout)") and its
   * transaction is rolled back; or `'off'`. Default `'off'`, as in Alembic: a long data
   * migration is legitimate, and only the project knows how long is too long. It ends a
   * step that awaits something that never comes; it does not cancel a statement the
   * database is running (the rollback waits for that statement: use the database's own
   * `statement_timeout` for it).
   */
  readonly stepTimeout?: number | 'off' | undefined;
  /**
   * What `revision --autogenerate` writes: `'operations'` (default), portable schema
   * operations (`op.createTable`, `op.addColumn`, …) that compile for whichever database
   * runs them; or `'sql'`, the statements of the database compared, as `op.execute` calls.
   */
  readonly autogenerateAs?: AutogenerateOutput | undefined;
  /** Autogenerate and `check` compare only these tables (`name` or `schema.name`). Default: all. */
  readonly includeTables?: readonly string[] | undefined;
  /** Autogenerate and `check` never compare these tables (`name` or `schema.name`). */
  readonly excludeTables?: readonly string[] | undefined;
  /** Decides per table or view whether autogenerate and `check` compare it (Alembic's `include_object`). */
  readonly includeObject?: SchemaObjectFilter | undefined;
  /**
   * Run on each migration file `revision` (with or without `--autogenerate`) and `merge`
   * write, in order, like Alembic's `post_write_hooks`: a command (`{file}` in `args` is
   * the file's path) or a function. The first that fails stops the rest; the file stays.
   * E.g. `[{ name: 'prettier', command: 'npx', args: ['prettier', '--write', '{file}'] }]`.
   */
  readonly postWriteHooks?: readonly PostWriteHook[] | undefined;
  /**
   * The heads the scripts are meant to have, for the pre-merge guard (`cgmigrate heads
   * --check`, and `verify`): each a branch label or a revision id or prefix. Unset, the
   * guard passes with at most one head; set, the heads must be exactly these, each entry
   * naming one head. For projects that keep independent branches on purpose, e.g.
   * `['core', 'reporting']`.
   */
  readonly expectedHeads?: readonly string[] | undefined;
  /**
   * Pairs of revisions on concurrent branches whose overlap was reviewed: `check` does
   * not report a `BRANCH_CONFLICT` between them. Each entry is two revision ids, or
   * prefixes of them, in either order, e.g. `[['3f2a9c', 'b71e04']]`. (A migration can
   * say the same in its header comment: `Reviewed-Conflicts: 3f2a9c`.)
   */
  readonly reviewedConflicts?: readonly (readonly [string, string])[] | undefined;
  /**
   * The safety lint (`cgmigrate lint`, and within `check`, `verify`, `upgrade` and
   * `revision --autogenerate`): per-rule severities, e.g.
   * `{ rules: { DROP_INDEX: 'error', LOCK_TABLE: 'off' } }` (ids in `docs/lint.md`), and
   * `safeAutogenerate: true` to have autogenerate write the lock-safe forms itself.
   */
  readonly lint?: LintConfig | undefined;
  /**
   * The fleet: the tenant databases and schemas that `--fleet` runs a command on (see
   * `docs/fleets.md`). A targets file's path, a URL (`postgresql://db/app#tenant_*` for
   * every matching schema, `sqlite:///tenants/*.db` for every matching file), a list of
   * URLs or `{ url, schema?, name? }` objects, `{ query, controlUrl }` (a query whose
   * rows have a `url` column), or a function returning a list, e.g.
   * `targets: async () => (await tenants()).map((t) => ({ name: t.slug, url: BASE_URL, schema: t.schema }))`.
   * `--targets` takes precedence. Default: none.
   */
  readonly targets?: FleetTargetSource | undefined;
}

/** The `lint` section of the config. */
export interface LintConfig {
  /** Severity per rule id: `'error'` fails `lint`, `'warning'` is printed, `'off'` silences the rule. */
  readonly rules?: Readonly<Record<string, 'error' | 'warning' | 'off'>> | undefined;
  /**
   * Autogenerate writes index creations on existing tables `concurrently` in a second,
   * `transactional: false` revision, and foreign keys and checks on existing tables
   * `notValid`, validated in that second revision (PostgreSQL). Default false.
   */
  readonly safeAutogenerate?: boolean | undefined;
}

/** A configuration with every default applied and every path absolute. */
export interface ResolvedConfig {
  /** Working directory the configuration was resolved in. */
  readonly cwd: string;
  /** The database URL (may hold a password: show it only through `redactUrl`). */
  readonly url: string;
  /** Where the URL came from. */
  readonly urlSource: 'flag' | 'env' | 'config' | 'default';
  /** The config file read, if any. */
  readonly configPath: string | undefined;
  /** `shadowUrl`: the empty database `verify` uses instead of creating one (may hold a password). */
  readonly shadowUrl?: string | undefined;
  readonly scriptLocation: string;
  readonly versionTable: VersionTableLocation;
  /**
   * The one schema the connection works in, for a fleet's schema target
   * (`<url>#<schema>`): the version and audit tables are then in it too. `undefined`
   * outside fleets: the connection's own default.
   */
  readonly schema?: string | undefined;
  /** The audit table: `auditTable` (default `cgmigrate_audit`) in the version table's schema. */
  readonly auditTable: VersionTableLocation;
  readonly fileTemplate: string;
  readonly truncateSlugLength: number;
  /** An adapter object, or the name of a package that exports one; `undefined`: chosen by the URL's scheme. */
  readonly adapter: DialectAdapter | string | undefined;
  readonly entities: readonly unknown[];
  readonly transactionPerMigration: boolean;
  readonly lockWait: LockWait;
  readonly lockRetry: LockRetryPolicy;
  /** `stepTimeout` in milliseconds; `undefined` when off. */
  readonly stepTimeoutMs?: number | undefined;
  /** What autogenerate writes (`autogenerateAs`, default `'operations'`). */
  readonly autogenerateAs: AutogenerateOutput;
  /** What autogenerate and `check` compare (`includeTables`, `excludeTables`, `includeObject`). */
  readonly schemaFilter: SchemaFilterOptions;
  /** Run on each new migration file (`postWriteHooks`); empty by default. */
  readonly postWriteHooks: readonly PostWriteHook[];
  /** The heads the pre-merge guard expects (`expectedHeads`); `undefined`: at most one. */
  readonly expectedHeads: readonly string[] | undefined;
  /**
  /** Reviewed pairs of concurrent revisions (`reviewedConflicts`, ids or prefixes); empty by default. */
  readonly reviewedConflicts: readonly (readonly [string, string])[];
  /** Per-rule lint severities (`lint.rules`); empty by default. */
  readonly lintRules: Readonly<Record<string, 'error' | 'warning' | 'off'>>;
  /** `lint.safeAutogenerate`; false by default. */
  readonly safeAutogenerate: boolean;
  /** The fleet's targets (`targets`); `undefined` when not configured. */
  readonly targets?: FleetTargetSource | undefined;
}

/**
 * Gives a config object its type; returns it unchanged.
 *
 * ### Examples
 * ```ts
 * export default defineConfig({ url: 'sqlite:///cloudguard.db' });
 * ```
 */
export function defineConfig(config: MigrateConfig): MigrateConfig {
  return config;
}
