import type { AdapterConnection, ConnectOptions, DialectAdapter } from '@cloudguard/migrate-core';

import { parseSqliteUrl } from './sqlite-url.js';

/** Options of {@link sqliteAdapter}. */
export interface SqliteAdapterOptions {
  /**
   * How long a statement waits for another connection's lock before failing with
   * `SQLITE_BUSY` (better-sqlite3's `timeout`, SQLite's busy timeout). Default 5000 ms.
   */
  readonly busyTimeoutMs?: number | undefined;
  /**
   * Enforce foreign keys (`PRAGMA foreign_keys`) while migrating. Default `false`, as
   * SQLAlchemy and therefore Alembic leave them. When `true`, each migration transaction
   * follows SQLite's procedure for schema changes, since the pragma cannot change inside
   * a transaction and a table rebuild needs enforcement off: off before `BEGIN`,
   * `PRAGMA foreign_key_check` before `COMMIT` (rows pointing at a missing parent fail and
   * roll back the transaction), on again after. `ON DELETE` actions do not fire inside
   * migrations.
   */
  readonly foreignKeys?: boolean | undefined;
}

/** {@link SqliteAdapterOptions} with defaults applied. */
export interface ResolvedSqliteOptions {
  readonly busyTimeoutMs: number;
  readonly foreignKeys: boolean;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Creates the SQLite dialect adapter: MikroORM 7 (`@mikro-orm/sqlite`, better-sqlite3
 * under Kysely) when migrating, better-sqlite3 alone, read-only, when a command only
 * reads the version table. Nothing heavy loads until {@link DialectAdapter.connect}.
 *
 * URLs are SQLAlchemy's: `sqlite:///relative.db` (relative to the config's directory),
 * `sqlite:////absolute/path.db`, `sqlite://` or `sqlite:///:memory:`.
 *
 * Migrations get a Kysely transaction as `op.db`, and the MikroORM `SqliteConnection`
 * as `op.connection` (the better-sqlite3 `Database` on a read-only connection). A
 * statement that fails keeps its driver error, with the SQL attached as
 * `(error as { sql?: string }).sql`. Two runners on one database file serialise on a
 * lock file, `<database>.cgmigrate-lock`, released by the OS if a process dies. A lock
 * file this user cannot write, or one that is not an SQLite database, is refused with
 * `LOCK_UNAVAILABLE` (SQLite would open it read-only, and lock nobody out).
 *
 * ### Examples
 * ```ts
 * // cgmigrate.config.ts
 * import { defineConfig } from '@cloudguard/migrate-core';
 * import { sqliteAdapter } from '@cloudguard/migrate-adapter-sqlite';
 *
 * export default defineConfig({
 *   url: 'sqlite:///var/app.db',
 *   adapter: sqliteAdapter({ busyTimeoutMs: 10_000 }),
 * });
 * ```
 *
 * @throws {InvalidUrlError} from `connect`, for a URL that is not a SQLite URL.
 * @throws {DatabaseError} from `connect`, when the database cannot be opened (for
 *   instance when its directory does not exist: it is not created).
 */
export function sqliteAdapter(options: SqliteAdapterOptions = {}): DialectAdapter {
  const settings: ResolvedSqliteOptions = {
    busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    foreignKeys: options.foreignKeys ?? false,
  };
  return {
    apiVersion: 1,
    name: 'sqlite',
    schemes: ['sqlite'],
    capabilities: { transactionalDdl: true },
    connect: (connectOptions) => connectSqlite(connectOptions, settings),
    renderOffline: async (offlineOptions) => (await import('./sqlite-offline.js')).renderSqliteOffline(offlineOptions),
  };
}

async function connectSqlite(options: ConnectOptions, settings: ResolvedSqliteOptions): Promise<AdapterConnection> {
  const location = parseSqliteUrl(options.url, options.cwd);
  if (options.purpose === 'inspect') {
    const { SqliteInspectConnection } = await import('./sqlite-inspect-connection.js');
    return SqliteInspectConnection.open(location, options, settings);
  }
  const { SqliteMigrateConnection } = await import('./sqlite-migrate-connection.js');
  return SqliteMigrateConnection.open(location, options, settings);
}
