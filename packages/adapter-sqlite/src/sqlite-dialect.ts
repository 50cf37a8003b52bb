import { observedConnection } from '@cloudguard/migrate-adapter-kit';
import type * as Kysely from 'kysely';
import type { DatabaseConnection, Dialect, Driver, SqliteDatabase } from 'kysely';

/** The `kysely` module, loaded by the caller only when a migration needs it. */
export type KyselyModule = typeof Kysely;

/**
 * Kysely's better-sqlite3 dialect with two changes, both made in the driver so they
 * also cover what migrations build with `op.db`:
 *
 * - transactions start with `BEGIN IMMEDIATE`: SQLite's default `BEGIN` (deferred)
 *   takes the write lock at the first write, and a second writer that already read
 *   gets `SQLITE_BUSY` at once, without waiting for the busy timeout, because waiting
 *   could deadlock. Taking the write lock up front lets two writers queue instead;
 * - every statement is reported to `onStatement`, and a statement that fails gets its
 *   SQL attached to the error (see `observedConnection`).
 */
export function createMigrateDialect(
  kysely: KyselyModule,
  database: SqliteDatabase & { readonly inTransaction: boolean },
  onStatement: ((sql: string) => void) | undefined,
): Dialect {
  const config = { database };

  class ImmediateSqliteDriver extends kysely.SqliteDriver {
    override async acquireConnection(): Promise<DatabaseConnection> {
      return observedConnection(await super.acquireConnection(), onStatement);
    }

    override async beginTransaction(connection: DatabaseConnection): Promise<void> {
      await connection.executeQuery(kysely.CompiledQuery.raw('BEGIN IMMEDIATE'));
    }

    // SQLite rolls back by itself on some errors (SQLITE_FULL, SQLITE_IOERR, …); a second
    // ROLLBACK would then fail with "no transaction is active" and hide the real error.
    override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
      if (database.inTransaction) await super.rollbackTransaction(connection);
    }
  }

  return new (class extends kysely.SqliteDialect {
    override createDriver(): Driver {
      return new ImmediateSqliteDriver(config);
    }
  })(config);
}
