import type { AuditDirection, AuditEntry, AuditStore, Session, VersionTableLocation } from '@cloudguard/migrate-core/adapter';

import { errnoOf, NO_SUCH_TABLE } from './mariadb-errors.js';
import { qualifiedName, quoteIdentifier } from './mariadb-url.js';

/**
 * The audit table's DDL on MariaDB: the columns of core's `AuditStore` contract, an
 * auto-increment key that orders the rows, and an index for "the newest row of each
 * revision". `applied_at` is a `DATETIME(3)` holding UTC.
 */
export function auditTableDdl(table: VersionTableLocation): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(table)} (\n` +
    `\tid BIGINT NOT NULL AUTO_INCREMENT, \n` +
    `\trevision VARCHAR(32) NOT NULL, \n` +
    `\tdirection VARCHAR(16) NOT NULL, \n` +
    `\tchecksum VARCHAR(64) NULL, \n` +
    `\tapplied_at DATETIME(3) NOT NULL, \n` +
    `\tduration_ms INTEGER NOT NULL, \n` +
    `\tapplied_by VARCHAR(255) NULL, \n` +
    `\thost VARCHAR(255) NULL, \n` +
    `\tcgmigrate_version VARCHAR(32) NULL, \n` +
    `\tPRIMARY KEY (id), \n` +
    `\tINDEX ${quoteIdentifier(`${table.name}_revision_ix`)} (revision, id)\n` +
    `)`
  );
}

type AuditRow = {
  readonly revision: string;
  readonly direction: string;
  readonly checksum: string | null;
  readonly applied_at: string | Date;
  readonly duration_ms: number;
  readonly applied_by: string | null;
  readonly host: string | null;
  readonly cgmigrate_version: string | null;
};

/**
 * core's audit table (`cgmigrate_audit`) on MariaDB: one `INSERT` per step, in the
 * step's transaction (which, after a migration's DDL, MariaDB has already committed:
 * the row then commits on its own, right after the step).
 */
export class MariaDbAuditStore implements AuditStore {
  readonly table: VersionTableLocation;
  readonly #qualified: string;
  readonly #outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>;

  /** @param outside - runs work when {@link latest} is called without a session. */
  constructor(table: VersionTableLocation, outside: <T>(work: (session: Session) => Promise<T>) => Promise<T>) {
    this.table = table;
    this.#qualified = qualifiedName(table);
    this.#outside = outside;
  }

  async ensure(session: Session): Promise<void> {
    await session.execute(auditTableDdl(this.table));
  }

  async record(session: Session, entry: AuditEntry): Promise<void> {
    await session.execute(
      `INSERT INTO ${this.#qualified} (revision, direction, checksum, applied_at, duration_ms, applied_by, host, cgmigrate_version) ` +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        entry.revision,
        entry.direction,
        entry.checksum ?? null,
        toDatetime(entry.appliedAt),
        Math.max(0, Math.round(entry.durationMs)),
        entry.appliedBy?.slice(0, 255) ?? null,
        entry.host?.slice(0, 255) ?? null,
        entry.toolVersion?.slice(0, 32) ?? null,
      ],
    );
  }

  /** The newest row of each revision, oldest first; `[]` when the table does not exist. */
  async latest(session?: Session): Promise<AuditEntry[]> {
    if (session === undefined) return this.#outside((own) => this.latest(own));
    let rows: AuditRow[];
    try {
      rows = await session.query<AuditRow>(
        'SELECT a.revision, a.direction, a.checksum, a.applied_at, a.duration_ms, a.applied_by, a.host, a.cgmigrate_version ' +
          `FROM ${this.#qualified} a WHERE a.id = (SELECT max(b.id) FROM ${this.#qualified} b WHERE b.revision = a.revision) ` +
          'ORDER BY a.id',
      );
    } catch (error) {
      if (errnoOf(error) === NO_SUCH_TABLE) return [];
      throw error;
    }
    return rows.map((row) => ({
      revision: row.revision,
      direction: row.direction as AuditDirection,
      checksum: row.checksum ?? undefined,
      appliedAt: fromDatetime(row.applied_at),
      durationMs: Number(row.duration_ms),
      appliedBy: row.applied_by ?? undefined,
      host: row.host ?? undefined,
      toolVersion: row.cgmigrate_version ?? undefined,
    }));
  }
}

/** `2024-05-01 10:00:00.000`: UTC, whatever the session's time zone, so it reads back the same everywhere. */
function toDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function fromDatetime(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(`${value.replace(' ', 'T')}Z`);
}
