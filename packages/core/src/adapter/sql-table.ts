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
