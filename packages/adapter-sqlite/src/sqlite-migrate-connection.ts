import {
  closedConnectionError,
  closeOrm,
  kyselyTransaction,
  lazyOperationCompiler,
  ORM_WITHOUT_ENTITIES,
  registerMigrationOrm,
} from '@cloudguard/migrate-adapter-kit';
import {
  DatabaseError,
  createSqlStores,
  type AdapterConnection,
  type AuditStore,
  type ConnectOptions,
  type LockHolderListener,
  type LockWait,
  type MigrationLock,
  type QualifiedName,
  type SchemaDiffer,
  type SchemaOperationCompiler,
  type Session,
  type TableDescription,
  type VersionStore,
} from '@cloudguard/migrate-core/adapter';
import type { MikroORM, SqliteConnection } from '@mikro-orm/sqlite';
import type BetterSqlite3 from 'better-sqlite3';

import { acquireLockOnDisk, SqliteDatabaseFile } from './sqlite-database-file.js';
import { createMigrateDialect, type KyselyModule } from './sqlite-dialect.js';
import { NO_LOCK, removeStaleHolderNote, type DatabaseConstructor } from './sqlite-lock.js';
import type { ResolvedSqliteOptions } from './sqlite-options.js';
import { kyselySession, runStatement, sqliteVersion } from './sqlite-session.js';
import { isTransientLockError, sqliteStoreDialect } from './sqlite-store-dialect.js';
import type { SqliteLocation } from './sqlite-url.js';

/**
 * A `migrate` connection: MikroORM's SQLite driver over one better-sqlite3 database;
 * statements and transactions go through the Kysely client of MikroORM's connection.
 * MikroORM, Kysely and better-sqlite3 load here, when a command needs to migrate.
 */
export class SqliteMigrateConnection implements AdapterConnection {
  readonly versionStore: VersionStore;
  readonly auditStore: AuditStore;
  /** Compares entities with this database (MikroORM's comparator, loaded at the first comparison). */
  readonly schemaDiffer: SchemaDiffer;
  /** Compiles `op.createTable` and the rest through MikroORM's SQLite schema helper (loaded at the first operation). */
  readonly operationCompiler: SchemaOperationCompiler;
  readonly #location: SqliteLocation;
  readonly #orm: MikroORM;
  readonly #database: BetterSqlite3.Database;
  readonly #Database: DatabaseConstructor;
  readonly #kysely: KyselyModule;
  readonly #foreignKeys: boolean;
  readonly #onStatement: ((sql: string) => void) | undefined;
  /** The database file and whether this connection created it; `undefined` in memory. */
  readonly #file: SqliteDatabaseFile | undefined;
  #closed = false;

  private constructor(
    location: SqliteLocation,
    options: ConnectOptions,
    parts: { orm: MikroORM; database: BetterSqlite3.Database; Database: DatabaseConstructor; kysely: KyselyModule },
    foreignKeys: boolean,
    file: SqliteDatabaseFile | undefined,
  ) {
    this.#file = file;
    this.#foreignKeys = foreignKeys;
    this.#location = location;
    this.#orm = parts.orm;
    this.#database = parts.database;
    this.#Database = parts.Database;
    this.#kysely = parts.kysely;
    this.#onStatement = options.onStatement;
    ({ versionStore: this.versionStore, auditStore: this.auditStore } = createSqlStores(sqliteStoreDialect, options, (work) =>
      this.autocommit(work),
    ));
    const dbName = location.kind === 'memory' ? ':memory:' : location.path;
    this.schemaDiffer = {
      compare: async (request) => {
        this.#connection();
        const { compareSqliteSchema } = await import('./sqlite-autogenerate.js');
        return compareSqliteSchema(this.#database, dbName, request);
      },
      snapshot: async (include) => {
        this.#connection();
        return (await import('./sqlite-snapshot.js')).snapshotSqliteSchema(this.#database, include);
      },
      compareSnapshots: async (before, after) => {
        const { compareSqliteSnapshots } = await import('./sqlite-snapshot.js');
        return compareSqliteSnapshots(this.#Database, this.#orm.driver.getPlatform(), this.#orm.config, before, after);
      },
    };
    this.operationCompiler = lazyOperationCompiler(async () =>
      (await import('./sqlite-operations.js')).sqliteOperationCompiler(this.#orm.driver.getPlatform()),
    );
  }

  /**
   * Reads a table's definition through MikroORM's introspection, straight on the
   * database (in the session's transaction: there is one connection); its queries are
   * not reported as statements of the migration.
   */
  readonly #describeTable = async (table: QualifiedName): Promise<TableDescription | undefined> => {
    const { describeSqliteTable } = await import('./sqlite-operations.js');
    const query = async (sql: string, params: readonly unknown[]) => runStatement(this.#database, undefined, sql, params) as Record<string, unknown>[];
    return describeSqliteTable(this.#orm.driver.getPlatform(), query)(table);
  };

  /**
   * Opens the database file (creating it, but not its directory, as SQLAlchemy does)
   * and starts MikroORM on it. A file created here is removed again when the connection
   * closes with nothing committed to it (see {@link SqliteDatabaseFile}).
   *
   * @throws {DatabaseError} when the file cannot be opened or MikroORM cannot start.
   */
  static async open(
    location: SqliteLocation,
    options: ConnectOptions,
    settings: ResolvedSqliteOptions,
  ): Promise<SqliteMigrateConnection> {
    const [{ default: Database }, kysely, { MikroORM }] = await Promise.all([
      import('better-sqlite3'),
      import('kysely'),
      import('@mikro-orm/sqlite'),
    ]);
    const filename = location.kind === 'memory' ? ':memory:' : location.path;
    const file = location.kind === 'file' ? SqliteDatabaseFile.prepare(location.path) : undefined;
    const removeIfCreated = async () => file?.removeIfNothingCommitted(Database);

    let database: BetterSqlite3.Database;
    try {
      database = new Database(filename, { timeout: settings.busyTimeoutMs });
    } catch (error) {
      await removeIfCreated();
      throw new DatabaseError(`Opening SQLite database ${filename}`, { cause: error });
    }

    try {
      // The constructor rather than `MikroORM.init()`: with no entities it loses nothing, and it
      // skips init's probing for optional packages (@mikro-orm/migrations, seeder, entity
      // generator), which would load them when a project has them installed (~10 ms cold).
      const orm = new MikroORM({
        dbName: filename,
        // A ready dialect: MikroORM then skips its own better-sqlite3 setup and uses ours.
        driverOptions: createMigrateDialect(kysely, database, options.onStatement),
        ...ORM_WITHOUT_ENTITIES,
      });
      await orm.connect();
      // MikroORM migration classes run on this instance: its connection is what sessions hand out as op.connection.
      // The entities are discovered on it only when a class first asks for its EntityManager.
      registerMigrationOrm(orm, options.entities);
      // MikroORM turns foreign keys on as it connects; SQLAlchemy (so Alembic) leaves them off,
      // and the pragma cannot change inside the transaction a migration runs in.
      if (!settings.foreignKeys) {
        await orm.driver.getConnection().getClient().executeQuery(kysely.CompiledQuery.raw('PRAGMA foreign_keys = OFF'));
      }
      return new SqliteMigrateConnection(location, options, { orm, database, Database, kysely }, settings.foreignKeys, file);
    } catch (error) {
      if (database.open) database.close();
      await removeIfCreated();
      throw new DatabaseError(`Connecting to SQLite database ${filename}`, { cause: error });
    }
  }

  /**
   * Runs `work` in one `BEGIN IMMEDIATE` transaction. A statement that fails inside
   * `work` propagates unchanged, with its SQL in `(error as { sql?: string }).sql`.
   *
   * The transaction is Kysely's callback form on MikroORM's client (see the kit's
   * `kyselyTransaction`): SQLite has one connection behind a mutex, and a `BEGIN
   * IMMEDIATE` that times out on a busy database must release it.
   *
   * With the `foreignKeys` option on, the transaction follows SQLite's procedure for
   * schema changes (https://www.sqlite.org/lang_altertable.html#otheralter): enforcement
   * is turned off before `BEGIN` (the pragma is ignored inside a transaction, and a
   * table rebuild's `DROP TABLE` would otherwise fire `ON DELETE` actions on the rows
   * that point at it), `PRAGMA foreign_key_check` must find nothing before `COMMIT`, and
   * enforcement is on again afterwards.
   *
   * @throws {DatabaseError} when the transaction cannot begin (e.g. another writer
   *   holds the database past the busy timeout).
   * @throws {Error} with `foreignKeys` on, when rows point at missing parents at its end (it is rolled back).
   */
  async transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const connection = this.#connection();
    this.#file?.assertOnDisk();
    if (this.#foreignKeys) await this.#setForeignKeys(false);
    try {
      return await kyselyTransaction(
        connection.getClient(),
        (trx) => kyselySession(trx, connection, this.#database, this.#onStatement, true, this.#describeTable),
        work,
        { beforeCommit: this.#foreignKeys ? assertForeignKeys : undefined },
      );
    } finally {
      if (this.#foreignKeys) await this.#setForeignKeys(true);
    }
  }

  async #setForeignKeys(on: boolean): Promise<void> {
    const raw = this.#kysely.CompiledQuery.raw(`PRAGMA foreign_keys = ${on ? 'ON' : 'OFF'}`);
    await this.#connection().getClient().executeQuery(raw);
  }

  /** Runs `work` with each statement committing on its own; statement errors propagate as in {@link transaction}. */
  async autocommit<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const connection = this.#connection();
    this.#file?.assertOnDisk();
    return work(kyselySession(connection.getClient(), connection, this.#database, this.#onStatement, false, this.#describeTable));
  }

  /**
   * Takes the lock file next to the database (see {@link acquireSqliteLock}); an
   * in-memory database needs none.
   *
   * @throws {LockUnavailableError} when this user cannot write the lock file, or it is not an SQLite database.
   */
  async acquireLock(wait: LockWait, onHeld?: LockHolderListener): Promise<MigrationLock> {
    this.#connection();
    if (this.#location.kind === 'memory') return NO_LOCK;
    // On the lock file that is on disk: a failed run that created the database removes it (see close()).
    return acquireLockOnDisk(this.#Database, this.#location.path, wait, onHeld);
  }

  /** `SQLITE_BUSY` and `SQLITE_LOCKED`: another connection held the database past the busy timeout. */
  isTransientLockError(error: unknown): boolean {
    return isTransientLockError(error);
  }

  /** SQLite's library version (`select sqlite_version()`), read straight on the database: not a statement of a migration. */
  async serverVersion(): Promise<string> {
    this.#connection();
    return sqliteVersion(this.#database);
  }

  /**
   * Closes the database; one this connection created is removed when nothing was
   * committed to it, and a holder's note that a killed run left beside it is removed
   * (see {@link removeStaleHolderNote}).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await closeOrm(this.#orm, 'SQLite');
    } finally {
      if (this.#database.open) this.#database.close();
      await this.#file?.removeIfNothingCommitted(this.#Database);
      if (this.#location.kind === 'file') await removeStaleHolderNote(this.#Database, this.#location.path);
    }
  }

  #connection(): SqliteConnection {
    if (this.#closed) throw closedConnectionError('SQLite');
    return this.#orm.driver.getConnection();
  }
}

/** SQLite's step 10 of a schema change: no row may point at a missing parent when the transaction commits. */
async function assertForeignKeys(session: Session): Promise<void> {
  const orphans = await session.query<{ table: string; parent: string; rows: number }>(
    'SELECT "table", "parent", count(*) AS "rows" FROM pragma_foreign_key_check GROUP BY "table", "parent"',
  );
  if (orphans.length === 0) return;
  const list = orphans.map((row) => `${row.rows} in '${row.table}' (parent '${row.parent}')`).join(', ');
  // A plain error: the runner names the migration it failed in.
  throw new Error(
    `PRAGMA foreign_key_check before commit: rows point at missing parent rows: ${list}. ` +
      'The transaction was rolled back; find the rows with PRAGMA foreign_key_check and fix them.',
  );
}
