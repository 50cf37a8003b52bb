import { attachSql, type QualifiedName, type TableDescription } from '@cloudguard/migrate-core/adapter';
import { DriverSession, fillColumns, kyselyBulkInsert, rowChunks, type AnyKysely, type StatementRunner } from '@cloudguard/migrate-adapter-kit';
import type BetterSqlite3 from 'better-sqlite3';

import { quoteIdentifier } from './sqlite-identifier.js';

/** A Kysely instance or transaction of this adapter. */
export type SqliteKysely = AnyKysely;

/** SQLite's default `SQLITE_MAX_VARIABLE_NUMBER` since 3.32 (better-sqlite3 13 bundles 3.53). */
export const MAX_VARIABLES = 32_766;

/**
 * Runs one statement on a better-sqlite3 database: reports it to `onStatement`, returns
 * the rows of a query (`[]` otherwise) and attaches the SQL to an error (see
 * {@link attachSql}).
 */
export function runStatement(
  database: BetterSqlite3.Database,
  onStatement: ((sql: string) => void) | undefined,
  sql: string,
  params: readonly unknown[],
): unknown[] {
  onStatement?.(sql);
  try {
    const statement = database.prepare(sql);
    const values = params.map(toSqliteValue);
    if (statement.reader) return statement.all(values);
    statement.run(values);
    return [];
  } catch (error) {
    throw attachSql(error, sql);
  }
}

/**
 * Runs one statement for its effect. Without parameters it goes through better-sqlite3's
 * `exec`, which compiles and steps it without building a `Statement` object (a third
 * less time for a migration's DDL); as on PostgreSQL's simple query protocol, a string
 * of several statements then runs them all. With parameters it is {@link runStatement}.
 */
export function executeStatement(
  database: BetterSqlite3.Database,
  onStatement: ((sql: string) => void) | undefined,
  sql: string,
  params: readonly unknown[],
): void {
  if (params.length > 0) {
    runStatement(database, onStatement, sql, params);
    return;
  }
  onStatement?.(sql);
  try {
    database.exec(sql);
  } catch (error) {
    throw attachSql(error, sql);
  }
}

/** SQLite's library version, `"3.53.0"`: `select sqlite_version()`, not reported as a statement. */
export function sqliteVersion(database: BetterSqlite3.Database): string {
  const [row] = database.prepare('select sqlite_version() as version').all([]) as { version: string }[];
  return String(row?.version);
}

/** The statements of `op.execute` and `op.query`, straight to better-sqlite3 (see {@link runStatement}). */
function betterSqliteRunner(database: BetterSqlite3.Database, onStatement: ((sql: string) => void) | undefined): StatementRunner {
  return {
    execute: (sql, params) => executeStatement(database, onStatement, sql, params),
    query: (sql, params) => runStatement(database, onStatement, sql, params),
  };
}

/**
 * The session of a `migrate` connection: `db` is a Kysely transaction (or the Kysely
 * instance in autocommit mode) on MikroORM's client, `connection` MikroORM's
 * `SqliteConnection`. `op.db` statements are reported and tagged by the dialect (see
 * `createMigrateDialect`).
 *
 * `execute` and `query` take the short way to the same better-sqlite3 database:
 * better-sqlite3 is synchronous and the connection is this session's for as long as it
 * lives, so going through Kysely's executor and connection mutex only cost time.
 */
export function kyselySession(
  db: SqliteKysely,
  connection: unknown,
  database: BetterSqlite3.Database,
  onStatement: ((sql: string) => void) | undefined,
  inTransaction: boolean,
  describeTable?: (table: QualifiedName) => Promise<TableDescription | undefined>,
): DriverSession {
  return new DriverSession({
    db,
    connection,
    inTransaction,
    runner: betterSqliteRunner(database, onStatement),
    insertRows: kyselyBulkInsert(db, MAX_VARIABLES, toSqliteValue),
    describeTable,
  });
}

/**
 * A session straight on a better-sqlite3 database, for `inspect` connections (no ORM, no
 * Kysely): `db` is `null`, `connection` the better-sqlite3 `Database`.
 */
export function nativeSession(
  database: BetterSqlite3.Database,
  onStatement: ((sql: string) => void) | undefined,
  inTransaction: boolean,
): DriverSession {
  const runner = betterSqliteRunner(database, onStatement);
  return new DriverSession({
    db: null,
    connection: database,
    inTransaction,
    runner,
    insertRows: async (table, rows) => {
      for (const chunk of rowChunks(fillColumns(rows, toSqliteValue), MAX_VARIABLES)) {
        const columns = Object.keys(chunk[0] ?? {});
        const values = `(${columns.map(() => '?').join(', ')})`;
        const sql =
          `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) ` +
          `VALUES ${chunk.map(() => values).join(', ')}`;
        runner.query(sql, chunk.flatMap((row) => columns.map((column) => row[column])));
      }
    },
  });
}

/** better-sqlite3 binds only numbers, strings, bigints, buffers and null: booleans become 0/1, dates ISO-8601 text. */
function toSqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}
