import { DriverSession, kyselyBulkInsert, rowChunks, type AnyKysely, type StatementRunner } from '@cloudguard/migrate-adapter-kit';
import { attachSql, type QualifiedName, type Row, type Session, type TableDescription } from '@cloudguard/migrate-core/adapter';
import type { Client } from 'pg';

import { quoteIdentifier, quoteQualifiedName } from './postgres-identifier.js';
import { toNumberedPlaceholders } from './postgres-placeholders.js';

/** A Kysely instance or transaction of this adapter. */
export type PostgresKysely = AnyKysely;

/** PostgreSQL's limit on bind parameters in one statement (a 16-bit count in the protocol). */
export const MAX_PARAMETERS = 65_535;

/** Reads a table's definition with a query on the session's client (see `Session.describeTable`). */
export type TableReader = (
  query: (sql: string, params: readonly unknown[]) => unknown[] | Promise<unknown[]>,
  table: QualifiedName,
) => Promise<TableDescription | undefined>;

/** A session of this adapter: it knows the pg client (one server session) its statements run on. */
export interface PostgresSession extends Session {
  readonly inTransaction: boolean;
  /** The pg client the statements run on; the migration lock checks itself there. */
  readonly pgClient: Client;
}

/** `op.execute` and `op.query` straight to a pg client, `?` placeholders translated to `$n`. */
function pgRunner(client: Client, onStatement: ((sql: string) => void) | undefined): StatementRunner {
  const run = async (sql: string, params: readonly unknown[]): Promise<unknown[]> => {
    const text = translated(sql, params);
    onStatement?.(text);
    try {
      // Several statements in one string give pg several results and no `rows`: Kysely's `[]`.
      return (await client.query(text, params as unknown[])).rows ?? [];
    } catch (error) {
      throw attachSql(error, text);
    }
  };
  return {
    execute: async (sql, params) => {
      await run(sql, params);
    },
    query: run,
  };
}

/**
 * A session of a `migrate` connection: `db` is a Kysely transaction (or a Kysely
 * instance pinned to one connection in autocommit mode) on MikroORM's client,
 * `connection` MikroORM's `PostgreSqlConnection`. `op.db` statements are reported and
 * tagged by the dialect (see `createMigrateDialect`).
 *
 * `execute` and `query` take the short way to the pg client that `db` holds, as the
 * statements Kysely builds end up there too: Kysely's compiled query, executor,
 * connection mutex and result mapping only cost client time on the critical path.
 */
export class KyselySession extends DriverSession implements PostgresSession {
  readonly pgClient: Client;

  constructor(
    db: PostgresKysely,
    connection: unknown,
    client: Client,
    onStatement: ((sql: string) => void) | undefined,
    inTransaction: boolean,
    describeTable?: TableReader,
  ) {
    super({
      db,
      connection,
      inTransaction,
      runner: pgRunner(client, onStatement),
      insertRows: kyselyBulkInsert(db, MAX_PARAMETERS),
      // Its catalog queries go to the same client, unreported: they are not statements of the migration.
      describeTable: describeTable === undefined ? undefined : (table) => describeTable(pgRunner(client, undefined).query, table),
    });
    this.pgClient = client;
  }
}

/**
 * A session straight on a pg `Client`, for `inspect` connections (no ORM, no Kysely):
 * `db` is `null`, `connection` the pg `Client`. A column a row lacks gets `DEFAULT` in
 * `bulkInsert`, as Kysely's `insertInto` gives it.
 */
export class NativeSession extends DriverSession implements PostgresSession {
  readonly pgClient: Client;

  constructor(client: Client, onStatement: ((sql: string) => void) | undefined, inTransaction: boolean) {
    const runner = pgRunner(client, onStatement);
    super({ db: null, connection: client, inTransaction, runner, insertRows: (table, rows) => insertWithDefaults(runner, table, rows) });
    this.pgClient = client;
  }
}

/** `INSERT`s of `rows` under the parameter limit, `DEFAULT` for a column a row lacks. */
async function insertWithDefaults(runner: StatementRunner, table: string, rows: readonly Row[]): Promise<void> {
  for (const chunk of rowChunks(rows, MAX_PARAMETERS)) {
    const columns = [...new Set(chunk.flatMap((row) => Object.keys(row)))];
    const params: unknown[] = [];
    const tuples = chunk.map(
      (row) =>
        `(${columns
          .map((column) => {
            if (row[column] === undefined) return 'DEFAULT';
            params.push(row[column]);
            return '?';
          })
          .join(', ')})`,
    );
    await runner.execute(`insert into ${quoteQualifiedName(table)} (${columns.map(quoteIdentifier).join(', ')}) values ${tuples.join(', ')}`, params);
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
