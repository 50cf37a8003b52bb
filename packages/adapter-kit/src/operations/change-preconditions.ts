/**
 * What makes an `ALTER TABLE` fail on the rows a table holds (NULLs in a column made
 * `NOT NULL`, rows for a new `NOT NULL` column without a default, duplicates under a new
 * unique key), counted before anything runs: each becomes a check that runs before the
 * statements and fails with `SCHEMA_CHECK_FAILED`, naming the table, the column and how
 * many rows, instead of the database's own error half-way through a migration.
 *
 * @packageDocumentation
 */

import type { AlterTableOperation, OperationCompileContext, SchemaCheckQuery, TableChange } from '@cloudguard/migrate-core/adapter';
import type { AbstractSqlPlatform } from '@mikro-orm/sql';

/**
 * The checks of an `alterTable` operation's changes, run online only (offline nothing
 * can be counted, and core runs no check). Each check's query finds the same rows the
 * count found: nothing runs in between.
 *
 * @param quotedTable the table as the statements name it.
 */
export async function changePreconditions(
  operation: AlterTableOperation,
  context: OperationCompileContext,
  platform: AbstractSqlPlatform,
  quotedTable: string,
): Promise<SchemaCheckQuery[]> {
  const { query } = context;
  if (context.offline || query === undefined) return [];
  const table = operation.table.name;
  const quote = (name: string): string => platform.quoteIdentifier(name);
  const counted = async (from: string, failure: (count: number) => string, comment: string): Promise<SchemaCheckQuery> => {
    const check = `select count(*) as ${quote('rows')} from ${from} having count(*) > 0`;
    const [row] = await query<{ rows: number | string }>(check);
    return { when: 'before', comment, query: check, failure: failure(Number(row?.['rows'] ?? 0)) };
  };
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

  // The column each name of the operation stands for before it runs; new columns have none.
  const sources = new Map<string, string | undefined>();
  const source = (name: string): string | undefined => (sources.has(name) ? sources.get(name) : name);
  const checks: SchemaCheckQuery[] = [];
  for (const change of operation.changes) {
    switch (change.kind) {
      case 'addColumn': {
        const { column } = change;
        sources.set(column.name, undefined);
        if (column.nullable === false && column.default === undefined && column.autoincrement !== true && column.primaryKey !== true) {
          checks.push(
            await counted(
              quotedTable,
              (count) => `${table}.${column.name} is a new NOT NULL column without a default, and ${table} has ${plural(count, 'row')}`,
              `${table}.${column.name} is new and NOT NULL without a default: the table must be empty.`,
            ),
          );
        }
        break;
      }
      case 'dropColumn':
        sources.delete(change.column);
        break;
      case 'alterColumn': {
        const from = source(change.column);
        if (change.changes.nullable === false && from !== undefined) {
          checks.push(
            await counted(
              `${quotedTable} where ${quote(from)} is null`,
              (count) => `${table}.${from} holds NULL in ${plural(count, 'row')}, and alterColumn makes it NOT NULL`,
              `${table}.${from} becomes NOT NULL: rows holding NULL in it must be updated first.`,
            ),
          );
        }
        const newName = change.changes.name;
        if (newName !== undefined && newName !== change.column) {
          sources.delete(change.column);
          sources.set(newName, from);
        }
        break;
      }
      default: {
        const key = newUniqueKey(change);
        const sourced = key?.map(source);
        if (key === undefined || sourced === undefined || sourced.some((column) => column === undefined)) break;
        const grouped = sourced.map((column) => quote(column ?? '')).join(', ');
        if (change.kind === 'addPrimaryKey') {
          checks.push(
            await counted(
              `${quotedTable} where ${sourced.map((column) => `${quote(column ?? '')} is null`).join(' or ')}`,
              (count) => `${table}(${key.join(', ')}) holds NULL in ${plural(count, 'row')}, and addPrimaryKey makes it NOT NULL`,
              `${table}(${key.join(', ')}) becomes the primary key: rows holding NULL in it must be updated first.`,
            ),
          );
        }
        checks.push(
          await counted(
            // A key holding NULL repeats nothing: unique constraints take NULLs as distinct (SQLite, PostgreSQL, MySQL).
            `(select 1 from ${quotedTable} where ${sourced.map((column) => `${quote(column ?? '')} is not null`).join(' and ')} group by ${grouped} having count(*) > 1) ${quote('repeated')}`,
            (count) => `${table}(${key.join(', ')}) repeats ${plural(count, 'value')}, and ${change.kind} makes it unique`,
            `${table}(${key.join(', ')}) becomes unique: duplicated values must be removed first.`,
          ),
        );
      }
    }
  }
  return checks;
}

/** The columns a change makes unique over the whole table (a partial or expression index aside). */
function newUniqueKey(change: TableChange): readonly string[] | undefined {
  switch (change.kind) {
    case 'addUnique':
      return change.unique.columns;
    case 'addPrimaryKey':
      return change.primaryKey.columns;
    case 'createIndex': {
      const { index } = change;
      if (index.unique !== true || index.where !== undefined || change.ifNotExists) return undefined;
      return index.columns.every((key) => typeof key === 'string') ? (index.columns as readonly string[]) : undefined;
    }
    default:
      return undefined;
  }
}
