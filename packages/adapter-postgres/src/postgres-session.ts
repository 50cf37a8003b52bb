import type { Row, Session } from '@cloudguard/migrate-core';
import type { Kysely } from 'kysely';
import type { Client } from 'pg';

import type { KyselyModule } from './postgres-dialect.js';
import { quoteIdentifier, quoteQualifiedName } from './postgres-identifier.js';
import { toNumberedPlaceholders } from './postgres-placeholders.js';
import { attachSql } from './statement-error.js';

/** A migration's tables are not known statically: `Kysely<any>`, as Kysely's own migrations take. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PostgresKysely = Kysely<any>;

/** PostgreSQL's limit on bind parameters in one statement (a 16-bit count in the protocol). */
const MAX_PARAMETERS = 65_535;

/** A {@link Session} of this adapter, which knows whether it runs inside a transaction block. */
export interface PostgresSession extends Session {
  readonly inTransaction: boolean;
}

/**
 * A {@link Session} over MikroORM's Kysely client: `db` is a Kysely transaction (or a
 * Kysely instance pinned to one connection in autocommit mode), `connection` MikroORM's
 * `PostgreSqlConnection`. Statements are reported and tagged by the dialect (see
 * `createMigrateDialect`).
 */
export class KyselySession implements PostgresSession {
  readonly db: PostgresKysely;
  readonly connection: unknown;
  readonly inTransaction: boolean;
  readonly #compiledQuery: KyselyModule['CompiledQuery'];

  constructor(db: PostgresKysely, connection: unknown, compiledQuery: KyselyModule['CompiledQuery'], inTransaction: boolean) {
    this.db = db;
    this.connection = connection;
    this.#compiledQuery = compiledQuery;
    this.inTransaction = inTransaction;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.db.executeQuery(this.#compiledQuery.raw(translated(sql, params), [...params]));
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.db.executeQuery<T>(this.#compiledQuery.raw(translated(sql, params), [...params]));
    return result.rows;
  }

  async bulkInsert(table: string, rows: readonly Row[]): Promise<void> {
    for (const chunk of chunkRows(rows)) {
      await this.db.insertInto(table).values(chunk).execute();
    }
  }
}

/**
 * A {@link Session} straight on a pg `Client`, for `inspect` connections (no ORM, no
 * Kysely): `db` is `null`, `connection` the pg `Client`.
 */
export class NativeSession implements PostgresSession {
  readonly db = null;
  readonly connection: Client;
  readonly inTransaction: boolean;
  readonly #onStatement: ((sql: string) => void) | undefined;

  constructor(client: Client, onStatement: ((sql: string) => void) | undefined, inTransaction: boolean) {
    this.connection = client;
    this.#onStatement = onStatement;
    this.inTransaction = inTransaction;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.#run(translated(sql, params), params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.#run(translated(sql, params), params)) as T[];
  }

  /** Missing columns get `DEFAULT`, as Kysely's `insertInto` gives them. */
  async bulkInsert(table: string, rows: readonly Row[]): Promise<void> {
    for (const chunk of chunkRows(rows)) {
      const columns = [...new Set(chunk.flatMap((row) => Object.keys(row)))];
      const params: unknown[] = [];
      const tuples = chunk.map(
        (row) =>
          `(${columns
            .map((column) => {
              if (row[column] === undefined) return 'DEFAULT';
              params.push(row[column]);
              return `$${params.length}`;
            })
            .join(', ')})`,
      );
      const sql = `insert into ${quoteQualifiedName(table)} (${columns.map(quoteIdentifier).join(', ')}) values ${tuples.join(', ')}`;
      await this.#run(sql, params);
    }
  }

  async #run(sql: string, params: readonly unknown[]): Promise<unknown[]> {
    this.#onStatement?.(sql);
    try {
      return (await this.connection.query(sql, params)).rows;
    } catch (error) {
      throw attachSql(error, sql);
    }
  }
}

/** The `SET` statements that apply `settings` to a transaction (`SET LOCAL`) or a session. */
export function setStatements(settings: ReadonlyMap<string, string>, local: boolean): string[] {
  return [...settings].map(([name, value]) => `SET ${local ? 'LOCAL ' : ''}${name} = '${value.replaceAll("'", "''")}'`);
}

/** A statement with `$n` placeholders; a placeholder count that does not match fails with the statement attached. */
function translated(sql: string, params: readonly unknown[]): string {
  try {
    return toNumberedPlaceholders(sql, params);
  } catch (error) {
    throw attachSql(error, sql);
  }
}

/**
 * Splits rows into statements that stay under PostgreSQL's bind-parameter limit,
 * counting every column any row of the batch has.
 */
function chunkRows(rows: readonly Row[]): Row[][] {
  if (rows.length === 0) return [];
  const columns = new Set(rows.flatMap((row) => Object.keys(row))).size;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns)));
  const chunks: Row[][] = [];
  for (let start = 0; start < rows.length; start += perStatement) chunks.push(rows.slice(start, start + perStatement));
  return chunks;
}
