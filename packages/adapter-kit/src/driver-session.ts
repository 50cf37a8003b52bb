import type { QualifiedName, Row, Session, TableDescription } from '@cloudguard/migrate-core/adapter';
import type { Kysely } from 'kysely';

/** A migration's tables are not known statically: `Kysely<any>`, as Kysely's own migrations take. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKysely = Kysely<any>;

/**
 * How a session reaches its driver: the statements of `op.execute` and `op.query` go
 * straight to the driver (Kysely's executor, connection mutex and result mapping would
 * only cost time on every statement), each reported and, when it fails, named.
 */
export interface StatementRunner {
  /** Runs one statement with `?` placeholders for its effect. */
  execute(sql: string, params: readonly unknown[]): Promise<void> | void;
  /** Runs one statement with `?` placeholders and returns its rows (`[]` for a statement without any). */
  query(sql: string, params: readonly unknown[]): Promise<unknown[]> | unknown[];
}

/** What a {@link DriverSession} is made of. */
export interface DriverSessionParts {
  /** The query builder migrations get as `op.db`: a Kysely transaction or connection, or `null` where there is none. */
  readonly db: AnyKysely | null;
  /** The connection object migrations get as `op.connection`. */
  readonly connection: unknown;
  /** Whether the statements run inside a transaction block. */
  readonly inTransaction: boolean;
  readonly runner: StatementRunner;
  /** Inserts rows for `op.bulkInsert`; see {@link kyselyBulkInsert}. */
  readonly insertRows: (table: string, rows: readonly Row[]) => Promise<void>;
  /**
   * Reads a table's definition in this session (see `Session.describeTable`); absent, the
   * session has no `describeTable` and operations that need one fail to compile.
   */
  readonly describeTable?: ((table: QualifiedName) => Promise<TableDescription | undefined>) | undefined;
}

/**
 * The {@link Session} of a SQL adapter: `execute` and `query` through its
 * {@link StatementRunner}, `bulkInsert` through its row inserter, `db` and `connection`
 * as given.
 *
 * ### Examples
 * ```ts
 * new DriverSession({ db: trx, connection, inTransaction: true, runner, insertRows: kyselyBulkInsert(trx, 65_535) });
 * ```
 */
export class DriverSession implements Session {
  readonly db: AnyKysely | null;
  readonly connection: unknown;
  readonly inTransaction: boolean;
  readonly #runner: StatementRunner;
  readonly #insertRows: (table: string, rows: readonly Row[]) => Promise<void>;
  readonly describeTable?: (table: QualifiedName) => Promise<TableDescription | undefined>;

  constructor(parts: DriverSessionParts) {
    this.db = parts.db;
    this.connection = parts.connection;
    this.inTransaction = parts.inTransaction;
    this.#runner = parts.runner;
    this.#insertRows = parts.insertRows;
    if (parts.describeTable !== undefined) this.describeTable = parts.describeTable;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.#runner.execute(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.#runner.query(sql, params)) as T[];
  }

  bulkInsert(table: string, rows: readonly Row[]): Promise<void> {
    return this.#insertRows(table, rows);
  }
}

/**
 * Splits rows into statements that stay under the dialect's limit on bound parameters,
 * counting every column any row of the batch has.
 *
 * ### Examples
 * ```ts
 * rowChunks(rows, 32_766) // SQLite: 1,500 rows of 2 columns → one chunk
 * ```
 */
export function rowChunks<T extends Row>(rows: readonly T[], maxParameters: number): T[][] {
  if (rows.length === 0) return [];
  const perStatement = rowsPerStatement(rows, maxParameters);
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += perStatement) chunks.push(rows.slice(start, start + perStatement));
  return chunks;
}

/** How many of `rows` fit in one statement under `maxParameters`, counting every column any row has. */
export function rowsPerStatement(rows: readonly Row[], maxParameters: number): number {
  const columns = new Set(rows.flatMap((row) => Object.keys(row))).size;
  return Math.max(1, Math.floor(maxParameters / Math.max(1, columns)));
}

/**
 * `op.bulkInsert` through Kysely's `insertInto(table).values(rows)`, in chunks under
 * `maxParameters`. With `everyColumn`, each row of a chunk gets every column of the
 * batch, a missing one as `everyColumn(undefined)` (SQLite has no `DEFAULT` in a
 * `VALUES` list), and every value passes through it; without, Kysely writes `DEFAULT`
 * for a column a row lacks.
 */
export function kyselyBulkInsert(
  db: AnyKysely,
  maxParameters: number,
  everyColumn?: (value: unknown) => unknown,
): (table: string, rows: readonly Row[]) => Promise<void> {
  return async (table, rows) => {
    if (rows.length > 0 && rows.every((row) => Object.keys(row).length === 0)) {
      // Rows that name no column: each gets every default (`INSERT … DEFAULT VALUES`), which takes no values list.
      for (let row = 0; row < rows.length; row++) await db.insertInto(table).defaultValues().execute();
      return;
    }
    const prepared = everyColumn === undefined ? rows : fillColumns(rows, everyColumn);
    for (const chunk of rowChunks(prepared, maxParameters)) {
      await db.insertInto(table).values(chunk as Record<string, unknown>[]).execute();
    }
  };
}

/** Every row with every column of the batch, each value passed through `prepare` (a missing one as `prepare(undefined)`). */
export function fillColumns(rows: readonly Row[], prepare: (value: unknown) => unknown): Record<string, unknown>[] {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return rows.map((row) => Object.fromEntries(columns.map((column) => [column, prepare(row[column])])));
}
