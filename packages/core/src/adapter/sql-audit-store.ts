import type { AuditDirection, AuditEntry, AuditStore, Session, VersionTableLocation } from './dialect-adapter.js';
import {
  AUDIT_COLUMNS,
  AUDIT_ROWS_PER_INSERT,
  auditRowValues,
  createIfMissing,
  qualifiedTableName,
  type OutsideSession,
  type SqlStoreDialect,
} from './sql-store-dialect.js';

type AuditRow = {
  readonly revision: string;
  readonly direction: string;
  readonly checksum: string | null;
  readonly applied_at: unknown;
  readonly duration_ms: number | string;
  readonly applied_by: string | null;
  readonly host: string | null;
  readonly cgmigrate_version: string | null;
};

/**
 * core's audit table (`cgmigrate_audit`) through any {@link Session} of a SQL database:
 * the rows of a transaction's steps are written in that transaction, in as few
 * statements as the dialect allows. What differs between databases comes from the
 * {@link SqlStoreDialect}.
 *
 * ### Examples
 * ```ts
 * const audit = new SqlAuditStore(dialect, { name: 'cgmigrate_audit' }, (work) => connection.autocommit(work));
 * await connection.transaction((session) => audit.ensure(session));
 * const newest = await audit.latest();
 * ```
 */
export class SqlAuditStore implements AuditStore {
  readonly table: VersionTableLocation;
  readonly #dialect: SqlStoreDialect;
  readonly #qualified: string;
  readonly #outside: OutsideSession;

  /** @param outside - runs work when {@link latest} is called without a session. */
  constructor(dialect: SqlStoreDialect, table: VersionTableLocation, outside: OutsideSession) {
    this.table = table;
    this.#dialect = dialect;
    this.#qualified = qualifiedTableName(dialect, table);
    this.#outside = outside;
  }

  /** Creates the table and its index unless they exist; a concurrent creator is harmless (see {@link createIfMissing}). */
  async ensure(session: Session): Promise<void> {
    for (const statement of this.#dialect.auditTableDdl(this.table)) {
      await createIfMissing(this.#dialect, session, statement, {
        savepoint: 'cgmigrate_audit_table',
        exists: () => this.#exists(session),
      });
    }
  }

  async record(session: Session, entry: AuditEntry): Promise<void> {
    await this.recordAll(session, [entry]);
  }

  /** Appends `entries` in order (the dialect's `insertAuditRows`, or multi-row `INSERT`s). */
  async recordAll(session: Session, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (this.#dialect.insertAuditRows) return this.#dialect.insertAuditRows(session, this.#qualified, entries);
    for (let start = 0; start < entries.length; start += AUDIT_ROWS_PER_INSERT) {
      const chunk = entries.slice(start, start + AUDIT_ROWS_PER_INSERT);
      await session.execute(
        `INSERT INTO ${this.#qualified} (${AUDIT_COLUMNS}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((entry) => auditRowValues(this.#dialect, entry)),
      );
    }
  }

  /**
   * The newest row of each revision, oldest first; `[]` when the table does not exist
   * (it is never created here). The table only grows, so each revision's newest id comes
   * from one grouped pass over the `(revision, id)` index rather than a subquery per row
   * (see docs/benchmarks.md).
   */
  async latest(session?: Session): Promise<AuditEntry[]> {
    if (session === undefined) return this.#outside((own) => this.latest(own));
    if (!(await this.#exists(session))) return [];
    const rows = await session.query<AuditRow>(
      'SELECT a.revision, a.direction, a.checksum, a.applied_at, a.duration_ms, a.applied_by, a.host, a.cgmigrate_version ' +
        `FROM ${this.#qualified} a JOIN (SELECT max(id) AS id FROM ${this.#qualified} GROUP BY revision) newest ON a.id = newest.id ` +
        'ORDER BY a.id',
    );
    const timeOf = this.#dialect.auditTimeFromColumn ?? defaultAuditTime;
    return rows.map((row) => ({
      revision: row.revision,
      direction: row.direction as AuditDirection,
      checksum: row.checksum ?? undefined,
      appliedAt: timeOf(row.applied_at),
      durationMs: Number(row.duration_ms),
      appliedBy: row.applied_by ?? undefined,
      host: row.host ?? undefined,
      toolVersion: row.cgmigrate_version ?? undefined,
    }));
  }

  #exists(session: Session): Promise<boolean> {
    return this.#dialect.tableExists(session, this.table, this.#qualified);
  }
}

function defaultAuditTime(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
