import type { AuditEntry, Session, VersionTableLocation } from './dialect-adapter.js';

/**
 * What the shared SQL stores ({@link SqlVersionStore}, {@link SqlAuditStore} and their
 * offline twins) need to know of a dialect: how it quotes a name, how it tells that a
 * table exists, the DDL of the two tables, and the few places where dialects differ in
 * behaviour. Everything else, "create if missing, re-check on conflict" included, is
 * written once in the stores.
 *
 * ### Examples
 * ```ts
 * const mariadb: SqlStoreDialect = {
 *   quoteIdentifier: (name) => `\`${name.replaceAll('`', '``')}\``,
 *   tableExists: async (session, table) =>
 *     (await session.query('SELECT 1 FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?',
 *       [table.schema ?? null, table.name])).length > 0,
 *   versionTableDdl: (table) => [alembicVersionTableDdl(mariadb, table)],
 *   auditTableDdl: (table) => [`CREATE TABLE IF NOT EXISTS ${qualifiedTableName(mariadb, table)} (…)`],
 *   currentTimestampSql: 'UTC_TIMESTAMP(3)',
 * };
 * ```
 */
export interface SqlStoreDialect {
  /** Quotes one name (a table, schema, constraint or index). */
  quoteIdentifier(name: string): string;
  /**
   * Tells whether `table` exists, resolved as the stores' statements on
   * `qualifiedName` resolve it (PostgreSQL: through `search_path` when it has no schema).
   * Called inside transactions too: it must not fail when the table is missing.
   */
  tableExists(session: Session, table: VersionTableLocation, qualifiedName: string): Promise<boolean>;
  /** The statements that create the version table unless it exists (`CREATE TABLE IF NOT EXISTS`); see {@link alembicVersionTableDdl}. */
  versionTableDdl(table: VersionTableLocation): readonly string[];
  /**
   * The statements that create the audit table and its `(revision, id)` index unless
   * they exist: the columns of {@link AuditStore}, with an `id` that grows with insertion.
   */
  auditTableDdl(table: VersionTableLocation): readonly string[];
  /**
   * The SQL expression for the database's clock, which an offline script writes as an
   * audit row's `applied_at` (the time the script runs, not when it was rendered), in the
   * form {@link SqlStoreDialect.auditTimeFromColumn} reads back.
   */
  readonly currentTimestampSql: string;
  /** `applied_at` as bound to a statement: the `Date` itself unless given (a driver that binds dates as the column wants them). */
  auditTimeParameter?(date: Date): unknown;
  /** `applied_at` as read back; by default a `Date` as is, or text parsed as ISO-8601. */
  auditTimeFromColumn?(value: unknown): Date;
  /**
   * A statement that fails inside a transaction aborts the whole transaction
   * (PostgreSQL): `ensure` then guards its `CREATE … IF NOT EXISTS` with a savepoint, so
   * that losing a race to a concurrent creator can be forgiven.
   */
  readonly failedStatementAbortsTransaction?: boolean | undefined;
  /**
   * Tells whether `error` is what a losing concurrent `CREATE … IF NOT EXISTS` raises
   * (PostgreSQL: a unique violation on its catalogs, or `duplicate_table`); it is
   * forgiven once the table is seen to exist. Absent: the dialect's `IF NOT EXISTS`
   * settles races by itself, and every error propagates.
   */
  isConcurrentCreateError?(error: unknown): boolean;
  /**
   * Runs an `UPDATE` or `DELETE` of the version table and returns how many rows it
   * changed. Absent: the statement is run with `RETURNING version_num` and its rows
   * are counted (PostgreSQL, SQLite ≥ 3.35, MariaDB ≥ 10.5 for `DELETE` only).
   */
  changedRows?(session: Session, sql: string, params: readonly unknown[]): Promise<number>;
  /**
   * Appends audit rows in as few statements as the dialect allows. Absent: multi-row
   * `INSERT … VALUES`, {@link AUDIT_ROWS_PER_INSERT} rows per statement.
   */
  insertAuditRows?(session: Session, qualifiedName: string, entries: readonly AuditEntry[]): Promise<void>;
}

/** Runs work on a session of the connection's own, for a store read made without one. */
export type OutsideSession = <T>(work: (session: Session) => Promise<T>) => Promise<T>;

/** Rows per multi-row audit `INSERT`: 8 parameters each, under every dialect's limit on bound parameters. */
export const AUDIT_ROWS_PER_INSERT = 1000;

/**
 * A table's name as the dialect quotes it, with its schema when it has one.
 *
 * ### Examples
 * ```ts
 * qualifiedTableName(postgres, { name: 'alembic_version', schema: 'ops' }) // '"ops"."alembic_version"'
 * ```
 */
export function qualifiedTableName(dialect: Pick<SqlStoreDialect, 'quoteIdentifier'>, table: VersionTableLocation): string {
  const name = dialect.quoteIdentifier(table.name);
  return table.schema === undefined ? name : `${dialect.quoteIdentifier(table.schema)}.${name}`;
}

/**
 * The `CREATE TABLE` of Alembic's version table, as SQLAlchemy's DDL compiler writes it
 * for `version_table_impl()`: one `version_num VARCHAR(32) NOT NULL` column and a primary
 * key named `<table>_pkc`, with the dialect's quoting (and `IF NOT EXISTS` unless told
 * otherwise). SQLite keeps this text in `sqlite_master`, so a dialect that quotes as
 * SQLAlchemy does creates a table that reads the same whichever tool created it.
 *
 * ### Examples
 * ```ts
 * versionTableDdl: (table) => [alembicVersionTableDdl(dialect, table)],
 * ```
 */
export function alembicVersionTableDdl(
  dialect: Pick<SqlStoreDialect, 'quoteIdentifier'>,
  table: VersionTableLocation,
  { ifNotExists = true }: { readonly ifNotExists?: boolean } = {},
): string {
  return (
    `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${qualifiedTableName(dialect, table)} (\n` +
    `\tversion_num VARCHAR(32) NOT NULL, \n` +
    `\tCONSTRAINT ${dialect.quoteIdentifier(`${table.name}_pkc`)} PRIMARY KEY (version_num)\n` +
    `)`
  );
}

/** The column types of the audit table that differ between dialects; see {@link auditTableColumns}. */
export interface AuditColumnTypes {
  /** The key that grows with insertion (`INTEGER NOT NULL`, `BIGINT GENERATED BY DEFAULT AS IDENTITY`, …). */
  readonly id: string;
  /** `applied_at` (`TIMESTAMP WITH TIME ZONE NOT NULL`, ISO-8601 text, …). */
  readonly appliedAt: string;
  /** Written after each nullable column's type (MariaDB: ` NULL`); nothing by default. */
  readonly nullable?: string | undefined;
}

/**
 * The column lines of the audit table's `CREATE TABLE` (the columns of `AuditStore`, in
 * order, each line ending `, \n`), for a dialect's {@link SqlStoreDialect.auditTableDdl}
 * to wrap with its table name, key and index.
 *
 * ### Examples
 * ```ts
 * `CREATE TABLE IF NOT EXISTS ${name} (\n${auditTableColumns({ id: 'INTEGER NOT NULL', appliedAt: 'VARCHAR(32) NOT NULL' })}\tPRIMARY KEY (id)\n)`
 * ```
 */
export function auditTableColumns(types: AuditColumnTypes): string {
  const nullable = types.nullable ?? '';
  return [
    `id ${types.id}`,
    'revision VARCHAR(32) NOT NULL',
    'direction VARCHAR(16) NOT NULL',
    `checksum VARCHAR(64)${nullable}`,
    `applied_at ${types.appliedAt}`,
    'duration_ms INTEGER NOT NULL',
    `applied_by VARCHAR(255)${nullable}`,
    `host VARCHAR(255)${nullable}`,
    `cgmigrate_version VARCHAR(32)${nullable}`,
    ...AUDIT_ADDED_COLUMNS.map((column) => `${column.name} ${column.type}${nullable}`),
  ]
    .map((line) => `\t${line}, \n`)
    .join('');
}

/**
 * The audit columns added after the table's first version (for accepted edits), in
 * order: {@link auditTableColumns} creates them, and the shared store's `ensure` adds
 * those an existing table lacks. Nullable, so that an older cgmigrate, which names the
 * columns it writes and reads, keeps working on the table.
 */
export const AUDIT_ADDED_COLUMNS: ReadonlyArray<{ readonly name: string; readonly type: string }> = [
  { name: 'reason', type: 'VARCHAR(1000)' },
  { name: 'previous_checksum', type: 'VARCHAR(64)' },
];

/**
 * The audit columns a step's entry fills, in the order of {@link auditRowValues}: those
 * of the table's first version, so that steps can be recorded in a table an older
 * cgmigrate created (offline scripts, which cannot alter it first, rely on this).
 */
export const AUDIT_COLUMNS = 'revision, direction, checksum, applied_at, duration_ms, applied_by, host, cgmigrate_version';

/**
 * One entry's values in the order of {@link AUDIT_COLUMNS}, cut to the columns' widths;
 * `appliedAt` as the dialect binds it.
 */
export function auditRowValues(dialect: SqlStoreDialect, entry: AuditEntry): unknown[] {
  return [
    entry.revision,
    entry.direction,
    entry.checksum ?? null,
    dialect.auditTimeParameter ? dialect.auditTimeParameter(entry.appliedAt) : entry.appliedAt,
    Math.max(0, Math.round(entry.durationMs)),
    entry.appliedBy?.slice(0, 255) ?? null,
    entry.host?.slice(0, 255) ?? null,
    entry.toolVersion?.slice(0, 32) ?? null,
  ];
}

/**
 * Runs `create` (a `CREATE … IF NOT EXISTS`) so that a concurrent creator that wins
 * the race is harmless, as Kysely's migrator does: the error the loser gets is
 * forgiven once the table is seen to exist. Where a failed statement would abort the
 * transaction, the attempt runs under a savepoint.
 */
export async function createIfMissing(
  dialect: SqlStoreDialect,
  session: Session,
  statement: string,
  guard: { readonly savepoint: string; readonly exists: () => Promise<boolean> },
): Promise<void> {
  const savepoint = dialect.failedStatementAbortsTransaction === true && session.inTransaction !== false;
  if (savepoint) await session.execute(`SAVEPOINT ${guard.savepoint}`);
  try {
    await session.execute(statement);
  } catch (error) {
    if (savepoint) await session.execute(`ROLLBACK TO SAVEPOINT ${guard.savepoint}`);
    if (dialect.isConcurrentCreateError?.(error) !== true || !(await guard.exists())) throw error;
  }
  if (savepoint) await session.execute(`RELEASE SAVEPOINT ${guard.savepoint}`);
}
