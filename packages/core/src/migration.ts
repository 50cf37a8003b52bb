/**
 * The migration contract: what a migration file's default export looks like, and
 * the operations object its `up` and `down` receive.
 *
 * A migration file needs no runtime import. It may `import type` from this package
 * for editor help; Node's type stripping erases that import, so the file also runs
 * under a globally installed CLI where this package is not resolvable from the
 * project.
 *
 * @packageDocumentation
 */

import type { MigrationSchemaOperations, StatementPerDialect } from './operations/operation-methods.js';

/** A row for {@link MigrationOperations.bulkInsert}: column name to value. */
export type Row = Readonly<Record<string, unknown>>;

/**
 * What a migration's `up` and `down` receive. Every call runs inside the migration's
 * transaction (unless the migration is `transactional: false`).
 *
 * Await every operation. The runner counts each `execute`, `query` and `bulkInsert` a
 * step starts: one that fails fails the migration even when it was not awaited or its
 * error was caught, and one still running when `up()`/`down()` settles fails it as not
 * awaited; its transaction is rolled back either way. Once the step has ended these
 * methods refuse to run anything. `db` and `connection` are the adapter's own objects and
 * are not counted.
 *
 * @typeParam Db - the adapter's query builder type (`op.db`); for the built-in
 *   MikroORM adapters this is a Kysely transaction, so `op.db.schema` is Kysely's
 *   schema builder.
 */
export interface MigrationOperations<Db = unknown> extends MigrationSchemaOperations {
  /** The dialect running this migration, e.g. `sqlite` or `postgresql`. */
  readonly dialect: string;
  /** True while rendering SQL offline (`--sql`): nothing can be read from the database. */
  readonly offline: boolean;
  /**
   * Runs one SQL statement. Use `?` placeholders for `params`; the adapter translates
   * them for its driver. Given statements per dialect, runs the one for `op.dialect`
   * (or `default`); a dialect with neither fails with `OPERATION_NOT_SUPPORTED`.
   */
  execute(sql: string | StatementPerDialect, params?: readonly unknown[]): Promise<void>;
  /** Runs a query and returns its rows. Not available offline. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Inserts rows into a table in as few statements as the driver allows. */
  bulkInsert(table: string, rows: readonly Row[]): Promise<void>;
  /**
   * The adapter's query builder bound to this migration's transaction. For the
   * built-in adapters: a Kysely transaction (`op.db.schema.createTable(...)`,
   * `op.db.insertInto(...)`). Offline (`--sql`), statements that write (schema builder,
   * insert, update, delete) are rendered into the script; a `SELECT` or `RETURNING`
   * fails with `OFFLINE_READ_NOT_SUPPORTED`.
   */
  readonly db: Db;
  /** The adapter's underlying connection object, for what nothing above covers. Not available offline. */
  readonly connection: unknown;
}

/** A single revision id, several, or none. */
export type RevisionList = string | readonly string[] | null;

/**
 * A migration: the default export of a file in `<scriptLocation>/versions/`.
 *
 * ### Examples
 * ```ts
 * import type { Migration } from '@cloudguard/migrate-core';
 *
 * export default {
 *   revision: '3f2a9c1b7d4e',
 *   downRevision: '000001',
 *   message: 'Add scan duration',
 *   async up(op) { await op.execute('ALTER TABLE scans ADD COLUMN duration_ms INTEGER'); },
 *   async down(op) { await op.execute('ALTER TABLE scans DROP COLUMN duration_ms'); },
 * } satisfies Migration;
 * ```
 */
export interface Migration<Op extends MigrationOperations<unknown> = MigrationOperations> {
  /** This revision's id (at most 32 characters, stored in `version_num`). */
  readonly revision: string;
  /** The revision(s) this one follows: `null` for a base, several for a merge point. */
  readonly downRevision: RevisionList;
  /** Names of branches that start at (or pass through) this revision. */
  readonly branchLabels?: RevisionList | undefined;
  /** Revisions that must be applied first without being parents (cross-branch dependencies). */
  readonly dependsOn?: RevisionList | undefined;
  /** One-line description; shown by `history` and in logs. */
  readonly message?: string | undefined;
  /** When false the migration runs outside any transaction (e.g. `CREATE INDEX CONCURRENTLY`). Default true. */
  readonly transactional?: boolean | undefined;
  /** Applies the change. */
  up(op: Op): void | Promise<void>;
  /** Reverts the change. A migration without `down` cannot be downgraded past. */
  down?(op: Op): void | Promise<void>;
}

/**
 * Identity function that gives a migration object its type in a plain `.js` file, or
 * where `satisfies` is not wanted. Type-only users need not import it.
 */
export function defineMigration<Op extends MigrationOperations<unknown> = MigrationOperations>(
  migration: Migration<Op>,
): Migration<Op> {
  return migration;
}
