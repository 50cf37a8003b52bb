import { VersionTableConflictError } from '@cloudguard/migrate-core';
import { type Session, type VersionStore, type VersionTableLocation } from '@cloudguard/migrate-core/adapter';

import { errnoOf, NO_SUCH_TABLE } from './mariadb-errors.js';
import { qualifiedName, quoteIdentifier } from './mariadb-url.js';
import { asMariaDbSession, MariaDbSession } from './mariadb-session.js';

/**
 * The `CREATE TABLE` Alembic issues for its version table on MySQL/MariaDB:
 * `version_num VARCHAR(32) NOT NULL` with a primary key named `<table>_pkc` (MariaDB
 * names every primary key `PRIMARY`, so the name is kept for the record only).
 */
export function versionTableDdl(table: VersionTableLocation): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(table)} (\n` +
    `\tversion_num VARCHAR(32) NOT NULL, \n` +
    `\tCONSTRAINT ${quoteIdentifier(`${table.name}_pkc`)} PRIMARY KEY (version_num)\n` +
    `)`
  );
}

/**
 * Alembic's `alembic_version` table on MariaDB. Core decides which rows change; this
 * store writes them and checks that each one matched.
 *
 * `ensure` is DDL, which MariaDB commits at once (it has no transactional DDL), so the
 * table may outlive a transaction that is rolled back; it is empty then, which is what
 * Alembic's own MySQL support leaves behind too.
 */
export class MariaDbVersionStore implements VersionStore {
  readonly table: VersionTableLocation;
  readonly #qualified: string;
  readonly #outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>;

  /** @param outside - runs work when {@link read} is called without a session. */
  constructor(table: VersionTableLocation, outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>) {
    this.table = table;
    this.#qualified = qualifiedName(table);
    this.#outside = outside;
  }

  /** `IF NOT EXISTS` settles a race between two creators on MariaDB: the loser only gets a warning. */
  async ensure(session: Session): Promise<void> {
    await session.execute(versionTableDdl(this.table));
  }

  /** The recorded versions; `[]` when the table does not exist (it is never created here). */
  async read(session?: Session): Promise<string[]> {
    if (session === undefined) return this.#outside((own) => this.read(own));
    try {
      const rows = await session.query<{ version_num: string }>(`SELECT version_num FROM ${this.#qualified}`);
      return rows.map((row) => row.version_num);
    } catch (error) {
      if (errnoOf(error) === NO_SUCH_TABLE) return [];
      throw error;
    }
  }

  async insert(session: Session, version: string): Promise<void> {
    await session.execute(`INSERT INTO ${this.#qualified} (version_num) VALUES (?)`, [version]);
    recorded(session);
  }

  /** @throws {VersionTableConflictError} when `version` is not recorded. */
  async delete(session: Session, version: string): Promise<void> {
    const changed = await asMariaDbSession(session).change(`DELETE FROM ${this.#qualified} WHERE version_num = ?`, [version]);
    if (changed !== 1) await this.#conflict(session, version);
    recorded(session);
  }

  /** @throws {VersionTableConflictError} when `from` is not recorded. */
  async update(session: Session, from: string, to: string): Promise<void> {
    const changed = await asMariaDbSession(session).change(`UPDATE ${this.#qualified} SET version_num = ? WHERE version_num = ?`, [
      to,
      from,
    ]);
    if (changed !== 1) await this.#conflict(session, from);
    recorded(session);
  }

  async #conflict(session: Session, expected: string): Promise<never> {
    const name = this.table.schema === undefined ? this.table.name : `${this.table.schema}.${this.table.name}`;
    throw new VersionTableConflictError(name, expected, await this.read(session));
  }
}

/** Marks the end of a migration on sessions of this adapter (other sessions are left alone). */
function recorded(session: Session): void {
  if (session instanceof MariaDbSession) session.migrationRecorded();
}
