/**
 * `op.createTable` of a plain table on SQLite, written without building MikroORM's
 * table model: the statement SQLite's schema helper writes for it, spelled the same way.
 *
 * @packageDocumentation
 */

import { splitStatements, type CreateTableOperation, type NamedColumn } from '@cloudguard/migrate-core/adapter';
import { defaultSql, dialectColumnType } from '@cloudguard/migrate-adapter-kit/operations';
import type { AbstractSqlPlatform } from '@mikro-orm/sqlite';

/**
 * The statements of `operation` when the table is plain: columns only (at most one of
 * them the primary key, none unique, referencing or an enum), in no named schema, with
 * no table-level key, index, constraint or comment. `undefined` for any other table,
 * which the kit's compiler writes through MikroORM's `DatabaseTable`.
 *
 * Most migrations that create a table create a plain one, and a run of a thousand of
 * them spent a third of its compile time building table models whose only use is this
 * one statement. What it writes is what `SqliteSchemaHelper.createTable` and
 * `createTableColumn` write for the model `toMikroTable` builds (the same platform calls
 * for names, types and defaults), then split as the kit splits statements; the unit
 * tests compare the two over every column shape this path takes.
 *
 * ### Examples
 * ```ts
 * plainCreateTable(operation, platform);
 * // ['create table `t` (`id` integer not null primary key, `name` text null)']
 * ```
 */
export function plainCreateTable(operation: CreateTableOperation, platform: AbstractSqlPlatform): string[] | undefined {
  if (!isPlain(operation)) return undefined;
  let sql = `create table ${platform.quoteIdentifier(operation.table.name)} (`;
  let first = true;
  for (const column of operation.columns) {
    const definition = columnSql(column, platform);
    if (definition === undefined) return undefined;
    sql += first ? definition : `, ${definition}`;
    first = false;
  }
  // As the schema helper appends a statement (`;` ended) and the kit's compiler splits it.
  return splitStatements(`${sql});`).filter((statement) => statement.trim() !== '');
}

function isPlain(operation: CreateTableOperation): boolean {
  if (operation.table.schema !== undefined || operation.primaryKey !== undefined || operation.comment !== undefined) return false;
  if (operation.indexes.length > 0 || operation.uniques.length > 0 || operation.foreignKeys.length > 0 || operation.checks.length > 0) return false;
  let keys = 0;
  for (const column of operation.columns) {
    if (column.primaryKey === true) keys++;
    if (column.unique === true || column.references !== undefined || column.type === 'enum') return false;
  }
  // A composite key is written as a table constraint.
  return keys <= 1 && operation.columns.length > 0;
}

/** One column as `SqliteSchemaHelper.createTableColumn` writes it; `undefined` for what MikroORM's model would change. */
function columnSql(column: NamedColumn, platform: AbstractSqlPlatform): string | undefined {
  const type = dialectColumnType(column, 'sqlite', platform, column.name).sql;
  const primary = column.primaryKey === true;
  const nullable = primary ? false : (column.nullable ?? true);
  const autoincrement = column.autoincrement === true;
  const fallback = column.default === undefined ? undefined : defaultSql(column.default, platform, type);
  // DatabaseTable.init() drops a PostgreSQL sequence default: leave such a table to it.
  if (fallback?.startsWith('nextval(')) return undefined;
  // The helper's quote() of one name is the platform's quoteIdentifier() of it.
  let sql = `${platform.quoteIdentifier(column.name)} ${autoincrement ? 'integer' : type}`;
  sql += nullable ? ' null' : ' not null';
  if (primary) sql += ' primary key';
  if (autoincrement) sql += ' autoincrement';
  if (fallback !== undefined && fallback !== 'null') sql += ` default ${fallback}`;
  return sql;
}
