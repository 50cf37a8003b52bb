import { closedConnectionError, nativeTransaction } from '@cloudguard/migrate-adapter-kit';
import {
  createSqlStores,
  isMigrateError,
  redactedDatabaseError,
  TargetSchemaNotFoundError,
  type AdapterConnection,
  type AuditStore,
  type ConnectOptions,
  type LockHolderListener,
  type LockWait,
  type MigrationLock,
  type Session,
  type VersionStore,
} from '@cloudguard/migrate-core/adapter';
import type { Client } from 'pg';

import { openPgClient } from './postgres-client.js';
import { describeTarget, pgClientConfig } from './postgres-connection-config.js';
import { PostgresSessionLock } from './postgres-lock.js';
import type { ResolvedPostgresOptions } from './postgres-options.js';
import { sessionGuardStatement } from './postgres-session-guard.js';
import { NativeSession } from './postgres-session.js';
import type { PostgresLocation } from './postgres-url.js';
import { isTransientLockError } from './postgres-errors.js';
import { SERVER_VERSION_QUERY, serverVersionOf } from './postgres-server-version.js';
import { postgresStoreDialect } from './postgres-store-dialect.js';
import { LIST_SCHEMAS_QUERY, SCHEMA_EXISTS_QUERY } from './postgres-target-schema.js';

const READ_ONLY: ReadonlyMap<string, string> = new Map([['default_transaction_read_only', 'on']]);

/**
 * An `inspect` connection, for commands that only read the version table: one pg
 * `Client` (no MikroORM, no Kysely, no pool), started with
 * `default_transaction_read_only = on` so that nothing it runs can create or change
 * anything. The timeouts are set once, as startup options.
 */
export class PostgresInspectConnection implements AdapterConnection {
  readonly versionStore: VersionStore;
  readonly auditStore: AuditStore;
  readonly #client: Client;
  readonly #location: PostgresLocation;
  readonly #options: ConnectOptions;
  readonly #lock: PostgresSessionLock;
  #closed = false;
  #guarded = false;

  private constructor(client: Client, location: PostgresLocation, options: ConnectOptions) {
    this.#client = client;
    this.#location = location;
    this.#options = options;
    this.#lock = new PostgresSessionLock({ use: (work) => work(this.#client) }, options.versionTable);
    ({ versionStore: this.versionStore, auditStore: this.auditStore } = createSqlStores(postgresStoreDialect, options, (work) =>
      this.autocommit(work),
    ));
  }

  /**
   * Connects, and with a target schema (`options.schema`, already the session's
   * `search_path`) confirms that it exists: one more round trip, only then.
   *
   * @throws {TargetSchemaNotFoundError} when the target schema does not exist.
   * @throws {DatabaseError} when the server cannot be reached or refuses the connection.
   */
  static async open(
    location: PostgresLocation,
    options: ConnectOptions,
    settings: ResolvedPostgresOptions,
  ): Promise<PostgresInspectConnection> {
    const { default: pg } = await import('pg');
    const config = pgClientConfig(location, settings.schema, settings.timeouts, READ_ONLY);
    const client = await openPgClient(pg, config, location, options);
    if (options.schema !== undefined) await ensureSchema(client, options.schema, location, options);
    return new PostgresInspectConnection(client, location, options);
  }

  async transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    return nativeTransaction(this.#session(true), work);
  }

  async autocommit<T>(work: (session: Session) => Promise<T>): Promise<T> {
    return work(this.#session(false));
  }

  /**
   * The same advisory lock a `migrate` connection takes, on this connection's one
   * session (see {@link PostgresSessionLock}), which is first set up as a `migrate`
   * session is (see `sessionGuardStatement`).
   *
   * @throws {DatabaseError} when the connection is closed or the lock cannot be queried.
   */
  async acquireLock(wait: LockWait, onHeld?: LockHolderListener): Promise<MigrationLock> {
    this.#session(false);
    try {
      const guard = this.#guarded ? undefined : sessionGuardStatement(this.#location.settings);
      if (guard !== undefined) await this.#client.query(guard);
      this.#guarded = true;
      return await this.#lock.acquire(wait, onHeld);
    } catch (error) {
      if (isMigrateError(error)) throw error;
      throw redactedDatabaseError(`Taking the migration lock on ${describeTarget(this.#location)}`, error, this.#options.url, this.#location.password);
    }
  }

  /** PostgreSQL's `lock_not_available` (55P03, e.g. from `lock_timeout`) and `deadlock_detected` (40P01). */
  isTransientLockError(error: unknown): boolean {
    return isTransientLockError(error);
  }

  /**
   * The server's version, `major.minor` (`"15.4"`), for the safety lint's version-dependent rules.
   *
   * @throws {DatabaseError} when the connection is closed or the server cannot be asked.
   */
  async serverVersion(): Promise<string> {
    this.#session(false);
    try {
      const { rows } = await this.#client.query<{ server_version: string }>(SERVER_VERSION_QUERY);
      return serverVersionOf(rows[0]?.server_version ?? '');
    } catch (error) {
      throw redactedDatabaseError(`Reading the server version of ${describeTarget(this.#location)}`, error, this.#options.url, this.#location.password);
    }
  }

  /**
   * The schemas of this database that hold user objects, sorted (every schema but `pg_*`
   * and `information_schema`), for fleet sources such as `postgresql://db/app#tenant_*`.
   *
   * @throws {DatabaseError} when the connection is closed or the catalog cannot be read.
   */
  async listSchemas(): Promise<string[]> {
    this.#session(false);
    try {
      const { rows } = await this.#client.query<{ name: string }>(LIST_SCHEMAS_QUERY);
      return rows.map((row) => row.name);
    } catch (error) {
      throw redactedDatabaseError(`Listing the schemas of ${describeTarget(this.#location)}`, error, this.#options.url, this.#location.password);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.end().catch(() => {});
  }

  #session(inTransaction: boolean): NativeSession {
    if (this.#closed) throw closedConnectionError('PostgreSQL');
    return new NativeSession(this.#client, this.#options.onStatement, inTransaction);
  }
}

/**
 * Confirms that the target schema exists, closing `client` when it does not (or cannot be asked).
 *
 * @throws {TargetSchemaNotFoundError} when the database has no schema of that name.
 * @throws {DatabaseError} when the catalog cannot be read.
 */
async function ensureSchema(client: Client, schema: string, location: PostgresLocation, options: ConnectOptions): Promise<void> {
  let found: boolean;
  try {
    found = (await client.query(SCHEMA_EXISTS_QUERY, [schema])).rows.length > 0;
  } catch (error) {
    await client.end().catch(() => {});
    throw redactedDatabaseError(`Connecting to ${describeTarget(location)}`, error, options.url, location.password);
  }
  if (!found) {
    await client.end().catch(() => {});
    throw new TargetSchemaNotFoundError(schema, describeTarget(location));
  }
}
