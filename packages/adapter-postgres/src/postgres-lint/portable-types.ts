/**
 * The PostgreSQL type of a portable column, as the lint compares types: what the adapter
 * compiles the column to (the kit's `dialectColumnType`, through MikroORM's PostgreSQL
 * platform, the mapping every schema operation uses), read back with the parser so that
 * `int` and `integer` are one type. Core gives the statements of a schema operation the
 * table as the earlier operations left it; this is how the lint knows the type a column
 * had before the operation changes it.
 *
 * @packageDocumentation
 */

import { dialectColumnType, unconnectedPlatform } from '@cloudguard/migrate-adapter-kit/operations';
import type { NamedColumn } from '@cloudguard/migrate-core/adapter';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { ParseResult } from 'libpg-query';

import { columnTypeOf, type ColumnType } from './column-types.js';
import { nodeAs } from './pg-tree.js';

/** The type a portable column has on PostgreSQL; undefined when the lint cannot read it. */
export type PortableTypeReader = (column: NamedColumn) => ColumnType | undefined;

/** The dialect name portable columns' `nativeType` is keyed by. */
const DIALECT = 'postgresql';

/**
 * A {@link PortableTypeReader} over MikroORM's PostgreSQL platform (never connected) and
 * `parse`. Each type's text is parsed once.
 *
 * ### Examples
 * ```ts
 * const typeOf = portableTypeReader(parseSync);
 * typeOf({ name: 'host', type: 'string', length: 100 }) // { name: 'varchar', modifiers: [100], array: false }
 * typeOf({ name: 'id', type: 'integer' })               // { name: 'int4', modifiers: [], array: false }
 * ```
 */
export function portableTypeReader(parse: (sql: string) => ParseResult): PortableTypeReader {
  // The database name plays no part in how the platform spells types.
  const platform = unconnectedPlatform(PostgreSqlDriver, 'postgres');
  const read = new Map<string, ColumnType | undefined>();
  return (column) => {
    const compiled = dialectColumnType(column, DIALECT, platform, column.name);
    // A native enum's name comes unquoted (the schema helper quotes it in DDL, keeping its case).
    const sql = compiled.nativeEnum === undefined ? compiled.sql : platform.quoteIdentifier(compiled.sql);
    if (!read.has(sql)) read.set(sql, typeOfSql(sql, parse));
    return read.get(sql);
  };
}

/** The type `sql` names, read as `ALTER COLUMN … TYPE` reads it. */
function typeOfSql(sql: string, parse: (sql: string) => ParseResult): ColumnType | undefined {
  let tree: ParseResult;
  try {
    tree = parse(`ALTER TABLE t ALTER COLUMN c TYPE ${sql}`);
  } catch {
    // A native type the parser does not read (written by hand in `nativeType`): not known.
    return undefined;
  }
  const command = nodeAs(nodeAs(tree.stmts?.[0]?.stmt, 'AlterTableStmt')?.cmds?.[0], 'AlterTableCmd');
  return columnTypeOf(nodeAs(command?.def, 'ColumnDef')?.typeName);
}
