import {
  VersionTableConflictError,
  type Session,
  type VersionStore,
  type VersionTableLocation,
} from '@cloudguard/migrate-core';

import { quoteIdentifier } from './postgres-identifier.js';
import type { PostgresSession } from './postgres-session.js';

/** SQLSTATEs a losing concurrent `CREATE TABLE IF NOT EXISTS` can raise: unique_violation (on `pg_type`) and duplicate_table. */
const CONCURRENT_CREATE_CODES: ReadonlySet<string> = new Set(['23505', '42P07']);

/**
 * The `CREATE TABLE` Alembic issues for its version table on PostgreSQL (SQLAlchemy's
 * DDL for `version_table_impl()`): `version_num VARCHAR(32) NOT NULL` and a primary
 * key named `<table>_pkc`. Names are always quoted, which for lower-case names means
 * what Alembic's unquoted ones mean.
 */
export function versionTableDdl(table: VersionTableLocation, ifNotExists = false): string {
  return (
    `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${qualifiedName(table)} (\n` +
    `\tversion_num VARCHAR(32) NOT NULL, \n` +
    `\tCONSTRAINT ${quoteIdentifier(`${table.name}_pkc`)} PRIMARY KEY (version_num)\n` +
    `)`
  );
}

/**
 * Alembic's `alembic_version` table on PostgreSQL, through any {@link Session}: core
 * decides which rows change, this store writes them and checks each one matched.
 * Without a schema the table is found and created through the session's
 * `search_path`, as Alembic's unqualified name is.
 *
 * ### Examples
 * ```ts
 * const store = new PostgresVersionStore({ name: 'alembic_version', schema: 'ops' }, (work) => connection.autocommit(work));
 * await connection.transaction(async (session) => {
 *   await store.ensure(session);
 *   await store.update(session, 'ae1027a6acf', '27c6a30d7c24');
 * });
 * ```
 */
export class PostgresVersionStore implements VersionStore {
  readonly table: VersionTableLocation;
  readonly #qualified: string;
  readonly #outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>;

  /** @param outside - runs work when {@link read} is called without a session. */
  constructor(table: VersionTableLocation, outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>) {
    this.table = table;
    this.#qualified = qualifiedName(table);
    this.#outside = outside;
  }

  /**
   * Creates the table unless it exists. Two creators racing can both pass `IF NOT
   * EXISTS`, and the loser then fails on the catalog's unique index; as Kysely's
   * migrator does, that error is forgiven once the table is seen to exist. Inside a
   * transaction the attempt runs under a savepoint, since any error would otherwise
   * abort the whole transaction.
   */
  async ensure(session: Session): Promise<void> {
    const ddl = versionTableDdl(this.table, true);
    const inTransaction = (session as Partial<PostgresSession>).inTransaction ?? true;
    if (inTransaction) await session.execute('SAVEPOINT cgmigrate_version_table');
    try {
      await session.execute(ddl);
    } catch (error) {
      if (inTransaction) await session.execute('ROLLBACK TO SAVEPOINT cgmigrate_version_table');
      if (!CONCURRENT_CREATE_CODES.has(String((error as { code?: unknown } | null)?.code)) || !(await this.#exists(session))) {
        throw error;
      }
    }
    if (inTransaction) await session.execute('RELEASE SAVEPOINT cgmigrate_version_table');
  }

  /** The recorded versions; `[]` when the table does not exist (it is never created here). */
  async read(session?: Session): Promise<string[]> {
    if (session === undefined) return this.#outside((own) => this.read(own));
    if (!(await this.#exists(session))) return [];
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

  /** `to_regclass` resolves the name as the statements do (through `search_path` when unqualified) and, unlike a cast, yields NULL for a missing table or schema. */
  async #exists(session: Session): Promise<boolean> {
    const rows = await session.query<{ found: boolean }>('SELECT to_regclass(?) IS NOT NULL AS found', [this.#qualified]);
    return rows[0]?.found === true;
  }

  async #conflict(session: Session, expected: string): Promise<never> {
    const name = this.table.schema === undefined ? this.table.name : `${this.table.schema}.${this.table.name}`;
    throw new VersionTableConflictError(name, expected, await this.read(session));
  }
}

function qualifiedName(table: VersionTableLocation): string {
  return table.schema === undefined ? quoteIdentifier(table.name) : `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}
