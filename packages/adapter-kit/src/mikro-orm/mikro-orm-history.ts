/**
 * Reads MikroORM's table of applied migrations (`mikro_orm_migrations`: `id`, `name`,
 * `executed_at`) through a cgmigrate session, in the order MikroORM reads it (`id`).
 */

import { MikroOrmHistoryNotFoundError } from '@cloudguard/migrate-core';
import type { Session } from '@cloudguard/migrate-core/adapter';
import { mikroOrmMigrationName } from './mikro-orm-migration-files.js';

/** Where MikroORM records its applied migrations. */
export interface MikroOrmHistoryTable {
  readonly tableName: string;
  /** `undefined`: unqualified, where the connection's unqualified names go. */
  readonly schema: string | undefined;
}

/** One applied MikroORM migration. */
export interface MikroOrmHistoryRow {
  /** The row's `id`: the order the migrations ran in. */
  readonly id: number;
  /** The migration's name, `.ts`/`.js` ending dropped as MikroORM drops it. */
  readonly name: string;
  /** When it ran (`executed_at`), as an ISO 8601 UTC string; `null` when the row has none. */
  readonly executedAt: string | null;
}

/**
 * The table as SQL names it: each part bare when it is a lower-case identifier, which
 * every dialect reads alike, else double-quoted as SQLite and PostgreSQL read it.
 *
 * ### Examples
 * ```ts
 * historyTableSql({ tableName: 'mikro_orm_migrations', schema: 'app' }) // 'app.mikro_orm_migrations'
 * historyTableSql({ tableName: 'Migrations', schema: undefined })        // '"Migrations"'
 * ```
 */
export function historyTableSql(table: MikroOrmHistoryTable): string {
  const identifier = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`);
  return table.schema === undefined ? identifier(table.tableName) : `${identifier(table.schema)}.${identifier(table.tableName)}`;
}

/** The table's name for messages: `mikro_orm_migrations`, or `schema.table`. */
export function describeHistoryTable(table: MikroOrmHistoryTable): string {
  return table.schema === undefined ? table.tableName : `${table.schema}.${table.tableName}`;
}

/**
 * The rows of MikroORM's migrations table, by `id`, read in `session` outside any
 * transaction; nothing is created.
 *
 * @param database the database, without credentials, for the error.
 * @throws {MikroOrmHistoryNotFoundError} when the table does not exist or cannot be read.
 */
export async function readMikroOrmHistory(session: Session, table: MikroOrmHistoryTable, database: string): Promise<MikroOrmHistoryRow[]> {
  let rows: Record<string, unknown>[];
  try {
    rows = await session.query(`SELECT id, name, executed_at FROM ${historyTableSql(table)} ORDER BY id`);
  } catch (error) {
    throw new MikroOrmHistoryNotFoundError(describeHistoryTable(table), database, error instanceof Error ? error.message : String(error), { cause: error });
  }
  return rows.map((row) => ({
    id: Number(row['id']),
    name: mikroOrmMigrationName(String(row['name'])),
    executedAt: toIsoTimestamp(row['executed_at']),
  }));
}

/**
 * A driver's timestamp as ISO 8601 UTC: a `Date` (PostgreSQL, MySQL), epoch
 * milliseconds, or text (SQLite's `CURRENT_TIMESTAMP`, `YYYY-MM-DD HH:MM:SS` in UTC).
 */
function toIsoTimestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value)).toISOString();
  const text = String(value);
  const utc = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const time = Date.parse(utc);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
