import {
  alembicVersionTableDdl,
  auditTableColumns,
  hasErrorCode,
  type SqlStoreDialect,
  type VersionTableLocation,
} from '@cloudguard/migrate-core/adapter';

import { quoteIdentifier, quoteIdentifierAsSqlAlchemy } from './sqlite-identifier.js';

/**
 * The `CREATE TABLE` Alembic issues for its version table on SQLite, character for
 * character (SQLAlchemy quotes only the names it must). SQLite stores this text in
 * `sqlite_master.sql` (dropping `IF NOT EXISTS` and the schema prefix), so a table
 * created by either tool reads the same.
 */
export function versionTableDdl(table: VersionTableLocation, ifNotExists = false): string {
  return alembicVersionTableDdl(sqliteStoreDialect, table, { ifNotExists });
}

/**
 * The audit table's DDL on SQLite: the columns of core's `AuditStore` contract (the
 * time as ISO-8601 text), an `INTEGER PRIMARY KEY` that orders the rows, and an index
 * for "the newest row of each revision". `IF NOT EXISTS` makes a concurrent creator
 * harmless.
 */
export function auditTableDdl(table: VersionTableLocation): string[] {
  const prefix = table.schema === undefined ? '' : `${quoteIdentifier(table.schema)}.`;
  return [
    `CREATE TABLE IF NOT EXISTS ${prefix}${quoteIdentifier(table.name)} (\n` +
      auditTableColumns({ id: 'INTEGER NOT NULL', appliedAt: 'VARCHAR(32) NOT NULL' }) +
      `\tCONSTRAINT ${quoteIdentifier(`${table.name}_pk`)} PRIMARY KEY (id)\n` +
      `)`,
    `CREATE INDEX IF NOT EXISTS ${prefix}${quoteIdentifier(`${table.name}_revision_ix`)} ON ${quoteIdentifier(table.name)} (revision, id)`,
  ];
}

/**
 * SQLite for core's shared version and audit stores. Names are quoted as SQLAlchemy
 * quotes them, so the version table's DDL is Alembic's; a table's existence is read from
 * `sqlite_master` (of the attached database named by the schema); `IF NOT EXISTS`
 * settles a race between two creators; `applied_at` is ISO-8601 text.
 */
export const sqliteStoreDialect: SqlStoreDialect = {
  quoteIdentifier: quoteIdentifierAsSqlAlchemy,
  async tableExists(session, table) {
    const master = table.schema === undefined ? 'sqlite_master' : `${quoteIdentifierAsSqlAlchemy(table.schema)}.sqlite_master`;
    const found = await session.query(`SELECT name FROM ${master} WHERE type = 'table' AND name = ?`, [table.name]);
    return found.length > 0;
  },
  versionTableDdl: (table) => [versionTableDdl(table, true)],
  auditTableDdl,
  currentTimestampSql: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
  auditTimeParameter: (date) => date.toISOString(),
};

/**
 * Tells whether an error (or its cause) is SQLite's `SQLITE_BUSY` or `SQLITE_LOCKED`:
 * another connection held the database past the busy timeout. Core's runner then
 * retries the transaction.
 */
export function isTransientLockError(error: unknown): boolean {
  return hasErrorCode(error, (code) => typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')));
}
