/**
 * What may differ between a table read from SQLite and the same table read from
 * PostgreSQL, and nothing more: the documented type mapping (docs/operations.md,
 * "Portable types") and the names a dialect gives by itself.
 */
import type { NamedColumn, PortableColumnType, TableDescription } from '@cloudguard/migrate-core/adapter';

/**
 * The portable type as SQLite's affinities keep it: `smallint` and `boolean` are
 * `integer` there, `string` and `uuid` are `text` (docs/operations.md's type table).
 * The other types read back as themselves on both.
 */
const AS_SQLITE_KEEPS: Partial<Record<PortableColumnType, PortableColumnType>> = {
  smallint: 'integer',
  boolean: 'integer',
  string: 'text',
  uuid: 'text',
};

function normaliseColumn(column: NamedColumn): NamedColumn {
  // nativeType is each dialect's own spelling, by design; SQLite keeps no string length
  // and no time zone, so neither is compared.
  const { nativeType: _native, length: _length, timezone: _timezone, ...rest } = column;
  const type = AS_SQLITE_KEEPS[column.type] ?? column.type;
  // A boolean default is `true`/`false` on PostgreSQL and `1`/`0` on SQLite. (A described
  // default is always a SQL expression.)
  const sql = typeof column.default === 'object' ? column.default.sql : undefined;
  const booleanDefault = sql === 'true' ? '1' : sql === 'false' ? '0' : sql;
  return { ...rest, type, default: booleanDefault === undefined ? undefined : { sql: booleanDefault } };
}

const byName = <T extends { readonly name?: string | undefined }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));

/**
 * A table's description with only what both dialects must agree on: columns after the
 * type mapping, the primary key without its name (SQLite reports every key as `primary`,
 * PostgreSQL names an unnamed one `<table>_pkey`), and indexes and constraints sorted by
 * name (the order a catalog lists them in is no part of the schema; a SQLite rebuild
 * recreates them in its own order).
 *
 * Unique indexes and unique constraints are one list: MikroORM's SQLite reader reports
 * every unique index as a constraint (SQLite keeps a `UNIQUE` constraint as an index), and
 * both enforce the same rule, as the conformance suite's `uniqueNames` also accepts.
 */
export function normaliseDescription(table: TableDescription): TableDescription {
  const uniqueIndexes = table.indexes.filter((index) => index.unique === true && index.where === undefined);
  return {
    ...table,
    columns: table.columns.map(normaliseColumn),
    primaryKey: table.primaryKey === undefined ? undefined : { columns: [...table.primaryKey.columns] },
    indexes: byName(table.indexes.filter((index) => !uniqueIndexes.includes(index))),
    uniques: byName([...table.uniques, ...uniqueIndexes.map((index) => ({ name: index.name, columns: index.columns.map(String) }))]),
    foreignKeys: byName(table.foreignKeys),
    checks: byName(table.checks),
  };
}
