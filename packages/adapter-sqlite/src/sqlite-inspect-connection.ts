import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

import { closedConnectionError, nativeTransaction, type DriverSession } from '@cloudguard/migrate-adapter-kit';
import {
  DatabaseError,
  createSqlStores,
  type AdapterConnection,
  type AuditStore,
  type ConnectOptions,
  type LockHolderListener,
  type LockWait,
  type MigrationLock,
  type Session,
  type VersionStore,
} from '@cloudguard/migrate-core/adapter';
import type BetterSqlite3 from 'better-sqlite3';

import { acquireSqliteLock, NO_LOCK, removeStaleHolderNote, type DatabaseConstructor } from './sqlite-lock.js';
import type { ResolvedSqliteOptions } from './sqlite-options.js';
import { nativeSession, sqliteVersion } from './sqlite-session.js';
import { isTransientLockError, sqliteStoreDialect } from './sqlite-store-dialect.js';
import type { SqliteLocation } from './sqlite-url.js';

/**
 * An `inspect` connection, for commands that only read the version table: better-sqlite3
 * alone (no MikroORM, no Kysely), the file opened read-only. A database file that does
 * not exist is not created: the connection reads an empty, read-only in-memory
 * database instead, so every query sees no tables and the version store no versions.
 */
export class SqliteInspectConnection implements AdapterConnection {
  readonly versionStore: VersionStore;
  readonly auditStore: AuditStore;
  readonly #location: SqliteLocation;
  readonly #database: BetterSqlite3.Database;
  readonly #Database: DatabaseConstructor;
  readonly #onStatement: ((sql: string) => void) | undefined;

  private constructor(location: SqliteLocation, options: ConnectOptions, database: BetterSqlite3.Database, Database: DatabaseConstructor) {
    this.#location = location;
    this.#database = database;
    this.#Database = Database;
    this.#onStatement = options.onStatement;
    ({ versionStore: this.versionStore, auditStore: this.auditStore } = createSqlStores(sqliteStoreDialect, options, (work) =>
      this.autocommit(work),
    ));
  }

  /** @throws {DatabaseError} when an existing file cannot be opened, or the file's folder does not exist. */
  static async open(
    location: SqliteLocation,
    options: ConnectOptions,
    settings: ResolvedSqliteOptions,
  ): Promise<SqliteInspectConnection> {
    const { default: Database } = await import('better-sqlite3');
    const exists = location.kind === 'file' && existsSync(location.path);
    // A missing file reads as an empty database (nothing applied yet), but a missing folder
    // is a mistyped URL: saying "no revisions" there would hide it.
    if (location.kind === 'file' && !exists && !existsSync(dirname(location.path))) {
      throw new DatabaseError(`Opening SQLite database ${location.path} read-only`, {
        cause: new Error(`the folder ${dirname(location.path)} does not exist`),
      });
    }
    const filename = exists ? location.path : ':memory:';
    try {
      const database = exists
        ? new Database(filename, { readonly: true, fileMustExist: true, timeout: settings.busyTimeoutMs })
        : new Database(filename).exec('PRAGMA query_only = ON');
      return new SqliteInspectConnection(location, options, database, Database);
    } catch (error) {
      throw new DatabaseError(`Opening SQLite database ${filename} read-only`, { cause: error });
    }
  }

  /** Runs `work` in a deferred (read) transaction. */
  async transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    return nativeTransaction(this.#session(true), work, () => this.#database.inTransaction);
  }

  async autocommit<T>(work: (session: Session) => Promise<T>): Promise<T> {
    return work(this.#session(false));
  }

  /** The same lock file as a `migrate` connection takes, refused alike when unusable (see {@link acquireSqliteLock}). */
  async acquireLock(wait: LockWait, onHeld?: LockHolderListener): Promise<MigrationLock> {
    this.#session(false);
    if (this.#location.kind === 'memory') return NO_LOCK;
    return acquireSqliteLock(this.#Database, this.#location.path, wait, onHeld);
  }

  /** `SQLITE_BUSY` and `SQLITE_LOCKED`: another connection held the database past the busy timeout. */
  isTransientLockError(error: unknown): boolean {
    return isTransientLockError(error);
  }

  /** SQLite's library version (`select sqlite_version()`), read straight on the database: not a statement of a command. */
  async serverVersion(): Promise<string> {
    this.#session(false);
    return sqliteVersion(this.#database);
  }

  /** Closes the database, and removes a holder's note that a killed run left beside it (see {@link removeStaleHolderNote}). */
  async close(): Promise<void> {
    if (!this.#database.open) return;
    this.#database.close();
    if (this.#location.kind === 'file') await removeStaleHolderNote(this.#Database, this.#location.path);
  }

  #session(inTransaction: boolean): DriverSession {
    if (!this.#database.open) throw closedConnectionError('SQLite');
    return nativeSession(this.#database, this.#onStatement, inTransaction);
  }
}
