import {
  closedConnectionError,
  closeOrm,
  kyselyTransaction,
  lazyOperationCompiler,
  ORM_WITHOUT_ENTITIES,
  type AnyKysely,
  type StatementRunner,
} from '@cloudguard/migrate-adapter-kit';
import {
  auditTableFor,
  redactedDatabaseError,
  SqlAuditStore,
  storeReader,
  type AdapterConnection,
  type ConnectOptions,
  type LockHolderListener,
  type LockWait,
  type MigrationLock,
  type QualifiedName,
  type Row,
  type SchemaDiffer,
  type SchemaOperationCompiler,
  type Session,
  type TableDescription,
} from '@cloudguard/migrate-core/adapter';
import { MikroORM } from '@mikro-orm/mariadb';
import { CompiledQuery } from 'kysely';

import { isTransientLockError } from './mariadb-errors.js';
import { acquireMariaDbLock, lockName, type LockSession } from './mariadb-lock.js';
import { committedBeforeFailure, MariaDbPartialCommitError } from './mariadb-partial-failure.js';
import { MariaDbSession } from './mariadb-session.js';
import { mariadbStoreDialect, MariaDbVersionStore } from './mariadb-store-dialect.js';
import { describeLocation, type MariaDbLocation } from './mariadb-url.js';

/**
 * Starts MikroORM's MariaDB driver on a pool of one connection (so that session state
 * a migration sets stays put between its statements, as on Alembic's single
 * connection) and checks that the server answers.
 *
 * @throws {DatabaseError} when the server cannot be reached or refuses the connection.
 */
async function startOrm(location: MariaDbLocation, url: string, purpose: string): Promise<MikroORM> {
  const orm = new MikroORM({
    dbName: location.database,
    host: location.host,
    port: location.port,
    user: location.user,
    ...(location.password === undefined ? {} : { password: location.password }),
    ...(location.socketPath === undefined ? {} : { driverOptions: { socketPath: location.socketPath } }),
    pool: { min: 0, max: 1 },
    ...ORM_WITHOUT_ENTITIES,
  });
  try {
    await orm.connect();
    await orm.driver.getConnection().getClient().executeQuery(CompiledQuery.raw('SELECT 1'));
    return orm;
  } catch (error) {
    await orm.close(true).catch(() => {});
    throw redactedDatabaseError(`${purpose} ${describeLocation(location)}`, error, url, location.password);
  }
}

/**
 * A connection of the MariaDB adapter, for `migrate` and `inspect` alike: MikroORM's
 * MariaDB driver (mysql2 under Kysely) on one pooled connection. Statements and
 * transactions go through the Kysely client of MikroORM's connection; the migration
 * lock lives on a connection of its own.
 */
export class MariaDbConnection implements AdapterConnection {
  readonly versionStore: MariaDbVersionStore;
  readonly auditStore: SqlAuditStore;
  /** Compiles `op.createTable` and the rest through MikroORM's MariaDB schema helper (loaded at the first operation). */
  readonly operationCompiler: SchemaOperationCompiler;
  /**
   * Compares entity definitions with the database (`check`, `revision --autogenerate`)
   * through MikroORM's MariaDB introspection, on a session of this connection (loaded
   * at the first comparison).
   */
  readonly schemaDiffer: SchemaDiffer;
  readonly #location: MariaDbLocation;
  readonly #options: ConnectOptions;
  readonly #orm: MikroORM;
  #closed = false;

  private constructor(location: MariaDbLocation, options: ConnectOptions, orm: MikroORM) {
    this.#location = location;
    this.#options = options;
    this.#orm = orm;
    const outside = storeReader((work) => this.autocommit(work));
    this.versionStore = new MariaDbVersionStore(mariadbStoreDialect, options.versionTable, outside);
    this.auditStore = new SqlAuditStore(mariadbStoreDialect, auditTableFor(options), outside);
    this.operationCompiler = lazyOperationCompiler(async () =>
      (await import('./mariadb-operations.js')).mariadbOperationCompiler(this.#orm.driver.getPlatform()),
    );
    this.schemaDiffer = {
      compare: async (request) => {
        this.#client();
        const { compareMariaDbSchema } = await import('./mariadb-autogenerate.js');
        return this.autocommit((session) => compareMariaDbSchema((sql, params) => session.query(sql, params), this.#location.database, request));
      },
    };
  }

  /** Reads a table's definition through MikroORM's introspection, with the session's own query. */
  readonly #describeTable = async (query: StatementRunner['query'], table: QualifiedName): Promise<TableDescription | undefined> =>
    (await import('./mariadb-operations.js')).describeMariaDbTable(this.#orm.driver.getPlatform(), async (sql, params) => (await query(sql, params)) as Row[], table);

  /** @throws {DatabaseError} when the server cannot be reached or refuses the connection. */
  static async open(location: MariaDbLocation, options: ConnectOptions): Promise<MariaDbConnection> {
    return new MariaDbConnection(location, options, await startOrm(location, options.url, 'Connecting to'));
  }

  /**
   * Runs `work` in one transaction. MariaDB commits by itself before and after each DDL
   * statement (it has no transactional DDL), and runs what follows in autocommit; so a
   * failure after a migration's DDL cannot be rolled back completely. Such a failure is
   * reported as a {@link MariaDbPartialCommitError} that says what was committed and
   * how to recover; any other failure propagates unchanged, after a full rollback.
   *
   * @throws {DatabaseError} when the transaction cannot begin.
   */
  async transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    return kyselyTransaction(this.#client(), (trx) => this.#session(trx, true), work, {
      explainInside: (error, session) => this.#explainPartialCommit(session, error),
    });
  }

  /** Runs `work` on one connection outside any transaction; each statement commits on its own. */
  async autocommit<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const client = this.#client();
    return client.connection().execute((db) => work(this.#session(db, false)));
  }

  /** Takes the `GET_LOCK` lock on a connection of its own, kept from `wait_timeout` and checked by `verify` (see {@link acquireMariaDbLock}). */
  async acquireLock(wait: LockWait, onHeld?: LockHolderListener): Promise<MigrationLock> {
    this.#client();
    const holder = await this.#openLockSession();
    const database = this.#options.versionTable.schema ?? this.#location.database;
    return acquireMariaDbLock(holder, lockName(database, this.#options.versionTable.name), wait, onHeld);
  }

  /** `ER_LOCK_WAIT_TIMEOUT` (1205) and `ER_LOCK_DEADLOCK` (1213). */
  isTransientLockError(error: unknown): boolean {
    return isTransientLockError(error);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeOrm(this.#orm, 'MariaDB');
  }

  #client(): AnyKysely {
    if (this.#closed) throw closedConnectionError('MariaDB');
    return this.#orm.driver.getConnection().getClient();
  }

  #session(db: AnyKysely, inTransaction: boolean): MariaDbSession {
    return new MariaDbSession(db, this.#orm.driver.getConnection(), this.#options.onStatement, inTransaction, this.#describeTable);
  }

  async #explainPartialCommit(session: MariaDbSession, error: unknown): Promise<unknown> {
    let committed: readonly string[] | undefined;
    try {
      committed = await committedBeforeFailure(session, error);
    } catch {
      return error; // the connection is gone: nothing more can be learned
    }
    if (committed === undefined) return error;
    const versions = await this.versionStore.read(session).catch(() => [] as string[]);
    const table = this.#options.versionTable;
    return new MariaDbPartialCommitError(error, committed, versions, table.schema ? `${table.schema}.${table.name}` : table.name);
  }

  /**
   * A second MikroORM on one connection, pinned for the lock's lifetime: the lock
   * belongs to that server connection, and ending it frees the lock.
   */
  async #openLockSession(): Promise<LockSession> {
    const orm = await startOrm(this.#location, this.#options.url, 'Opening the migration lock connection to');
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let pinned: Promise<void> | undefined;
    try {
      const session = await new Promise<MariaDbSession>((resolve, reject) => {
        pinned = orm.driver
          .getConnection()
          .getClient()
          .connection()
          .execute(async (db) => {
            resolve(new MariaDbSession(db, orm.driver.getConnection(), this.#options.onStatement, false));
            await finished;
          })
          .catch(reject);
      });
      return {
        session,
        end: async () => {
          finish();
          await pinned?.catch(() => {});
          await orm.close(true);
        },
      };
    } catch (error) {
      finish();
      await orm.close(true).catch(() => {});
      throw redactedDatabaseError('Opening the migration lock connection', error, this.#options.url, this.#location.password);
    }
  }
}
