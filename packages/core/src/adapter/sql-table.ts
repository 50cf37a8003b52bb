import type { Session, VersionTableLocation } from './dialect-adapter.js';
import { createIfMissing, qualifiedTableName, type SqlStoreDialect } from './sql-store-dialect.js';

/**
 * One of the tables core keeps (the version or the audit table) as a dialect names,
 * finds and creates it: what the online and offline stores share.
 */
export class SqlTable {
  /** The table's name as the dialect quotes it, with its schema when it has one. */
  readonly qualifiedName: string;

  constructor(
    readonly dialect: SqlStoreDialect,
    readonly location: VersionTableLocation,
  ) {
    this.qualifiedName = qualifiedTableName(dialect, location);
  }

  /** Whether the table exists, as the stores' statements would resolve its name. */
  exists(session: Session): Promise<boolean> {
    return this.dialect.tableExists(session, this.location, this.qualifiedName);
  }

  /**
   * Runs `work` (one statement on `session`) and tells whether it succeeded, without
   * letting a failure spoil the session's transaction: where a failed statement would
   * abort it (PostgreSQL), the attempt runs under the savepoint `savepoint`. For probes
   * (`SELECT reason FROM … WHERE 1 = 0`) and changes a concurrent runner may already
   * have made.
   */
  async attempt(
    session: Session,
    work: () => Promise<unknown>,
    savepoint: string,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: unknown }> {
    const guarded = this.dialect.failedStatementAbortsTransaction === true && session.inTransaction !== false;
    if (guarded) await session.execute(`SAVEPOINT ${savepoint}`);
    try {
      await work();
    } catch (error) {
      if (guarded) await session.execute(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      return { ok: false, error };
    }
    if (guarded) await session.execute(`RELEASE SAVEPOINT ${savepoint}`);
    return { ok: true };
  }

  /**
   * Runs `statements` (each a `CREATE … IF NOT EXISTS`) so that a concurrent creator is
   * harmless (see {@link createIfMissing}); `savepoint` names the savepoint where the
   * dialect needs one.
   */
  async create(session: Session, statements: readonly string[], savepoint: string): Promise<void> {
    for (const statement of statements) {
      await createIfMissing(this.dialect, session, statement, { savepoint, exists: () => this.exists(session) });
    }
  }
}
