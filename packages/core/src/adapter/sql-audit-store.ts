import type { AuditDirection, AuditEntry, AuditStore, Session, VersionTableLocation } from './dialect-adapter.js';
import {
  AUDIT_ADDED_COLUMNS,
  AUDIT_COLUMNS,
  AUDIT_ROWS_PER_INSERT,
  auditRowValues,
  type OutsideSession,
  type SqlStoreDialect,
} from './sql-store-dialect.js';
import { SqlTable } from './sql-table.js';

/** A row as `SELECT *` reads it: `reason` and `previous_checksum` are absent from a table created before them. */
type AuditRow = {
  readonly id: number | string | bigint;
  readonly revision: string;
  readonly direction: string;
  readonly checksum: string | null;
  readonly applied_at: unknown;
  readonly duration_ms: number | string;
  readonly applied_by: string | null;
  readonly host: string | null;
  readonly cgmigrate_version: string | null;
  readonly reason?: string | null;
  readonly previous_checksum?: string | null;
};

/** Revisions per `IN (…)` list when reading the steps that acceptances amend. */
const REVISIONS_PER_READ = 500;

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

  /** Keeps accepted edits: see {@link AuditStore.recordsAcceptances}. */
  readonly recordsAcceptances = true;

  /**
   * Creates the table and its index unless they exist; a concurrent creator is harmless
   * (see `createIfMissing`). Then adds the columns a table created by an older version
   * lacks ({@link AUDIT_ADDED_COLUMNS}).
   */
  async ensure(session: Session): Promise<void> {
    await this.#sql.create(session, this.#sql.dialect.auditTableDdl(this.table), 'cgmigrate_audit_table');
    await this.#addMissingColumns(session);
  }

  /**
   * `ALTER TABLE … ADD COLUMN` for each added column the table lacks, found by probing
   * (`SELECT column … WHERE 1 = 0`), which every dialect answers alike; the usual case,
   * both present, costs one probe. Core calls `ensure` under the migration lock, so only
   * a runner that took no lock (an older cgmigrate never alters) can race this one: an
   * `ADD COLUMN` that fails is forgiven once the column is seen to exist.
   */
  async #addMissingColumns(session: Session): Promise<void> {
    const probe = (columns: readonly string[]) => () =>
      session.query(`SELECT ${columns.map((name) => this.#sql.dialect.quoteIdentifier(name)).join(', ')} FROM ${this.#qualified} WHERE 1 = 0`);
    const savepoint = 'cgmigrate_audit_columns';
    if ((await this.#sql.attempt(session, probe(AUDIT_ADDED_COLUMNS.map((column) => column.name)), savepoint)).ok) return;
    for (const column of AUDIT_ADDED_COLUMNS) {
      const present = probe([column.name]);
      if ((await this.#sql.attempt(session, present, savepoint)).ok) continue;
      const added = await this.#sql.attempt(
        session,
        () => session.execute(`ALTER TABLE ${this.#qualified} ADD COLUMN ${this.#sql.dialect.quoteIdentifier(column.name)} ${column.type}`),
        savepoint,
      );
      if (!added.ok && !(await this.#sql.attempt(session, present, savepoint)).ok) throw added.error;
    }
  }

  /** Appends one entry; an `accept` also fills `reason` and `previous_checksum`, which `ensure` adds to an older table. */
  async record(session: Session, entry: AuditEntry): Promise<void> {
    if (entry.direction !== 'accept') return this.recordAll(session, [entry]);
    const added = AUDIT_ADDED_COLUMNS.map((column) => column.name).join(', ');
    await session.execute(
      `INSERT INTO ${this.#qualified} (${AUDIT_COLUMNS}, ${added}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [...auditRowValues(this.#sql.dialect, entry), entry.reason ?? null, entry.previousChecksum ?? null],
    );
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
   * The newest row of each revision, oldest first, and, for a revision whose newest row
   * is an `accept`, the newest other row too; `[]` when the table does not exist (it is
   * never created here). The table only grows, so each revision's newest id comes from
   * one grouped pass over the `(revision, id)` index rather than a subquery per row (see
   * docs/benchmarks.md); the amended steps take a second query only when some revision's
   * newest row is an acceptance. `SELECT *` reads a table created before the added
   * columns as well: they are then absent from the rows.
   */
  async latest(session?: Session): Promise<AuditEntry[]> {
    if (session === undefined) return this.#outside((own) => this.latest(own));
    if (!(await this.#sql.exists(session))) return [];
    const newest = await session.query<AuditRow>(
      `SELECT a.* FROM ${this.#qualified} a JOIN (SELECT max(id) AS id FROM ${this.#qualified} GROUP BY revision) newest ON a.id = newest.id ` +
        'ORDER BY a.id',
    );
    const accepted = newest.filter((row) => row.direction === 'accept').map((row) => row.revision);
    const rows = accepted.length === 0 ? newest : [...newest, ...(await this.#amendedSteps(session, accepted))].sort(byId);
    const timeOf = this.#sql.dialect.auditTimeFromColumn ?? defaultAuditTime;
    return rows.map((row) => {
      const entry: AuditEntry = {
        revision: row.revision,
        direction: row.direction as AuditDirection,
        checksum: row.checksum ?? undefined,
        appliedAt: timeOf(row.applied_at),
        durationMs: Number(row.duration_ms),
        appliedBy: row.applied_by ?? undefined,
        host: row.host ?? undefined,
        toolVersion: row.cgmigrate_version ?? undefined,
      };
      return row.direction === 'accept'
        ? { ...entry, reason: row.reason ?? undefined, previousChecksum: row.previous_checksum ?? undefined }
        : entry;
    });
  }

  /** The newest row other than an `accept` of each of `revisions`. */
  async #amendedSteps(session: Session, revisions: readonly string[]): Promise<AuditRow[]> {
    const rows: AuditRow[] = [];
    for (let start = 0; start < revisions.length; start += REVISIONS_PER_READ) {
      const chunk = revisions.slice(start, start + REVISIONS_PER_READ);
      rows.push(
        ...(await session.query<AuditRow>(
          `SELECT a.* FROM ${this.#qualified} a JOIN (SELECT max(id) AS id FROM ${this.#qualified} ` +
            `WHERE direction <> 'accept' AND revision IN (${chunk.map(() => '?').join(', ')}) GROUP BY revision) amended ON a.id = amended.id`,
          chunk,
        )),
      );
    }
    return rows;
  }
}

function byId(a: AuditRow, b: AuditRow): number {
  const left = BigInt(String(a.id));
  const right = BigInt(String(b.id));
  return left < right ? -1 : left > right ? 1 : 0;
}

function defaultAuditTime(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
