import { DatabaseError, isMigrateError } from '../errors.js';
import { auditTableFor, type ConnectOptions } from './dialect-adapter.js';
import { SqlAuditStore } from './sql-audit-store.js';
import type { OutsideSession, SqlStoreDialect } from './sql-store-dialect.js';
import { SqlVersionStore } from './sql-version-store.js';

/**
 * The `outside` runner of the shared stores: reads made without a session run in
 * `autocommit`, and a driver error there becomes a {@link DatabaseError} that says what
 * was being read.
 */
export function storeReader(autocommit: OutsideSession): OutsideSession {
  return async (work) => {
    try {
      return await autocommit(work);
    } catch (error) {
      if (isMigrateError(error)) throw error;
      throw new DatabaseError('Reading the version and audit tables', { cause: error });
    }
  };
}

/**
 * The version and audit stores of a connection, over one dialect record, reading
 * through {@link storeReader}.
 *
 * ### Examples
 * ```ts
 * const { versionStore, auditStore } = createSqlStores(dialect, options, (work) => this.autocommit(work));
 * ```
 */
export function createSqlStores(
  dialect: SqlStoreDialect,
  options: Pick<ConnectOptions, 'versionTable' | 'auditTable'>,
  autocommit: OutsideSession,
): { readonly versionStore: SqlVersionStore; readonly auditStore: SqlAuditStore } {
  const outside = storeReader(autocommit);
  return {
    versionStore: new SqlVersionStore(dialect, options.versionTable, outside),
    auditStore: new SqlAuditStore(dialect, auditTableFor(options), outside),
  };
}
