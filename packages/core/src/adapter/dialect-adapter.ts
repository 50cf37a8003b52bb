/**
 * The dialect adapter contract: everything core asks of a database. Third parties
 * implement {@link DialectAdapter} to add a database; the conformance suite in
 * `@cloudguard/migrate-core/testing` checks an implementation against a real server.
 *
 * Core decides *what* happens (which revisions, which version rows); an adapter
 * decides *how* it reaches its database. Core never asks an adapter for its name to
 * choose behaviour, only for {@link AdapterCapabilities}.
 *
 * @packageDocumentation
 */

import type { MigrationClassSupport } from './migration-class-support.js';
import type { SchemaDiffer } from './schema-change.js';
import type { SchemaOperationCompiler } from './schema-operation-compiler.js';
import type { StatementLinter, StatementLinterOptions } from './statement-linter.js';
import type { StatementReader } from './statement-reader.js';
import type { Row } from '../migration.js';
import type { QualifiedName, TableDescription } from '../operations/schema-operation.js';

/** The version of this contract. An adapter declares the one it implements in {@link DialectAdapter.apiVersion}. */
export const ADAPTER_API_VERSION = 1 as const;

/** What a dialect can do, as data. */
export interface AdapterCapabilities {
  /** DDL statements take part in transactions and roll back with them (PostgreSQL, SQLite; not MySQL). */
  readonly transactionalDdl: boolean;
  /**
   * The adapter honours {@link ConnectOptions.schema}: a connection can be pinned to one
   * schema of its database (PostgreSQL), for fleets of tenants kept one per schema.
   * Optional (added in contract version 1): core refuses a schema target
   * (`TARGET_SCHEMA_NOT_SUPPORTED`) for an adapter that does not declare it, rather than
   * run a tenant's migrations in whatever schema the connection defaults to.
   */
  readonly schemas?: boolean | undefined;
  /**
   * The database runs inside this process (SQLite through better-sqlite3): a statement
   * holds the CPU until it returns, so the client never waits idle for a server. Core then
   * does work it would overlap with those waits (`upgrade`'s lint in `'warn'` mode) before
   * the run instead of beside it. Optional; absent means a server.
   */
  readonly inProcess?: boolean | undefined;
}

/** Where the version table lives. */
export interface VersionTableLocation {
  /** Table name; `alembic_version` by default. */
  readonly name: string;
  /** Schema (PostgreSQL) the table lives in; the connection's default when undefined. */
  readonly schema?: string | undefined;
}

/** How {@link DialectAdapter.connect} should connect. */
export interface ConnectOptions {
  /** The database URL exactly as configured (it may carry a password: never print it unredacted). */
  readonly url: string;
  /** Directory that relative paths in the URL are resolved against. */
  readonly cwd: string;
  /** Where the version table lives. */
  readonly versionTable: VersionTableLocation;
  /**
   * `inspect`: the command only reads the version table. The adapter should take its
   * lightest path (no ORM, no pool) and must not create the database or any table.
   * `migrate`: the command changes the database.
   */
  readonly purpose: 'inspect' | 'migrate';
  /** Called with each SQL statement the adapter sends, for `--verbose` output. */
  readonly onStatement?: ((sql: string) => void) | undefined;
  /**
   * Where the audit table lives; see {@link auditTableFor} for the default
   * (`cgmigrate_audit`, in the version table's schema).
   */
  readonly auditTable?: VersionTableLocation | undefined;
  /**
   * The one schema this connection works in, for a fleet target `<url>#<schema>`: every
   * session of the connection resolves unqualified names there (PostgreSQL: its
   * `search_path`, set when the session starts, so no pooled session ever keeps it), and
   * the migration lock is that schema's. The version and audit tables are given in
   * `versionTable` and `auditTable` (core puts them in this schema). Only passed to an
   * adapter whose {@link AdapterCapabilities.schemas} is true; one that cannot find the
   * schema throws `TargetSchemaNotFoundError`. Added in contract version 1 as an
   * optional member.
   */
  readonly schema?: string | undefined;
  /**
   * The configured entities (`entities` of the config: MikroORM's `defineEntity`,
   * `EntitySchema` or decorated classes), for migrations that ask the ORM for an entity
   * manager: a MikroORM migration class's `this.getEntityManager()` knows them. Passed
   * only with `purpose: 'migrate'` (`[]` when none are configured). An adapter that runs
   * no ORM migrations ignores it; one that does should discover them only when a
   * migration first asks, so that runs which never ask pay nothing. Added in contract
   * version 1 as an optional member.
   *
   * ### Examples
   * ```ts
   * registerMigrationOrm(orm, options.entities); // the kit's registry, read at the first getEntityManager()
   * ```
   */
  readonly entities?: readonly unknown[] | undefined;
}

/**
 * A place to run statements: one transaction, or an autocommit session. Migrations
 * see it wrapped as {@link MigrationOperations}.
 */
export interface Session {
  /** Runs one statement with `?` placeholders. */
  execute(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Runs a query and returns its rows. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Inserts rows into a table. */
  bulkInsert(table: string, rows: readonly Row[]): Promise<void>;
  /** The adapter's query builder bound to this session (a Kysely transaction for the built-in adapters). */
  readonly db: unknown;
  /** The adapter's underlying connection object. */
  readonly connection: unknown;
  /**
   * True for a session that renders SQL instead of running it (offline mode, `--sql`);
   * migrations see it as `op.offline`. Absent means false.
   */
  readonly offline?: boolean | undefined;
  /**
   * Whether the statements run inside a transaction block (`false` for an
   * {@link AdapterConnection.autocommit} session). Absent means unknown, taken as `true`.
   * The shared stores read it to guard their DDL with a savepoint only where one can be set.
   */
  readonly inTransaction?: boolean | undefined;
  /**
   * Reads a table's definition in this session's transaction, for compiling schema
   * operations that need it (a SQLite rebuild, a MySQL `MODIFY COLUMN`). `undefined`
   * when the table does not exist. Absent: such operations fail to compile.
   */
  describeTable?(table: QualifiedName): Promise<TableDescription | undefined>;
}

/**
 * Reads and writes the version table (Alembic's `alembic_version`: one column
 * `version_num VARCHAR(32) NOT NULL`, primary key `<table>_pkc`, one row per head).
 * Core decides which rows to insert, delete or update; the store only carries it out.
 */
export interface VersionStore {
  /** The table's location, for messages. */
  readonly table: VersionTableLocation;
  /** Creates the table when it does not exist; tolerates a concurrent creator. */
  ensure(session: Session): Promise<void>;
  /** The versions recorded, or an empty list when the table does not exist. */
  read(session?: Session): Promise<string[]>;
  /** Records a new head. */
  insert(session: Session, version: string): Promise<void>;
  /** Removes a head; throws {@link VersionTableConflictError} when it was not recorded. */
  delete(session: Session, version: string): Promise<void>;
  /** Replaces one head by another; throws {@link VersionTableConflictError} when `from` was not recorded. */
  update(session: Session, from: string, to: string): Promise<void>;
}

/** The default name of the audit table ({@link AuditStore}). */
export const DEFAULT_AUDIT_TABLE = 'cgmigrate_audit';

/**
 * Where the audit table of a connection lives: `options.auditTable`, or
 * {@link DEFAULT_AUDIT_TABLE} in the version table's schema.
 *
 * ### Examples
 * ```ts
 * auditTableFor({ versionTable: { name: 'alembic_version', schema: 'ops' } }) // { name: 'cgmigrate_audit', schema: 'ops' }
 * ```
 */
export function auditTableFor(options: Pick<ConnectOptions, 'versionTable' | 'auditTable'>): VersionTableLocation {
  return options.auditTable ?? { name: DEFAULT_AUDIT_TABLE, schema: options.versionTable.schema };
}

/**
 * What one row of the audit table records: a step that changed the version table
 * (`upgrade`, `downgrade`, `stamp`), or an `accept`: a reviewed edit of an applied
 * migration's file, whose new checksum `check` and `upgrade` compare with from then on
 * (`cgmigrate audit accept`). `accept` was added in contract version 1; see
 * {@link AuditStore.recordsAcceptances}.
 */
export type AuditDirection = 'upgrade' | 'downgrade' | 'stamp' | 'accept';

/**
 * One row of the audit table: a step that changed the version table, or an accepted
 * edit (`direction: 'accept'`). Core fills every field; the store only writes and reads it.
 */
export interface AuditEntry {
  /** The revision the step ran (for a stamp: the revision recorded or removed; for an `accept`: the edited one). */
  readonly revision: string;
  readonly direction: AuditDirection;
  /**
   * SHA-256 (hex) of the migration file's bytes when the step ran; `undefined` when there
   * was no file. For an `accept`: the file's checksum that was accepted.
   */
  readonly checksum: string | undefined;
  /** When the step finished (core's clock, millisecond precision). */
  readonly appliedAt: Date;
  /** How long the step took, in whole milliseconds. */
  readonly durationMs: number;
  /** The operating-system user that ran it. */
  readonly appliedBy: string | undefined;
  /** The host name of the machine that ran it. */
  readonly host: string | undefined;
  /** The version of cgmigrate (core) that ran it. */
  readonly toolVersion: string | undefined;
  /**
   * Why an edit was accepted (column `reason`, at most {@link MAX_ACCEPT_REASON_LENGTH}
   * characters); only on an `accept`, absent on the other rows. Added in contract version
   * 1 as an optional member.
   */
  readonly reason?: string | undefined;
  /**
   * The checksum an `accept` replaced: the one recorded when the migration ran, or by
   * the acceptance before (column `previous_checksum`); only on an `accept`. Added in
   * contract version 1 as an optional member.
   */
  readonly previousChecksum?: string | undefined;
}

/** The longest `reason` an accepted edit may give: the width of the audit table's `reason` column. */
export const MAX_ACCEPT_REASON_LENGTH = 1000;

/**
 * The audit table beside the version table (`cgmigrate_audit` by default): one row per
 * step, written in the same transaction as the step's version change, so that
 * `upgrade` and `check` can tell when an applied migration's file was edited and
 * `history` when each revision was applied. Alembic's own table stays untouched.
 *
 * Columns, the same in every dialect (types adapted): `id` (ascending with insertion),
 * `revision VARCHAR(32)`, `direction VARCHAR(16)`, `checksum VARCHAR(64) NULL`,
 * `applied_at` (a timestamp), `duration_ms INTEGER`, `applied_by VARCHAR(255) NULL`,
 * `host VARCHAR(255) NULL`, `cgmigrate_version VARCHAR(32) NULL`, and, since accepted
 * edits, `reason VARCHAR(1000) NULL` and `previous_checksum VARCHAR(64) NULL` (a table
 * created before them gets them from `ensure`).
 */
export interface AuditStore {
  /** The table's location, for messages. */
  readonly table: VersionTableLocation;
  /**
   * Creates the table when it does not exist; tolerates a concurrent creator. A store
   * that {@link recordsAcceptances} also adds the columns a table created by an older
   * version lacks (`reason`, `previous_checksum`), tolerating a concurrent adder.
   */
  ensure(session: Session): Promise<void>;
  /**
   * Appends one entry: a single `INSERT`. Steps write only the columns every version of
   * the table has, so that a table an older cgmigrate created (or reads) keeps working;
   * an `accept` writes `reason` and `previous_checksum` too.
   */
  record(session: Session, entry: AuditEntry): Promise<void>;
  /**
   * Appends entries in this order, in as few statements as the dialect allows
   * (multi-row `INSERT`s). Optional: without it core calls {@link record} once per entry.
   */
  recordAll?(session: Session, entries: readonly AuditEntry[]): Promise<void>;
  /**
   * The newest entry of each revision, oldest first; an empty list when the table
   * does not exist (it is never created here). When a revision's newest entry is an
   * `accept`, its newest other entry (the step whose checksum the acceptance amends)
   * comes too, before it. Reads a table created before `reason` and
   * `previous_checksum` existed, on an `inspect` connection too (which never alters it).
   */
  latest(session?: Session): Promise<AuditEntry[]>;
  /**
   * `true` when the store keeps accepted edits: `ensure` adds the newer columns,
   * `record` keeps an `accept`'s `reason` and `previousChecksum`, and `latest` returns
   * the step an acceptance amends as described there. Core's shared `SqlAuditStore` and
   * the memory twin do. Optional, added in contract version 1: without it
   * `cgmigrate audit accept` refuses with `ACCEPT_NOT_SUPPORTED`, and nothing else changes.
   */
  readonly recordsAcceptances?: boolean | undefined;
}

/** How long to wait for the migration lock. */
export type LockWait = { readonly mode: 'fail' } | { readonly mode: 'wait'; readonly timeoutMs: number };

/**
 * The `waitedMs` an adapter's `LockTimeoutError` reports: 0 in `fail` mode, which makes
 * one attempt and does not wait; otherwise the time since the first attempt, rounded.
 *
 * ### Examples
 * ```ts
 * throw new LockTimeoutError(lockWaitedMs(wait, performance.now() - started), holder);
 * ```
 */
export function lockWaitedMs(wait: LockWait, elapsedMs: number): number {
  return wait.mode === 'fail' ? 0 : Math.round(elapsedMs);
}

/**
 * Told who holds the migration lock while {@link AdapterConnection.acquireLock} waits for
 * it: `holder` is described as for {@link LockTimeoutError.holder} (`pid 4242 on build-7
 * (user deploy), holding it since …`), or `undefined` when the adapter cannot tell.
 *
 * An adapter calls it when an attempt in `wait` mode finds the lock held, and again when
 * it learns of another holder (looking again about once a second is enough); never in
 * `fail` mode. Core's listener returns at once and does not throw. Core reports the wait
 * only once it has lasted about a second, so a lock that frees quickly shows nothing.
 *
 * ### Examples
 * ```ts
 * async acquireLock(wait: LockWait, onHeld?: LockHolderListener): Promise<MigrationLock> {
 *   for (;;) {
 *     if (await tryLock()) return lock;
 *     if (wait.mode === 'wait') onHeld?.(await describeHolder());
 *     …
 *   }
 * }
 * ```
 */
export type LockHolderListener = (holder: string | undefined) => void;

/** A held migration lock. */
export interface MigrationLock {
  /** Releases the lock; safe to call more than once. */
  release(): Promise<void>;
  /**
   * Confirms that this lock is still held. The runner calls it inside every transaction
   * just before it commits, and before every `transactional: false` migration, with the
   * session about to commit or run, so that a lock lost on the way (its session ended by
   * the server, a DBA or a network fault) stops the run before anything more commits.
   *
   * Throws {@link LockLostError} (with only its `reason`; the runner adds what committed)
   * when the lock is gone. Optional: a lock that cannot be lost while its process lives
   * may omit it. Added in contract version 1 as an optional member.
   */
  verify?(session: Session): Promise<void>;
}

/** An open connection to one database. */
export interface AdapterConnection {
  /** The version table of this database. */
  readonly versionStore: VersionStore;
  /** The audit table of this database. */
  readonly auditStore: AuditStore;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Without transactional DDL, an error after the database committed part of the work by
   * itself may say so with a `committedStatements` array (the statements that stayed);
   * the failed migration is then reported as not rolled back rather than as unknown.
   */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Runs `work` outside any transaction; each statement commits on its own. */
  autocommit<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /**
   * Takes the lock that keeps two runners from migrating the same database at once.
   * Throws {@link LockTimeoutError} when the wait runs out.
   *
   * `onHeld` (optional, added in contract version 1) is told who holds the lock while
   * this call waits for it, so that core can say whom a runner waits for (see
   * {@link LockHolderListener}). An adapter that ignores it still works: the wait is then
   * reported without a holder.
   */
  acquireLock(wait: LockWait, onHeld?: LockHolderListener): Promise<MigrationLock>;
  /**
   * Tells whether `error`, thrown inside {@link transaction}, means the transaction lost
   * a wait for a lock and may succeed if run again: PostgreSQL's `lock_not_available`
   * (55P03, from `lock_timeout` or `NOWAIT`) and `deadlock_detected` (40P01), SQLite's
   * `SQLITE_BUSY`. The runner then retries that transaction (see `lockRetry`). Answer
   * `false` when unsure: a retry re-runs the migration from its first statement.
   */
  isTransientLockError(error: unknown): boolean;
  /**
   * Cancels the statement this connection is running, if any, so that a step the runner
   * stops (its `stepTimeout` passed, or the run's `AbortSignal` fired) rolls back at once
   * instead of after the statement ends: PostgreSQL's `pg_cancel_backend` sent from a
   * short-lived connection of its own. Optional: without it the rollback waits for the
   * statement. Best effort: it never throws. Added in contract version 1 as an optional member.
   */
  cancelStatement?(): Promise<void>;
  /**
   * Compares entity definitions with this database's schema, for
   * `revision --autogenerate` and `check`. Present on a `migrate` connection of a
   * dialect that can compare (both built-in adapters); absent otherwise, and core
   * then refuses autogenerate with a {@link ConfigInvalidError} naming the adapter.
   */
  readonly schemaDiffer?: SchemaDiffer | undefined;
  /** Compiles `op.createTable` and the other schema operations; absent: they fail with `OPERATION_NOT_SUPPORTED`. */
  readonly operationCompiler?: SchemaOperationCompiler | undefined;
  /** Closes the connection. Safe to call more than once. */
  close(): Promise<void>;
  /**
   * The server's version, `major.minor` (`"15.4"`; SQLite's library version, `"3.45.1"`),
   * for the safety lint's version-dependent rules. Optional (added in contract version 1
   * as an optional member): without it `lint` uses `--server-version` or the linter's
   * own assumption (see `LintSettings.serverVersion`).
   */
  serverVersion?(): Promise<string>;
  /**
   * The schemas of this database that hold user objects (PostgreSQL: every schema but
   * `pg_*` and `information_schema`), for fleet sources such as
   * `postgresql://db/app#tenant_*`. Optional (added in contract version 1): without it
   * such a source fails with `TARGET_SOURCE_INVALID`.
   */
  listSchemas?(): Promise<string[]>;
}

/**
 * A database dialect. The built-in ones are `@cloudguard/migrate-adapter-sqlite` and
 * `@cloudguard/migrate-adapter-postgres`; a package that default-exports (or exports
 * `adapter`) a value of this type can be named in `cgmigrate.config.ts`.
 *
 * ### Examples
 * ```ts
 * export const adapter: DialectAdapter = {
 *   apiVersion: 1,
 *   name: 'mariadb',
 *   schemes: ['mysql', 'mariadb'],
 *   capabilities: { transactionalDdl: false },
 *   async connect(options) { … },
 * };
 * ```
 */
export interface DialectAdapter {
  /** The contract version implemented; see {@link ADAPTER_API_VERSION}. */
  readonly apiVersion: typeof ADAPTER_API_VERSION;
  /** Dialect name shown to users and given to migrations as `op.dialect`. */
  readonly name: string;
  /** URL schemes this adapter serves, without `:` (`postgresql+psycopg2` matches `postgresql`). */
  readonly schemes: readonly string[];
  /** What the dialect can do. */
  readonly capabilities: AdapterCapabilities;
  /** Opens a connection. Throws {@link InvalidUrlError} or {@link DatabaseError}. */
  connect(options: ConnectOptions): Promise<AdapterConnection>;
  /**
   * Offline mode (`upgrade --sql`): returns the dialect's SQL rendering, without
   * connecting to anything. Optional: an adapter without it serves every online
   * command, and `--sql` then fails with `OFFLINE_NOT_SUPPORTED` naming the adapter.
   * Added in contract version 1 as an optional member, so adapters written before it
   * still declare `apiVersion: 1` and stay compatible.
   *
   * Core runs the ordinary planner and runner against a recording connection built
   * from the returned {@link OfflineRenderer}: it decides the transaction boundaries,
   * the version-table rows and the audit rows; the renderer only spells them in SQL.
   *
   * @throws {InvalidUrlError} for a URL of this scheme that cannot be parsed (the URL is
   *   only parsed, never connected to).
   */
  renderOffline?(options: OfflineRenderOptions): Promise<OfflineRenderer>;
  /**
   * Reads SQL of this dialect with a real parser: what each statement touches (tables,
   * columns, indexes, constraints), for `check`'s branch-conflict detection over the raw
   * SQL of migrations (schema operations are read without it). Loaded only when a
   * revision on a compared branch runs raw SQL; nothing is connected to. Optional: without
   * it, such revisions are reported as unreadable (a warning), never as touching nothing.
   * Added in contract version 1 as an optional member.
   */
  statementReader?(): Promise<StatementReader>;
  /**
   * Lints SQL of this dialect for `cgmigrate lint`: which statements lock, rewrite or
   * destroy (see `lint/lint-rules.ts` for the rules and their ids). Core renders each
   * migration offline and hands its statements over; nothing is connected to. Optional
   * (added in contract version 1 as an optional member): without it `lint` reports
   * that the adapter cannot lint and lints nothing.
   */
  statementLinter?(options: StatementLinterOptions): Promise<StatementLinter>;
  /**
   * Creates an empty database to throw away, for `cgmigrate verify`, which runs every
   * migration up and down there and never on the configured database: SQLite a file in a
   * private temporary folder, PostgreSQL `CREATE DATABASE cgmigrate_verify_<random>` on
   * the configured server. The returned {@link ScratchDatabase.drop} removes it, and must
   * work after a failed run (it ends other sessions on it first where it must).
   *
   * Optional (added in contract version 1 as an optional member): without it `verify`
   * needs `shadowUrl`, an empty database the user provides, and says so.
   *
   * @throws {DatabaseError} when the database cannot be created (the message never holds a password).
   */
  createScratchDatabase?(options: ScratchDatabaseOptions): Promise<ScratchDatabase>;
  /**
   * Runs migration classes of the ORM the adapter is built on as revisions: a file in
   * `versions/` whose export is a class (MikroORM's `Migration` for the built-in
   * adapters) with static `revision` and `downRevision`. Core calls it the first time it
   * imports such a file to run, render or lint it; reading headers never does.
   *
   * Optional (added in contract version 1 as an optional member): without it such a file
   * is `MALFORMED_MIGRATION`, naming the adapter that cannot run it.
   */
  migrationClasses?(): Promise<MigrationClassSupport>;
}

/** How {@link DialectAdapter.createScratchDatabase} should create its database. */
export interface ScratchDatabaseOptions {
  /** The configured database URL: where the server is, and who to connect as (it may carry a password: never print it). */
  readonly url: string;
  /** Directory that relative paths in the URL are resolved against. */
  readonly cwd: string;
}

/** A database made to be thrown away; see {@link DialectAdapter.createScratchDatabase}. */
export interface ScratchDatabase {
  /** Its URL, for {@link DialectAdapter.connect}; it carries the configured URL's credentials. */
  readonly url: string;
  /** Where it is, for messages: never a password (`SQLite file /tmp/…/verify.db`, `PostgreSQL database cgmigrate_verify_3f2a on db:5432`). */
  readonly description: string;
  /** Removes it and everything in it; safe to call more than once. */
  drop(): Promise<void>;
}

/** How {@link DialectAdapter.renderOffline} should render. Nothing here is ever connected to. */
export interface OfflineRenderOptions {
  /** The database URL as configured; parse it for settings only (it may carry a password: never print it). */
  readonly url: string;
  /** Directory that relative paths in the URL are resolved against. */
  readonly cwd: string;
  /** Where the version table lives. */
  readonly versionTable: VersionTableLocation;
  /** Where the audit table lives; see {@link auditTableFor}. */
  readonly auditTable?: VersionTableLocation | undefined;
}

/**
 * Where the statements of an offline session go. Core hands one to
 * {@link OfflineRenderer.queryBuilder}; the adapter's recording query builder calls it
 * for each statement its migrations build.
 */
export interface OfflineStatementSink {
  /** Appends one complete statement, parameters already inlined, without a trailing `;`. */
  statement(sql: string): void;
  /**
   * Refuses an operation that needs to read the database, such as a `SELECT` built with
   * `op.db`. Throws `OfflineReadNotSupportedError` naming the running migration and
   * its file; `operation` says what was attempted (`a SELECT through op.db`).
   */
  refuseRead(operation: string): never;
}

/** The writing half of a {@link VersionStore}, which is all offline mode needs. */
export type OfflineVersionStore = Pick<VersionStore, 'table' | 'ensure' | 'insert' | 'delete' | 'update'>;

/** The writing half of an {@link AuditStore}, which is all offline mode needs. */
export type OfflineAuditStore = Pick<AuditStore, 'table' | 'ensure' | 'record'>;

/**
 * A dialect's SQL for offline mode. Every method returns text; nothing runs. Statements
 * are returned without a trailing `;` (core terminates them).
 *
 * The version and audit stores receive an offline {@link Session} whose `execute`
 * inlines `?` parameters through {@link OfflineRenderer.inline} and appends the
 * statement to the script: write them with `session.execute` only (their `read` and
 * `latest` are never called offline). The audit store should take `applied_at` from the
 * database clock (`CURRENT_TIMESTAMP` or similar) rather than `entry.appliedAt`, which is
 * when the script was rendered, not when it ran.
 */
export interface OfflineRenderer {
  /**
   * One statement with `?` placeholders as standalone SQL: each placeholder replaced by
   * `params[i]` as a literal of the dialect (strings quoted and escaped, `null` as `NULL`,
   * booleans, dates and bytes as the online driver would bind them). `?` inside string
   * constants, quoted identifiers and comments is left alone.
   *
   * @throws {RangeError} when the placeholders and parameters differ in number, or a value has no literal form.
   */
  inline(sql: string, params: readonly unknown[]): string;
  /**
   * Lines printed once at the top of the script, before anything else: comments (start
   * them with `--`) and session statements (end them with `;`), e.g. a warning that the
   * dialect has no transactional DDL, or `SET NAMES utf8mb4;`. Optional.
   */
  readonly preamble?: readonly string[] | undefined;
  /** Statements that open a transaction; usually `['BEGIN']`. */
  readonly beginTransaction: readonly string[];
  /** The statement that commits it; usually `COMMIT`. */
  readonly commitTransaction: string;
  /** Writes the version table through an offline session. */
  readonly versionStore: OfflineVersionStore;
  /** Writes the audit table through an offline session. */
  readonly auditStore: OfflineAuditStore;
  /** `INSERT` statements for `op.bulkInsert(table, rows)`, parameters inlined. */
  bulkInsert(table: string, rows: readonly Row[]): string[];
  /**
   * The query builder migrations get as `op.db` offline: writes it builds go to `sink` as
   * statements; reads call `sink.refuseRead`. Absent: `op.db` refuses every use.
   */
  queryBuilder?(sink: OfflineStatementSink): unknown;
  /** Compiles schema operations into the script; absent: they fail with `OPERATION_NOT_SUPPORTED`. */
  readonly operationCompiler?: SchemaOperationCompiler | undefined;
}
