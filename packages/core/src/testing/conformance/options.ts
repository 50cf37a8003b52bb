import type { ChildProcess } from 'node:child_process';

import type { ConnectOptions, DialectAdapter } from '../../adapter/dialect-adapter.js';

/** A database the suite may change freely: made for one check, dropped after it. */
export interface ConformanceDatabase {
  /** The URL to connect to, as a user would configure it. */
  readonly url: string;
  /** The directory relative paths in {@link url} resolve against ({@link ConnectOptions.cwd}). */
  readonly cwd: string;
  /** Removes the database. Called after the check, once its connections are closed. */
  drop(): Promise<void>;
}

/**
 * SQL the suite sends through {@link Session}s, for dialects where plain SQL differs.
 * Statements use the session's `?` placeholders. Each snippet gets a table name the
 * suite chose (lower-case letters and `_`, no quoting needed).
 */
export interface ConformanceSql {
  /** Creates a table with an integer primary key `id` and a text column `label` (≤ 64 characters, not null). */
  createTable(name: string): string;
  /** Inserts one row; two placeholders, bound to `id` and `label`. */
  insertRow(name: string): string;
  /** Selects `id` and `label` of the rows whose `id` is at least the one placeholder, ordered by `id`. */
  selectRows(name: string): string;
  /** Counts the rows as one column `n` (a number, bigint or numeric string). Fails when the table does not exist. */
  countRows(name: string): string;
  /** A statement that always fails, and not because of a lock: by default an insert into a table that does not exist. */
  readonly failingStatement: string;
  /**
   * Drops one column of a table (`ALTER TABLE … DROP COLUMN …`): the audit checks use it to
   * turn the table `ensure()` created back into the shape older versions created.
   */
  dropColumn(table: string, column: string): string;
}

/** The SQL the suite uses unless {@link AdapterConformanceOptions.sql} overrides it: SQL-92, as SQLite, PostgreSQL and MySQL accept it. */
export const DEFAULT_CONFORMANCE_SQL: ConformanceSql = {
  createTable: (name) => `CREATE TABLE ${name} (id INTEGER PRIMARY KEY, label VARCHAR(64) NOT NULL)`,
  insertRow: (name) => `INSERT INTO ${name} (id, label) VALUES (?, ?)`,
  selectRows: (name) => `SELECT id, label FROM ${name} WHERE id >= ? ORDER BY id`,
  countRows: (name) => `SELECT COUNT(*) AS n FROM ${name}`,
  failingStatement: 'INSERT INTO cgm_conformance_missing (id) VALUES (1)',
  dropColumn: (table, column) => `ALTER TABLE ${table} DROP COLUMN ${column}`,
};

/**
 * Every check of the suite, as `<group>.<check>`. Name one (or a whole group) in
 * {@link AdapterConformanceOptions.skip} to skip it with a reason.
 */
export const CONFORMANCE_CHECKS = [
  'contract.shape',
  'contract.connect',
  'versionStore.read-fresh',
  'versionStore.ensure-idempotent',
  'versionStore.round-trip',
  'versionStore.read-in-transaction',
  'versionStore.conflict',
  'versionStore.duplicate-insert',
  'versionStore.custom-table',
  'versionStore.inspect-reads',
  'auditStore.read-fresh',
  'auditStore.round-trip',
  'auditStore.rollback',
  'auditStore.custom-table',
  'auditStore.accept',
  'auditStore.read-old-table',
  'auditStore.upgrade-old-table',
  'transactions.commit',
  'transactions.rollback',
  'transactions.rollback-ddl',
  'transactions.statement-error',
  'transactions.autocommit',
  'transactions.sql-rollback',
  'transactions.sql-autocommit',
  'sessions.execute-query',
  'sessions.bulk-insert',
  'locking.exclusive',
  'locking.holder-writes',
  'locking.wait-acquires',
  'locking.wait-timeout',
  'locking.cross-process',
  'locking.verify',
  'errors.transient-lock',
  'errors.close-twice',
  'errors.closed-refuses-work',
  'errors.closed-refuses-lock',
  'errors.invalid-url',
  'errors.unreachable',
  'errors.unreachable-inspect',
  'offline.render-apply',
  'offline.read-refused',
  'operations.createTable',
  'operations.createTable.constraints',
  'operations.createTable.comment',
  'operations.dropTable',
  'operations.renameTable',
  'operations.addColumn',
  'operations.addColumn.not-null-default',
  'operations.dropColumn',
  'operations.alterColumn.type',
  'operations.alterColumn.nullable',
  'operations.alterColumn.not-null',
  'operations.alterColumn.default',
  'operations.alterColumn.drop-default',
  'operations.alterColumn.rename',
  'operations.alterColumn.comment',
  'operations.createIndex',
  'operations.createIndex.unique',
  'operations.createIndex.partial',
  'operations.createIndex.expression',
  'operations.dropIndex',
  'operations.addForeignKey',
  'operations.addForeignKey.not-valid',
  'operations.addUnique',
  'operations.addCheck',
  'operations.addCheck.not-valid',
  'operations.addPrimaryKey',
  'operations.dropConstraint.foreignKey',
  'operations.dropConstraint.unique',
  'operations.dropConstraint.check',
  'operations.dropConstraint.primaryKey',
  'operations.validateConstraint',
  'operations.createView',
  'operations.dropView',
  'operations.batchAlterTable',
  'operations.check-failure',
] as const;

/** One check of the suite; see {@link CONFORMANCE_CHECKS}. */
export type ConformanceCheckId = (typeof CONFORMANCE_CHECKS)[number];

/** A group of checks: the part of a {@link ConformanceCheckId} before the dot. */
export type ConformanceGroup = ConformanceCheckId extends `${infer Group}.${string}` ? Group : never;

/**
 * A part of a schema some databases cannot hold: `comments` (of tables and columns),
 * `partialIndexes` (`createIndex` with `where`), `expressionIndexes` (index keys that are
 * expressions), `constraintValidation` (foreign keys and checks added `notValid`, then
 * `validateConstraint`). See {@link AdapterConformanceOptions.lacks}.
 */
export type SchemaFeature = 'comments' | 'partialIndexes' | 'expressionIndexes' | 'constraintValidation';

/** Options of {@link defineAdapterConformanceSuite}. */
export interface AdapterConformanceOptions {
  /** Shown in the suite's title: `adapter conformance: <name>`. */
  readonly name: string;
  /**
   * Creates the adapter under test. Called once per check; every connection of that
   * check goes through the same instance.
   */
  readonly adapter: () => DialectAdapter;
  /** Creates a fresh, empty database. Called before each check; its `drop()` after it. */
  readonly database: () => Promise<ConformanceDatabase>;
  /**
   * SQL snippets that differ from {@link DEFAULT_CONFORMANCE_SQL}, or `false` for an
   * adapter that runs no SQL (such as the in-memory twin): the checks that need a SQL
   * engine are then skipped. The version-store, audit-store, transaction and lock
   * checks need no SQL: they observe the database through the adapter's own stores.
   * Even with `false`, `execute()` of {@link DEFAULT_CONFORMANCE_SQL}'s
   * `failingStatement` must fail, with the statement as the error's `.sql`.
   */
  readonly sql?: Partial<ConformanceSql> | false | undefined;
  /**
   * URLs that must fail to connect. Without one, its check is skipped.
   */
  readonly badUrls?:
    | {
        /** A URL the adapter cannot parse (its scheme, but malformed): `connect` throws `INVALID_URL`. */
        readonly invalid?: string | undefined;
        /**
         * A well-formed URL of a database that cannot be reached: `connect` throws
         * `DATABASE_ERROR`. Give it a password: the check also asserts it is never shown.
         */
        readonly unreachable?: string | undefined;
      }
    | undefined;
  /**
   * Runs the cross-process lock check: `spawnHolder` starts a process that connects
   * with `options`, takes the migration lock, and resolves once it holds it (see
   * {@link spawnLockHolder}). The suite then kills it with `SIGKILL` and expects the
   * lock to come free.
   */
  readonly crossProcessLock?:
    | {
        spawnHolder(options: ConnectOptions): Promise<ChildProcess>;
      }
    | undefined;
  /**
   * What the database's schema cannot hold, each with the reason shown in the titles of
   * the `operations` checks that need it, which are then skipped. Declare a feature here
   * when the adapter's compiler ignores it (SQLite keeps no comments, and its compiler
   * leaves them out, as Alembic does) or refuses it with `OPERATION_NOT_SUPPORTED`.
   */
  readonly lacks?: Readonly<Partial<Record<SchemaFeature, string>>> | undefined;
  /** Checks (or groups) to skip, each with the reason shown in the test's title. */
  readonly skip?: Readonly<Partial<Record<ConformanceCheckId | ConformanceGroup, string>>> | undefined;
  /** How long the lock checks let a waiter wait before it must have the lock. Default 10,000 ms. */
  readonly lockWaitMs?: number | undefined;
}
