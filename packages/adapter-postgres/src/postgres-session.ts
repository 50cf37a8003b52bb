import type { Row, Session } from '@cloudguard/migrate-core';
import type { Kysely } from 'kysely';
import type { Client } from 'pg';

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
  /** The pg client (one server session) the statements run on; the migration lock checks itself there. */
  readonly pgClient: Client;
}

/**
 * A {@link Session} of a `migrate` connection: `db` is a Kysely transaction (or a
 * Kysely instance pinned to one connection in autocommit mode) on MikroORM's client,
 * `connection` MikroORM's `PostgreSqlConnection`. `op.db` statements are reported and
 * tagged by the dialect (see `createMigrateDialect`).
 *
 * `execute` and `query` take the short way to the pg client that `db` holds
 * ({@link runStatement}), as the statements Kysely builds end up there too: Kysely's
 * compiled query, executor, connection mutex and result mapping only cost client time
 * on the critical path, about 50 µs per statement.
 */
export class KyselySession implements PostgresSession {
  readonly db: PostgresKysely;
  readonly connection: unknown;
  readonly inTransaction: boolean;
  readonly pgClient: Client;
  readonly #onStatement: ((sql: string) => void) | undefined;

  constructor(
    db: PostgresKysely,
    connection: unknown,
    client: Client,
    onStatement: ((sql: string) => void) | undefined,
    inTransaction: boolean,
  ) {
    this.db = db;
    this.connection = connection;
    this.pgClient = client;
    this.#onStatement = onStatement;
    this.inTransaction = inTransaction;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    await runStatement(this.pgClient, this.#onStatement, translated(sql, params), params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    // Several statements in one string give pg several results and no `rows`: Kysely's `[]`.
    return ((await runStatement(this.pgClient, this.#onStatement, translated(sql, params), params)) ?? []) as T[];
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

  get pgClient(): Client {
    return this.connection;
  }

  #run(sql: string, params: readonly unknown[]): Promise<unknown[]> {
    return runStatement(this.connection, this.#onStatement, sql, params);
  }
}

/**
 * Runs one statement on a pg client: reports it to `onStatement`, returns pg's `rows`
 * and attaches the SQL to an error (see {@link attachSql}).
 */
async function runStatement(
  client: Client,
  onStatement: ((sql: string) => void) | undefined,
  sql: string,
  params: readonly unknown[],
): Promise<unknown[]> {
  onStatement?.(sql);
  try {
    return (await client.query(sql, params as unknown[])).rows;
  } catch (error) {
    throw attachSql(error, sql);
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
