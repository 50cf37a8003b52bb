import type { OfflineVersionStore, Session, VersionTableLocation } from '../adapter/dialect-adapter.js';

/**
 * The version table written into an offline script: Alembic's `INSERT`, `DELETE` and
 * `UPDATE` on `version_num`, with `?` placeholders that the renderer inlines. What differs
 * between dialects is given: the table's quoted name and the statements that create it.
 * The online stores' row-count checks need a database to read, so they have no offline
 * counterpart.
 *
 * ### Examples
 * ```ts
 * versionStore: new SqlOfflineVersionStore(table, '"public"."alembic_version"', [versionTableDdl(table, true)]),
 * ```
 */
export class SqlOfflineVersionStore implements OfflineVersionStore {
  constructor(
    readonly table: VersionTableLocation,
    /** The table's name as the dialect quotes it, with its schema when there is one. */
    readonly qualifiedName: string,
    /** The statements that create the table when it is missing (`CREATE TABLE IF NOT EXISTS …`). */
    readonly createStatements: readonly string[],
  ) {}

  async ensure(session: Session): Promise<void> {
    for (const ddl of this.createStatements) await session.execute(ddl);
  }

  async insert(session: Session, version: string): Promise<void> {
    await session.execute(`INSERT INTO ${this.qualifiedName} (version_num) VALUES (?)`, [version]);
  }

  async delete(session: Session, version: string): Promise<void> {
    await session.execute(`DELETE FROM ${this.qualifiedName} WHERE version_num = ?`, [version]);
  }

  async update(session: Session, from: string, to: string): Promise<void> {
    await session.execute(`UPDATE ${this.qualifiedName} SET version_num = ? WHERE version_num = ?`, [to, from]);
  }
}
