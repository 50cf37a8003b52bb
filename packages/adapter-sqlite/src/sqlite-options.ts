/** Options of `sqliteAdapter`. */
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

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
