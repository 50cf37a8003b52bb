import {
  auditTableFor,
  type AdapterConnection,
  type AuditEntry,
  type AuditStore,
  type DialectAdapter,
  type LockWait,
  type MigrationLock,
  type Session,
  type VersionStore,
  type VersionTableLocation,
} from '../adapter/dialect-adapter.js';
import { DatabaseError, LockTimeoutError, VersionTableConflictError } from '../errors.js';
import type { Row } from '../migration.js';

/** The state of one in-memory database: the statements it ran and its version rows. */
export interface MemoryDatabase {
  /** Statements committed, in order. */
  readonly statements: string[];
  /** The version table's rows, or `undefined` when the table does not exist. */
  versions: string[] | undefined;
  /** Rows inserted with `bulkInsert`, by table. */
  readonly tables: Map<string, Row[]>;
  /** Whether a lock is held. */
  locked: boolean;
  /** The audit table's rows, oldest first, or `undefined` when the table does not exist. */
  audit: AuditEntry[] | undefined;
}

/** Options of {@link createMemoryAdapter}. */
export interface MemoryAdapterOptions {
  /** Statements matching this fail when executed, as a database would reject them. */
  readonly failOn?: RegExp | undefined;
  /** Dialect name. Default `memory`. */
  readonly name?: string | undefined;
  /**
   * Statements matching `on` fail as if they lost a lock wait (a transient lock error,
   * see {@link AdapterConnection.isTransientLockError}) the first `times` times they run.
   */
  readonly lockFailures?: { readonly on: RegExp; times: number } | undefined;
}

/**
 * An adapter whose database lives in memory: statements are recorded, transactions
 * are real (a rollback discards what the transaction did), the version table keeps
 * Alembic's rules. The twin of a real adapter for unit tests of core and of tools
 * built on it; the database is shared by every connection to the same URL.
 *
 * ### Examples
 * ```ts
 * const adapter = createMemoryAdapter();
 * const env = createEnvironment(config, { adapters: new AdapterRegistry().add(adapter) });
 * ```
 */
export function createMemoryAdapter(options: MemoryAdapterOptions = {}): DialectAdapter & {
  /** The database behind a URL, created on first use. */
  database(url: string): MemoryDatabase;
} {
  const databases = new Map<string, MemoryDatabase>();
  const database = (url: string): MemoryDatabase => {
    let db = databases.get(url);
    if (!db) {
      db = { statements: [], versions: undefined, tables: new Map(), locked: false, audit: undefined };
      databases.set(url, db);
    }
    return db;
  };
  return {
    apiVersion: 1,
    name: options.name ?? 'memory',
    schemes: ['memory'],
    capabilities: { transactionalDdl: true, inProcess: true },
    database,
    async connect(connectOptions) {
      return new MemoryConnection(database(connectOptions.url), connectOptions.versionTable, auditTableFor(connectOptions), options);
    },
  };
}

interface Snapshot {
  statements: number;
  versions: string[] | undefined;
  tables: Map<string, Row[]>;
  audit: AuditEntry[] | undefined;
}

const TRANSIENT_LOCK = Symbol('memory adapter: lost a lock wait');

class MemoryConnection implements AdapterConnection {
  readonly versionStore: VersionStore;
  readonly auditStore: AuditStore;
  readonly #db: MemoryDatabase;
  readonly #options: MemoryAdapterOptions;
  #ownsLock = false;
  #closed = false;

  constructor(db: MemoryDatabase, table: VersionTableLocation, auditTable: VersionTableLocation, options: MemoryAdapterOptions) {
    this.#db = db;
    this.#options = options;
    this.versionStore = new MemoryVersionStore(db, table);
    this.auditStore = new MemoryAuditStore(db, auditTable);
  }

  isTransientLockError(error: unknown): boolean {
    return typeof error === 'object' && error !== null && TRANSIENT_LOCK in error;
  }

  async transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    this.#assertOpen('transaction');
    const snapshot: Snapshot = {
      statements: this.#db.statements.length,
      versions: this.#db.versions && [...this.#db.versions],
      tables: new Map([...this.#db.tables].map(([name, rows]) => [name, [...rows]])),
      audit: this.#db.audit && [...this.#db.audit],
    };
    try {
      return await work(this.#session());
    } catch (error) {
      this.#db.statements.length = snapshot.statements;
      this.#db.versions = snapshot.versions;
      this.#db.audit = snapshot.audit;
      this.#db.tables.clear();
      for (const [name, rows] of snapshot.tables) this.#db.tables.set(name, rows);
      throw error;
    }
  }

  async autocommit<T>(work: (session: Session) => Promise<T>): Promise<T> {
    this.#assertOpen('autocommit');
    return work(this.#session());
  }

  async acquireLock(wait: LockWait): Promise<MigrationLock> {
    this.#assertOpen('acquireLock');
    const started = Date.now();
    while (this.#db.locked && !this.#ownsLock) {
      const waited = Date.now() - started;
      if (wait.mode === 'fail' || waited >= wait.timeoutMs) {
        throw new LockTimeoutError(wait.mode === 'fail' ? 0 : wait.timeoutMs, 'another in-memory connection');
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(10, wait.timeoutMs - waited)));
    }
    this.#db.locked = true;
    this.#ownsLock = true;
    return {
      release: async () => {
        if (this.#ownsLock) {
          this.#ownsLock = false;
          this.#db.locked = false;
        }
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new DatabaseError(`${operation} on the memory database`, { cause: new Error('the connection is closed') });
  }

  #session(): Session {
    const db = this.#db;
    const { failOn, lockFailures } = this.#options;
    return {
      async execute(sql) {
        if (failOn?.test(sql)) throw Object.assign(new Error(`statement rejected: ${sql}`), { sql });
        if (lockFailures && lockFailures.times > 0 && lockFailures.on.test(sql)) {
          lockFailures.times--;
          throw Object.assign(new Error(`canceling statement due to lock timeout: ${sql}`), { sql, [TRANSIENT_LOCK]: true });
        }
        db.statements.push(sql);
      },
      async query() {
        return [];
      },
      async bulkInsert(table, rows) {
        db.tables.set(table, [...(db.tables.get(table) ?? []), ...rows]);
      },
      db: undefined,
      connection: db,
    };
  }
}

/**
 * An in-memory {@link VersionStore} with the same rules as the real ones: one row per
 * head, conflicts on a missing row.
 */
export class MemoryVersionStore implements VersionStore {
  readonly #db: MemoryDatabase;
  constructor(
    db: MemoryDatabase,
    readonly table: VersionTableLocation,
  ) {
    this.#db = db;
  }

  async ensure(): Promise<void> {
    this.#db.versions ??= [];
  }

  async read(): Promise<string[]> {
    return [...(this.#db.versions ?? [])];
  }

  async insert(_session: Session, version: string): Promise<void> {
    const rows = this.#rows(version);
    if (rows.includes(version)) throw new VersionTableConflictError(this.table.name, `no row ${version}`, rows);
    rows.push(version);
  }

  async delete(_session: Session, version: string): Promise<void> {
    const rows = this.#rows(version);
    const at = rows.indexOf(version);
    if (at === -1) throw new VersionTableConflictError(this.table.name, version, rows);
    rows.splice(at, 1);
  }

  async update(_session: Session, from: string, to: string): Promise<void> {
    const rows = this.#rows(from);
    const at = rows.indexOf(from);
    if (at === -1) throw new VersionTableConflictError(this.table.name, from, rows);
    rows[at] = to;
  }

  #rows(version: string): string[] {
    if (!this.#db.versions) throw new VersionTableConflictError(this.table.name, version, []);
    return this.#db.versions;
  }
}

/**
 * An in-memory {@link AuditStore}: entries in insertion order; `latest` keeps the
 * newest of each revision (and the step an acceptance amends), as the real stores' query does.
 */
export class MemoryAuditStore implements AuditStore {
  readonly recordsAcceptances = true;
  readonly #db: MemoryDatabase;
  constructor(
    db: MemoryDatabase,
    readonly table: VersionTableLocation,
  ) {
    this.#db = db;
  }

  async ensure(): Promise<void> {
    this.#db.audit ??= [];
  }

  async record(_session: Session, entry: AuditEntry): Promise<void> {
    if (!this.#db.audit) throw new Error(`audit table ${this.table.name} does not exist`);
    this.#db.audit.push({ ...entry });
  }

  async latest(): Promise<AuditEntry[]> {
    const newest = new Map<string, number>();
    const newestStep = new Map<string, number>();
    const entries = this.#db.audit ?? [];
    entries.forEach((entry, index) => {
      newest.set(entry.revision, index);
      if (entry.direction !== 'accept') newestStep.set(entry.revision, index);
    });
    const kept = new Set(newest.values());
    for (const [revision, index] of newest) {
      const step = newestStep.get(revision);
      if (entries[index]!.direction === 'accept' && step !== undefined) kept.add(step);
    }
    return [...kept].sort((a, b) => a - b).map((index) => ({ ...entries[index]! }));
  }
}
