import { VersionTableConflictError } from '../errors.js';
import type { Session, VersionStore, VersionTableLocation } from './dialect-adapter.js';
import type { OutsideSession, SqlStoreDialect } from './sql-store-dialect.js';
import { SqlTable } from './sql-table.js';

/**
 * Alembic's version table (`alembic_version`: `version_num VARCHAR(32) NOT NULL`, one
 * row per head) through any {@link Session} of a SQL database: core decides which rows
 * change, this store writes them and checks that each `UPDATE` and `DELETE` matched one
 * row. What differs between databases comes from the {@link SqlStoreDialect}.
 *
 * ### Examples
 * ```ts
 * const store = new SqlVersionStore(dialect, { name: 'alembic_version' }, (work) => connection.autocommit(work));
 * await connection.transaction(async (session) => {
 *   await store.ensure(session);
 *   await store.update(session, 'ae1027a6acf', '27c6a30d7c24');
 * });
 * ```
 */
export class SqlVersionStore implements VersionStore {
  readonly table: VersionTableLocation;
  readonly #sql: SqlTable;
  readonly #qualified: string;
  readonly #outside: OutsideSession;

  /** @param outside - runs work when {@link read} is called without a session. */
  constructor(dialect: SqlStoreDialect, table: VersionTableLocation, outside: OutsideSession) {
    this.table = table;
    this.#sql = new SqlTable(dialect, table);
    this.#qualified = this.#sql.qualifiedName;
    this.#outside = outside;
  }

  /** Creates the table unless it exists; a concurrent creator is harmless (see `createIfMissing`). */
  async ensure(session: Session): Promise<void> {
    await this.#sql.create(session, this.#sql.dialect.versionTableDdl(this.table), 'cgmigrate_version_table');
  }

  /** The recorded versions; `[]` when the table does not exist (it is never created here). */
  async read(session?: Session): Promise<string[]> {
    if (session === undefined) return this.#outside((own) => this.read(own));
    if (!(await this.#sql.exists(session))) return [];
    const rows = await session.query<{ version_num: string }>(`SELECT version_num FROM ${this.#qualified}`);
    return rows.map((row) => row.version_num);
  }

  async insert(session: Session, version: string): Promise<void> {
    await session.execute(`INSERT INTO ${this.#qualified} (version_num) VALUES (?)`, [version]);
  }

  /** @throws {VersionTableConflictError} when `version` is not recorded. */
  async delete(session: Session, version: string): Promise<void> {
    const changed = await this.#change(session, `DELETE FROM ${this.#qualified} WHERE version_num = ?`, [version]);
    if (changed !== 1) await this.#conflict(session, version);
  }

  /** @throws {VersionTableConflictError} when `from` is not recorded. */
  async update(session: Session, from: string, to: string): Promise<void> {
    const changed = await this.#change(session, `UPDATE ${this.#qualified} SET version_num = ? WHERE version_num = ?`, [to, from]);
    if (changed !== 1) await this.#conflict(session, from);
  }

  async #change(session: Session, sql: string, params: readonly unknown[]): Promise<number> {
    const { changedRows } = this.#sql.dialect;
    if (changedRows) return changedRows(session, sql, params);
    return (await session.query(`${sql} RETURNING version_num`, params)).length;
  }

  async #conflict(session: Session, expected: string): Promise<never> {
    const name = this.table.schema === undefined ? this.table.name : `${this.table.schema}.${this.table.name}`;
    throw new VersionTableConflictError(name, expected, await this.read(session));
  }
}

