import type { Row, Session } from '@cloudguard/migrate-core';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';

import { quoteIdentifier } from './sqlite-identifier.js';
import { attachSql } from './statement-error.js';

/** A migration's tables are not known statically: `Kysely<any>`, as Kysely's own migrations take. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SqliteKysely = Kysely<any>;

/** SQLite's default `SQLITE_MAX_VARIABLE_NUMBER` since 3.32 (better-sqlite3 13 bundles 3.53). */
const MAX_VARIABLES = 32_766;

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

/**
 * A {@link Session} of a `migrate` connection: `db` is a Kysely transaction (or the
 * Kysely instance in autocommit mode) on MikroORM's client, `connection` MikroORM's
 * `SqliteConnection`. `op.db` statements are reported and tagged by the dialect (see
 * `createMigrateDialect`).
 *
 * `execute` and `query` take the short way to the same better-sqlite3 database
 * ({@link runStatement}): better-sqlite3 is synchronous and the connection is this
 * session's for as long as it lives, so going through Kysely's executor and
 * connection mutex only cost time, about a tenth of a millisecond per statement
 * ({@link executeStatement} for `execute`).
 */
export class KyselySession implements Session {
  readonly db: SqliteKysely;
  readonly connection: unknown;
  readonly #database: BetterSqlite3.Database;
  readonly #onStatement: ((sql: string) => void) | undefined;

  constructor(db: SqliteKysely, connection: unknown, database: BetterSqlite3.Database, onStatement: ((sql: string) => void) | undefined) {
    this.db = db;
    this.connection = connection;
    this.#database = database;
    this.#onStatement = onStatement;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    executeStatement(this.#database, this.#onStatement, sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return runStatement(this.#database, this.#onStatement, sql, params) as T[];
  }

  async bulkInsert(table: string, rows: readonly Row[]): Promise<void> {
    for (const chunk of chunkRows(rows)) {
      await this.db.insertInto(table).values(chunk).execute();
    }
  }
}

/**
 * A {@link Session} straight on a better-sqlite3 database, for `inspect` connections
 * (no ORM, no Kysely): `db` is `null`, `connection` the better-sqlite3 `Database`.
 */
export class NativeSession implements Session {
  readonly db = null;
  readonly connection: BetterSqlite3.Database;
  readonly #onStatement: ((sql: string) => void) | undefined;

  constructor(database: BetterSqlite3.Database, onStatement: ((sql: string) => void) | undefined) {
    this.connection = database;
    this.#onStatement = onStatement;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    executeStatement(this.connection, this.#onStatement, sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.#run(sql, params) as T[];
  }

  async bulkInsert(table: string, rows: readonly Row[]): Promise<void> {
    for (const chunk of chunkRows(rows)) {
      const columns = Object.keys(chunk[0] ?? {});
      const values = `(${columns.map(() => '?').join(', ')})`;
      const sql =
        `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) ` +
        `VALUES ${chunk.map(() => values).join(', ')}`;
      this.#run(sql, chunk.flatMap((row) => columns.map((column) => row[column])));
    }
  }

  #run(sql: string, params: readonly unknown[]): unknown[] {
    return runStatement(this.connection, this.#onStatement, sql, params);
  }
}

/**
 * Splits rows into statements that stay under SQLite's bound-variable limit. Every
 * row of a chunk gets every column of the batch (missing ones as NULL) so that one
 * `VALUES` list fits them all.
 */
function chunkRows(rows: readonly Row[]): Record<string, unknown>[][] {
  if (rows.length === 0) return [];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const perStatement = Math.max(1, Math.floor(MAX_VARIABLES / Math.max(1, columns.length)));
  const chunks: Record<string, unknown>[][] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    chunks.push(
      rows
        .slice(start, start + perStatement)
        .map((row) => Object.fromEntries(columns.map((column) => [column, toSqliteValue(row[column])]))),
    );
  }
  return chunks;
}

/** better-sqlite3 binds only numbers, strings, bigints, buffers and null: booleans become 0/1, dates ISO-8601 text. */
function toSqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}
