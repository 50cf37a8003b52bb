import {
  closedConnectionError,
  closeOrm,
  kyselyTransaction,
  lazyOperationCompiler,
  ORM_WITHOUT_ENTITIES,
  registerMigrationOrm,
} from '@cloudguard/migrate-adapter-kit';
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
  type Row,
  type SchemaDiffer,
  type SchemaOperationCompiler,
  type Session,
  type VersionStore,
} from '@cloudguard/migrate-core/adapter';
import type { MikroORM, PostgreSqlConnection } from '@mikro-orm/postgresql';
import type { PostgresPool } from 'kysely';
import type { Client, Pool } from 'pg';

import { describeTarget, pgClientConfig } from './postgres-connection-config.js';
import { createMigrateDialect } from './postgres-dialect.js';
import { PostgresSessionLock, type LockSession } from './postgres-lock.js';
import type { ResolvedPostgresOptions } from './postgres-options.js';
import { sessionGuardStatement } from './postgres-session-guard.js';
import { KyselySession, setStatements, type TableReader } from './postgres-session.js';
import type { PostgresLocation } from './postgres-url.js';
import { isTransientLockError } from './postgres-errors.js';
import { SERVER_VERSION_QUERY, serverVersionOf } from './postgres-server-version.js';
import { postgresStoreDialect } from './postgres-store-dialect.js';
import { LIST_SCHEMAS_QUERY, SCHEMA_EXISTS_QUERY } from './postgres-target-schema.js';

interface Parts {
  readonly orm: MikroORM;
  readonly pool: Pool;
  /** The pool's client that Kysely holds (see {@link heldClient}). */
  readonly heldClient: () => Client;
}

/**
 * A `migrate` connection: MikroORM's PostgreSQL driver over a pg pool of one
 * connection (so that, as with Alembic's single connection, session state such as a
 * migration's own `SET` stays put between statements); transactions and `op.db` go
 * through the Kysely client of MikroORM's connection, `op.execute`/`op.query` to the
 * pg client it holds (see `KyselySession`). The migration lock is taken on that same
 * session (see `PostgresSessionLock`), which is set up so that the server does not end
 * it while the run is alive, and cancels a migration whose process died (see
 * `sessionGuardStatement`). MikroORM, Kysely and pg load here, when a command needs to
 * migrate.
 */
export class PostgresMigrateConnection implements AdapterConnection {
  readonly versionStore: VersionStore;
  readonly auditStore: AuditStore;
  /**
   * Compares entities with this database (MikroORM's comparator, loaded at the first
   * comparison); snapshots its schema for `verify`, by the catalogs first and by MikroORM's
   * introspection when two catalog snapshots differ.
   */
  readonly schemaDiffer: SchemaDiffer;
  /** Compiles `op.createTable` and the rest through MikroORM's PostgreSQL schema helper (loaded at the first operation). */
  readonly operationCompiler: SchemaOperationCompiler;
  readonly #location: PostgresLocation;
  readonly #options: ConnectOptions;
  readonly #settings: ResolvedPostgresOptions;
  readonly #orm: MikroORM;
  readonly #heldClient: () => Client;
  readonly #lock: PostgresSessionLock;
  #closed = false;

  private constructor(location: PostgresLocation, options: ConnectOptions, settings: ResolvedPostgresOptions, parts: Parts) {
    this.#location = location;
    this.#options = options;
    this.#settings = settings;
    this.#orm = parts.orm;
    this.#heldClient = parts.heldClient;
    this.#lock = new PostgresSessionLock(poolSession(parts.pool, () => this.#connection()), options.versionTable);
    ({ versionStore: this.versionStore, auditStore: this.auditStore } = createSqlStores(postgresStoreDialect, options, (work) =>
      this.autocommit(work),
    ));
    this.schemaDiffer = {
      compare: async (request) => {
        this.#connection();
        const { comparePostgresSchema } = await import('./postgres-autogenerate.js');
        return comparePostgresSchema(this.#orm, this.#orm.config.get('dbName'), request);
      },
      snapshot: async (include) => (await import('./postgres-snapshot.js')).snapshotPostgresSchema(this.#connection(), include),
      compareSnapshots: async (before, after) =>
        (await import('./postgres-introspection.js')).comparePostgresSnapshots(this.#orm.driver.getPlatform(), before, after),
      introspect: async (include) => {
        this.#connection();
        return (await import('./postgres-introspection.js')).introspectPostgresSchema(this.#orm, include);
      },
    };
    this.operationCompiler = lazyOperationCompiler(async () =>
      (await import('./postgres-operations.js')).postgresOperationCompiler(this.#orm.driver.getPlatform()),
    );
  }

  /** Reads a table's definition through MikroORM's introspection, on the session's client. */
  readonly #describeTable: TableReader = async (query, table) =>
    (await import('./postgres-operations.js')).describePostgresTable(this.#orm.driver.getPlatform(), async (sql, params) => (await query(sql, params)) as Row[], table);

  /**
   * Starts MikroORM on a pool of our own and connects once, so that a wrong URL or an
   * unreachable server fails here rather than at the first migration. With a target
   * schema (`options.schema`, already the pool's `search_path`), that same first query
   * confirms the schema exists.
   *
   * @throws {TargetSchemaNotFoundError} when the target schema does not exist.
   * @throws {DatabaseError} when the server cannot be reached or refuses the connection.
   */
  static async open(
    location: PostgresLocation,
    options: ConnectOptions,
    settings: ResolvedPostgresOptions,
  ): Promise<PostgresMigrateConnection> {
    const [{ default: pg }, kysely, { MikroORM }] = await Promise.all([
      import('pg'),
      import('kysely'),
      import('@mikro-orm/postgresql'),
    ]);
    const pool = new pg.Pool({ ...pgClientConfig(location, settings.schema), max: 1, idleTimeoutMillis: 0 });
    // A connection the server drops emits 'error', which crashes the process when nobody listens:
    // pg-pool re-emits it on the pool for an idle client, and leaves a checked-out client's to its
    // holder (MikroORM listens on both, but only on a pool it built). The query in flight fails anyway.
    pool.on('error', () => {});
    const heldClient = trackHeldClient(pool);
    const guard = sessionGuardStatement(location.settings);
    pool.on('connect', (client: Client) => {
      client.on('error', () => {});
      // Queued before any statement of ours. A failure is left to the statements that follow.
      if (guard !== undefined) client.query(guard).catch(() => {});
    });
    try {
      // The constructor rather than `MikroORM.init()`: with no entities it loses nothing, and it
      // skips init's probing for optional packages (@mikro-orm/migrations, seeder, entity
      // generator), which would load them when a project has them installed.
      const orm = new MikroORM({
        dbName: location.database ?? location.user ?? 'postgres',
        // A ready dialect: MikroORM then builds no pool of its own (nor reads the URL) and uses ours.
        // (The cast: Kysely's `PostgresPool` narrows pg's `command: string` to the commands it reads.)
        driverOptions: createMigrateDialect(kysely, pool as unknown as PostgresPool, options.onStatement),
        ...ORM_WITHOUT_ENTITIES,
      });
      await orm.connect();
      // MikroORM migration classes run on this instance: its connection is what sessions hand out as op.connection.
      // The entities are discovered on it only when a class first asks for its EntityManager.
      registerMigrationOrm(orm, options.entities);
      // The round trip that proves the connection also looks for a target schema, before anything can run in it.
      const probe =
        options.schema === undefined ? kysely.CompiledQuery.raw('SELECT 1') : kysely.CompiledQuery.raw(SCHEMA_EXISTS_QUERY, [options.schema]);
      const { rows } = await orm.driver.getConnection().getClient().executeQuery(probe);
      if (options.schema !== undefined && rows.length === 0) throw new TargetSchemaNotFoundError(options.schema, describeTarget(location));
      return new PostgresMigrateConnection(location, options, settings, { orm, pool, heldClient });
    } catch (error) {
      await pool.end().catch(() => {});
      if (isMigrateError(error)) throw error;
      throw redactedDatabaseError(`Connecting to ${describeTarget(location)}`, error, options.url, location.password);
    }
  }

  /**
   * Runs `work` in one transaction, starting with `SET LOCAL` for the configured
   * timeouts. A statement that fails inside `work` propagates unchanged, with its SQL
   * in `(error as { sql?: string }).sql`; PostgreSQL rolls back the DDL with the rest.
   *
   * The transaction is Kysely's callback form on MikroORM's client (see the kit's
   * `kyselyTransaction`): with a pool of one, a `BEGIN` that fails (say, on a connection
   * the server has just closed) must release the connection, and pg-pool discards a
   * broken client on release.
   *
   * @throws {DatabaseError} when the transaction cannot begin.
   * @throws {LockLostError} when `work` fails while this connection holds the migration
   *   lock and the lock's session has ended or dropped it (see `PostgresSessionLock.explainFailure`):
   *   the failure is then the loss, and another runner may hold the lock now.
   */
  async transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const connection = this.#connection();
    return kyselyTransaction(
      connection.getClient(),
      (trx) => new KyselySession(trx, connection, this.#heldClient(), this.#options.onStatement, true, this.#describeTable),
      work,
      {
        begin: async (session) => {
          for (const sql of setStatements(this.#settings.timeouts, true)) await session.execute(sql);
        },
        // A transaction that failed because the lock's session ended is a lost lock, not a failed migration.
        explainAfter: (error) => this.#lock.explainFailure(error),
      },
    );
  }

  /**
   * Runs `work` outside any transaction, each statement committing on its own, on one
   * connection held for the whole call: the timeouts are `SET` first and `RESET` last.
   * Statement errors propagate as in {@link transaction}.
   */
  async autocommit<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const connection = this.#connection();
    return connection
      .getClient()
      .connection()
      .execute(async (db) => {
        const session = new KyselySession(db, connection, this.#heldClient(), this.#options.onStatement, false, this.#describeTable);
        for (const sql of setStatements(this.#settings.timeouts, false)) await session.execute(sql);
        try {
          return await work(session);
        } finally {
          for (const name of this.#settings.timeouts.keys()) await session.execute(`RESET ${name}`);
        }
      });
  }

  /**
   * Takes the advisory lock on this connection's one session, the one every migration
   * runs on (see {@link PostgresSessionLock}).
   *
   * @throws {DatabaseError} when the connection is closed or the lock cannot be queried.
   */
  async acquireLock(wait: LockWait, onHeld?: LockHolderListener): Promise<MigrationLock> {
    this.#connection();
    try {
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
   * Cancels the statement the migrations' session runs, if any: `pg_cancel_backend` of that
   * backend, sent from a short-lived connection of its own (the session itself is busy).
   * Best effort: a failure to connect or cancel leaves the rollback to wait for the statement.
   */
  async cancelStatement(): Promise<void> {
    let pid: number | null;
    try {
      pid = this.#heldClient().processID;
    } catch {
      return;
    }
    if (pid === null) return;
    const { default: pg } = await import('pg');
    const client = new pg.Client(pgClientConfig(this.#location, this.#settings.schema));
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // the server is gone or refuses: the rollback waits for the statement, as without this
    } finally {
      await client.end().catch(() => {});
    }
  }

  /**
   * The server's version, `major.minor` (`"15.4"`), for the safety lint's version-dependent rules.
   *
   * @throws {DatabaseError} when the connection is closed or the server cannot be asked.
   */
  async serverVersion(): Promise<string> {
    const connection = this.#connection();
    try {
      const row = await connection.execute<{ server_version: string }>(SERVER_VERSION_QUERY, [], 'get');
      return serverVersionOf(row.server_version);
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
    const connection = this.#connection();
    try {
      const rows = await connection.execute<{ name: string }[]>(LIST_SCHEMAS_QUERY, [], 'all');
      return rows.map((row) => row.name);
    } catch (error) {
      throw redactedDatabaseError(`Listing the schemas of ${describeTarget(this.#location)}`, error, this.#options.url, this.#location.password);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeOrm(this.#orm, 'PostgreSQL');
  }

  #connection(): PostgreSqlConnection {
    if (this.#closed) throw closedConnectionError('PostgreSQL');
    return this.#orm.driver.getConnection() as PostgreSqlConnection;
  }
}

/**
 * The pool's one session, for the migration lock: `use` checks its client out for the
 * call (nothing else holds it while the lock is taken or released).
 */
function poolSession(pool: Pool, ensureOpen: () => void): LockSession {
  return {
    async use(work) {
      ensureOpen();
      const client = await pool.connect();
      try {
        return await work(client);
      } finally {
        client.release();
      }
    },
  };
}

/**
 * Follows which pg client of `pool` is checked out: with a pool of one, the one Kysely
 * holds for the transaction or pinned connection being run, so that a session can send
 * its statements to it directly.
 *
 * @returns the held client; it throws when Kysely holds none.
 */
function trackHeldClient(pool: Pool): () => Client {
  let held: Client | undefined;
  pool.on('acquire', (client: Client) => {
    held = client;
  });
  pool.on('release', () => {
    held = undefined;
  });
  return () => {
    if (held === undefined) throw new Error('No pg client is checked out of the pool');
    return held;
  };
}
