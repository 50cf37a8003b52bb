import type { AuditEntry, OfflineAuditStore, OfflineVersionStore, Session, VersionTableLocation } from '../adapter/dialect-adapter.js';
import { AUDIT_COLUMNS, type SqlStoreDialect } from '../adapter/sql-store-dialect.js';
import { SqlTable } from '../adapter/sql-table.js';

/**
 * The version table written into an offline script: the dialect's `CREATE TABLE IF NOT
 * EXISTS`, then Alembic's `INSERT`, `DELETE` and `UPDATE` on `version_num`, with `?`
 * placeholders that the renderer inlines. The online store's row-count checks need a
 * database to read, so they have no offline counterpart.
 *
 * ### Examples
 * ```ts
 * versionStore: new SqlOfflineVersionStore(dialect, options.versionTable),
 * ```
 */
export class SqlOfflineVersionStore implements OfflineVersionStore {
  readonly table: VersionTableLocation;
  readonly #sql: SqlTable;
  readonly #qualified: string;

  constructor(dialect: SqlStoreDialect, table: VersionTableLocation) {
    this.table = table;
    this.#sql = new SqlTable(dialect, table);
    this.#qualified = this.#sql.qualifiedName;
  }

  async ensure(session: Session): Promise<void> {
    for (const ddl of this.#sql.dialect.versionTableDdl(this.table)) await session.execute(ddl);
  }

  async insert(session: Session, version: string): Promise<void> {
    await session.execute(`INSERT INTO ${this.#qualified} (version_num) VALUES (?)`, [version]);
  }

  async delete(session: Session, version: string): Promise<void> {
    await session.execute(`DELETE FROM ${this.#qualified} WHERE version_num = ?`, [version]);
  }

  async update(session: Session, from: string, to: string): Promise<void> {
    await session.execute(`UPDATE ${this.#qualified} SET version_num = ? WHERE version_num = ?`, [to, from]);
  }
}

/**
 * The audit table written into an offline script. `applied_at` is the database's clock
 * when the script runs ({@link SqlStoreDialect.currentTimestampSql}), not when it was
 * rendered; `duration_ms` is 0, since nothing was timed.
 *
 * ### Examples
 * ```ts
 * auditStore: new SqlOfflineAuditStore(dialect, auditTableFor(options)),
 * ```
 */
export class SqlOfflineAuditStore implements OfflineAuditStore {
  readonly table: VersionTableLocation;
  readonly #sql: SqlTable;
  readonly #qualified: string;

  constructor(dialect: SqlStoreDialect, table: VersionTableLocation) {
    this.table = table;
    this.#sql = new SqlTable(dialect, table);
    this.#qualified = this.#sql.qualifiedName;
  }

  async ensure(session: Session): Promise<void> {
    for (const ddl of this.#sql.dialect.auditTableDdl(this.table)) await session.execute(ddl);
  }

  async record(session: Session, entry: AuditEntry): Promise<void> {
    await session.execute(
      `INSERT INTO ${this.#qualified} (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ${this.#sql.dialect.currentTimestampSql}, 0, ?, ?, ?)`,
      [
        entry.revision,
        entry.direction,
        entry.checksum ?? null,
        entry.appliedBy?.slice(0, 255) ?? null,
        entry.host?.slice(0, 255) ?? null,
        entry.toolVersion?.slice(0, 32) ?? null,
      ],
    );
  }
}
