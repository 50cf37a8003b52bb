import type { AuditDirection, AuditEntry, AuditStore, Session, VersionTableLocation } from './dialect-adapter.js';
import {
  AUDIT_COLUMNS,
  AUDIT_ROWS_PER_INSERT,
  auditRowValues,
  type OutsideSession,
  type SqlStoreDialect,
} from './sql-store-dialect.js';
import { SqlTable } from './sql-table.js';

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
  readonly #sql: SqlTable;
  readonly #qualified: string;
  readonly #outside: OutsideSession;

  /** @param outside - runs work when {@link latest} is called without a session. */
  constructor(dialect: SqlStoreDialect, table: VersionTableLocation, outside: OutsideSession) {
    this.table = table;
    this.#sql = new SqlTable(dialect, table);
    this.#qualified = this.#sql.qualifiedName;
    this.#outside = outside;
  }

  /** Creates the table and its index unless they exist; a concurrent creator is harmless (see `createIfMissing`). */
  async ensure(session: Session): Promise<void> {
    await this.#sql.create(session, this.#sql.dialect.auditTableDdl(this.table), 'cgmigrate_audit_table');
  }

  async record(session: Session, entry: AuditEntry): Promise<void> {
    await this.recordAll(session, [entry]);
  }

  /** Appends `entries` in order (the dialect's `insertAuditRows`, or multi-row `INSERT`s). */
  async recordAll(session: Session, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (this.#sql.dialect.insertAuditRows) return this.#sql.dialect.insertAuditRows(session, this.#qualified, entries);
    for (let start = 0; start < entries.length; start += AUDIT_ROWS_PER_INSERT) {
      const chunk = entries.slice(start, start + AUDIT_ROWS_PER_INSERT);
      await session.execute(
        `INSERT INTO ${this.#qualified} (${AUDIT_COLUMNS}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((entry) => auditRowValues(this.#sql.dialect, entry)),
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
    if (!(await this.#sql.exists(session))) return [];
    const rows = await session.query<AuditRow>(
      'SELECT a.revision, a.direction, a.checksum, a.applied_at, a.duration_ms, a.applied_by, a.host, a.cgmigrate_version ' +
        `FROM ${this.#qualified} a JOIN (SELECT max(id) AS id FROM ${this.#qualified} GROUP BY revision) newest ON a.id = newest.id ` +
        'ORDER BY a.id',
    );
    const timeOf = this.#sql.dialect.auditTimeFromColumn ?? defaultAuditTime;
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
}

function defaultAuditTime(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
