import {
  alembicVersionTableDdl,
  auditTableColumns,
  qualifiedTableName,
  SqlVersionStore,
  type Session,
  type SqlStoreDialect,
  type VersionTableLocation,
} from '@cloudguard/migrate-core/adapter';

import { MariaDbSession } from './mariadb-session.js';
import { quoteIdentifier } from './mariadb-url.js';

/**
 * The audit table's DDL on MariaDB: the columns of core's `AuditStore` contract, an
 * auto-increment key that orders the rows, and an index for "the newest row of each
 * revision". `applied_at` is a `DATETIME(3)` holding UTC.
 */
export function auditTableDdl(table: VersionTableLocation): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${qualifiedTableName(mariadbStoreDialect, table)} (\n` +
    auditTableColumns({ id: 'BIGINT NOT NULL AUTO_INCREMENT', appliedAt: 'DATETIME(3) NOT NULL', nullable: ' NULL' }) +
    `\tPRIMARY KEY (id), \n` +
    `\tINDEX ${quoteIdentifier(`${table.name}_revision_ix`)} (revision, id)\n` +
    `)`
  );
}

/**
 * MariaDB for core's shared version and audit stores. `IF NOT EXISTS` settles a race
 * between two creators (the loser only gets a warning); MariaDB has no transactional
 * DDL, so a table created in a transaction that rolls back stays, empty, as Alembic's
 * own MySQL support leaves it. `UPDATE … RETURNING` does not exist here: a change
 * counts MariaDB's affected rows. `applied_at` is UTC as `YYYY-MM-DD HH:MM:SS.mmm`,
 * whatever the session's time zone, so it reads back the same everywhere.
 */
export const mariadbStoreDialect: SqlStoreDialect = {
  quoteIdentifier,
  async tableExists(session, table) {
    const found = await session.query(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?',
      [table.schema ?? null, table.name],
    );
    return found.length > 0;
  },
  versionTableDdl: (table) => [alembicVersionTableDdl(mariadbStoreDialect, table)],
  auditTableDdl: (table) => [auditTableDdl(table)],
  currentTimestampSql: 'UTC_TIMESTAMP(3)',
  auditTimeParameter: (date) => date.toISOString().replace('T', ' ').replace('Z', ''),
  auditTimeFromColumn: (value) => (value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`)),
  changedRows: (session, sql, params) => asMariaDbSession(session).change(sql, params),
};

/**
 * The shared version store, which also tells a session of this adapter that a
 * migration's version change was written: what commits implicitly after it belongs to
 * the next migration (see `committedBeforeFailure`).
 */
export class MariaDbVersionStore extends SqlVersionStore {
  override async insert(session: Session, version: string): Promise<void> {
    await super.insert(session, version);
    recorded(session);
  }

  override async delete(session: Session, version: string): Promise<void> {
    await super.delete(session, version);
    recorded(session);
  }

  override async update(session: Session, from: string, to: string): Promise<void> {
    await super.update(session, from, to);
    recorded(session);
  }
}

function recorded(session: Session): void {
  if (session instanceof MariaDbSession) session.migrationRecorded();
}

function asMariaDbSession(session: Session): MariaDbSession {
  if (session instanceof MariaDbSession) return session;
  throw new TypeError('the MariaDB stores need a session of the MariaDB adapter');
}
