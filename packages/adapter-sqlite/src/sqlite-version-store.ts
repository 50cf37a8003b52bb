import {
  VersionTableConflictError,
  type Session,
  type VersionStore,
  type VersionTableLocation,
} from '@cloudguard/migrate-core';

import { quoteIdentifierAsSqlAlchemy } from './sqlite-identifier.js';

/**
 * The `CREATE TABLE` Alembic issues for its version table on SQLite, character for
 * character: SQLAlchemy's DDL compiler output for `version_table_impl()`, a
 * `version_num VARCHAR(32) NOT NULL` column and a primary key named `<table>_pkc`.
 * SQLite stores this text in `sqlite_master.sql` (dropping `IF NOT EXISTS` and the
 * schema prefix), so a table created by either tool reads the same.
 */
export function versionTableDdl(table: VersionTableLocation, ifNotExists = false): string {
  const quote = quoteIdentifierAsSqlAlchemy;
  const name = table.schema === undefined ? quote(table.name) : `${quote(table.schema)}.${quote(table.name)}`;
  return (
    `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${name} (\n` +
    `\tversion_num VARCHAR(32) NOT NULL, \n` +
    `\tCONSTRAINT ${quote(`${table.name}_pkc`)} PRIMARY KEY (version_num)\n` +
    `)`
  );
}

/**
 * Alembic's `alembic_version` table on SQLite, through any {@link Session}: core decides
 * which rows change, this store writes them and checks each one matched.
 *
 * ### Examples
 * ```ts
 * const store = new SqliteVersionStore({ name: 'alembic_version' }, (work) => connection.autocommit(work));
 * await connection.transaction(async (session) => {
 *   await store.ensure(session);
 *   await store.update(session, 'ae1027a6acf', '27c6a30d7c24');
 * });
 * ```
 */
export class SqliteVersionStore implements VersionStore {
  readonly table: VersionTableLocation;
  readonly #qualified: string;
  readonly #master: string;
  readonly #outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>;

  /**
   * @param table - where the table lives; `schema` is an attached database name.
   * @param outside - runs work when {@link read} is called without a session.
   */
  constructor(table: VersionTableLocation, outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>) {
    const quote = quoteIdentifierAsSqlAlchemy;
    this.table = table;
    this.#qualified = table.schema === undefined ? quote(table.name) : `${quote(table.schema)}.${quote(table.name)}`;
    this.#master = table.schema === undefined ? 'sqlite_master' : `${quote(table.schema)}.sqlite_master`;
    this.#outside = outside;
  }

  /** Creates the table unless it exists (`IF NOT EXISTS` makes a concurrent creator harmless). */
  async ensure(session: Session): Promise<void> {
    await session.execute(versionTableDdl(this.table, true));
  }

  /** The recorded versions, in insertion order; `[]` when the table does not exist (it is never created here). */
  async read(session?: Session): Promise<string[]> {
    if (session === undefined) return this.#outside((own) => this.read(own));
    const found = await session.query(`SELECT name FROM ${this.#master} WHERE type = 'table' AND name = ?`, [this.table.name]);
    if (found.length === 0) return [];
    const rows = await session.query<{ version_num: string }>(`SELECT version_num FROM ${this.#qualified}`);
    return rows.map((row) => row.version_num);
  }

  async insert(session: Session, version: string): Promise<void> {
    await session.execute(`INSERT INTO ${this.#qualified} (version_num) VALUES (?)`, [version]);
  }

  /** @throws {VersionTableConflictError} when `version` is not recorded. */
  async delete(session: Session, version: string): Promise<void> {
    const deleted = await session.query(`DELETE FROM ${this.#qualified} WHERE version_num = ? RETURNING version_num`, [version]);
    if (deleted.length !== 1) await this.#conflict(session, version);
  }

  /** @throws {VersionTableConflictError} when `from` is not recorded. */
  async update(session: Session, from: string, to: string): Promise<void> {
    const updated = await session.query(
      `UPDATE ${this.#qualified} SET version_num = ? WHERE version_num = ? RETURNING version_num`,
      [to, from],
    );
    if (updated.length !== 1) await this.#conflict(session, from);
  }

  async #conflict(session: Session, expected: string): Promise<never> {
    const name = this.table.schema === undefined ? this.table.name : `${this.table.schema}.${this.table.name}`;
    throw new VersionTableConflictError(name, expected, await this.read(session));
  }
}
