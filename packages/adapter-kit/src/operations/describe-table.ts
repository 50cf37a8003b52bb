/**
 * A table's definition read from a live database through MikroORM's introspection
 * (`SchemaHelper.loadInformationSchema`, the same reading autogenerate does), as a
 * portable {@link TableDescription}.
 *
 * @packageDocumentation
 */

import type {
  ForeignKeyDefinition,
  IndexDefinition,
  NamedColumn,
  PortableColumnType,
  QualifiedName,
  ReferentialAction,
  Row,
  TableDescription,
} from '@cloudguard/migrate-core/adapter';
import { DatabaseSchema, type AbstractSqlConnection, type AbstractSqlPlatform, type Column, type DatabaseTable, type IndexDef } from '@mikro-orm/sql';

import { indexStatementParts } from './index-statement.js';

/** Runs a read-only query in the session the table is read in (`?` placeholders). */
export type IntrospectionQuery = (sql: string, params: readonly unknown[]) => Promise<readonly Row[]>;

/** What {@link describeTable} reads with. */
export interface DescribeTableOptions {
  /** The dialect name, the key of each column's `nativeType`. */
  readonly dialect: string;
  readonly platform: AbstractSqlPlatform;
  /** The schema of a table named without one (PostgreSQL's first schema on the search path); none where schemas do not exist. */
  readonly defaultSchema?: string | undefined;
  readonly query: IntrospectionQuery;
}

/**
 * Reads one table's definition with MikroORM's introspection, on the session's own
 * connection (so inside its transaction: the table as the migration sees it).
 * Each column keeps the type the database reports in `nativeType[dialect]`, so that a
 * table rebuilt from the description keeps its types exactly; `type` is the closest
 * portable type. Defaults are SQL expressions as the database reports them.
 *
 * @returns `undefined` when the table does not exist.
 */
export async function describeTable(table: QualifiedName, options: DescribeTableOptions): Promise<TableDescription | undefined> {
  const { platform } = options;
  const helper = platform.getSchemaHelper();
  if (helper === undefined) throw new Error(`MikroORM's ${options.dialect} platform has no schema helper`);
  const connection = introspectionConnection(platform, options.query);
  const schemaName = table.schema ?? options.defaultSchema;
  const found = (await helper.getAllTables(connection, schemaName === undefined ? undefined : [schemaName])).find(
    (candidate) => candidate.table_name === table.name && (schemaName === undefined || candidate.schema_name === undefined || candidate.schema_name === schemaName),
  );
  if (found === undefined) return undefined;
  const schema = new DatabaseSchema(platform, schemaName ?? platform.getDefaultSchemaName() ?? '');
  await helper.loadInformationSchema(schema, connection, [found], schemaName === undefined ? undefined : [schemaName]);
  const loaded = schema.getTables().find((candidate) => candidate.name === table.name);
  return loaded === undefined ? undefined : toDescription(loaded, table, options.dialect, platform);
}

/**
 * What MikroORM's schema helper calls on a connection (`getPlatform`, `execute`),
 * answered by a session's query: so that `SchemaHelper` and `DatabaseSchema.create`
 * read a database on the adapter's own session rather than on a connection of their own.
 */
export function introspectionConnection(platform: AbstractSqlPlatform, query: IntrospectionQuery): AbstractSqlConnection {
  const connection = {
    getPlatform: () => platform,
    execute: async (sql: string, params: readonly unknown[] = [], method: 'all' | 'get' | 'run' = 'all') => {
      const rows = await query(sql, params);
      return method === 'get' ? rows[0] : rows;
    },
  };
  return connection as unknown as AbstractSqlConnection;
}

function toDescription(table: DatabaseTable, name: QualifiedName, dialect: string, platform: AbstractSqlPlatform): TableDescription {
  const primary = table.getPrimaryKey();
  const keyed = new Set(primary?.columnNames ?? []);
  // SQLite reports an INTEGER PRIMARY KEY as nullable; no key column is.
  const columns: NamedColumn[] = table
    .getColumns()
    .map((column) => toNamedColumn(column, dialect, platform))
    .map((column) => (keyed.has(column.name) ? { ...column, nullable: false } : column));
  const indexes: IndexDefinition[] = [];
  const uniques: { name: string; columns: string[] }[] = [];
  for (const index of table.getIndexes()) {
    if (index.primary) continue;
    if (isForeignKeyOwnIndex(index, table)) continue;
    if (index.unique && index.constraint) {
      uniques.push({ name: index.keyName, columns: [...index.columnNames] });
      continue;
    }
    // MikroORM keeps the whole statement of an index with an expression key (PostgreSQL,
    // MySQL): its keys come from it. Where a key has no column name and no statement, the
    // dialect's reader fills it in (see the SQLite adapter).
    const statement = index.expression === undefined ? undefined : indexStatementParts(index.expression);
    indexes.push({
      name: index.keyName,
      columns: statement === undefined ? index.columnNames.map((column) => column ?? '') : [...statement.keys],
      unique: index.unique,
      where: index.where ?? statement?.where,
    });
  }
  const foreignKeys: ForeignKeyDefinition[] = Object.values(table.getForeignKeys()).map((key) => {
    const [schema, referenced] = splitName(key.referencedTableName);
    return {
      name: key.constraintName,
      columns: [...key.columnNames],
      referencedTable: { name: referenced, schema: schema === platform.getDefaultSchemaName() ? undefined : schema },
      referencedColumns: [...key.referencedColumnNames],
      onDelete: referentialAction(key.deleteRule),
      onUpdate: referentialAction(key.updateRule),
    };
  });
  return {
    table: name,
    columns,
    primaryKey: primary === undefined ? undefined : { name: primary.keyName, columns: [...primary.columnNames] },
    indexes,
    uniques,
    foreignKeys,
    checks: table.getChecks().map((check) => ({ name: check.name, expression: typeof check.expression === 'string' ? check.expression : (check.definition ?? '') })),
    comment: table.comment === undefined || table.comment === null || table.comment === '' ? undefined : table.comment,
  };
}

/**
 * Tells whether an index is the one MySQL and MariaDB make for a foreign key by
 * themselves: not unique, named as one of the table's foreign keys and on exactly its
 * columns. It is the key's, not one the table declares.
 */
export function isForeignKeyOwnIndex(index: IndexDef, table: DatabaseTable): boolean {
  if (index.unique || index.primary) return false;
  const key = Object.values(table.getForeignKeys()).find((candidate) => candidate.constraintName === index.keyName);
  return key !== undefined && key.columnNames.join(',') === index.columnNames.join(',');
}

function toNamedColumn(column: Column, dialect: string, platform: AbstractSqlPlatform): NamedColumn {
  const nativeEnum = column.nativeEnumName !== undefined && column.nativeEnumName !== '' && platform.supportsNativeEnums();
  const type: PortableColumnType = nativeEnum ? 'enum' : portableType(column.type);
  const declared = declaredParameters(column.type);
  return {
    name: column.name,
    type,
    nativeType: { [dialect]: nativeEnum ? platform.quoteIdentifier(column.nativeEnumName ?? '') : column.type },
    length: type === 'string' ? (column.length ?? declared[0]) : undefined,
    precision: type === 'decimal' ? (column.precision ?? declared[0]) : undefined,
    scale: type === 'decimal' ? (column.scale ?? declared[1]) : undefined,
    timezone: type === 'datetime' || type === 'time' ? /tz\b|with time zone/i.test(column.type) : undefined,
    // A native enum's values, or those of an inline enum type (MySQL's `enum('a','b')`).
    values: nativeEnum || (type === 'enum' && (column.enumItems?.length ?? 0) > 0) ? [...(column.enumItems ?? [])] : undefined,
    enumName: nativeEnum ? column.nativeEnumName : undefined,
    nullable: column.nullable === true,
    default: column.default === undefined || column.default === null ? undefined : { sql: String(column.default) },
    autoincrement: column.autoincrement === true ? true : undefined,
    comment: column.comment === undefined || column.comment === null || column.comment === '' ? undefined : column.comment,
  };
}

/**
 * The numbers in a declared type's parentheses (`numeric(10,2)` → `[10, 2]`): what a
 * reader that keeps the type as declared (SQLite's) reports in no other field.
 */
function declaredParameters(sqlType: string): [number | undefined, number | undefined] {
  const match = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(sqlType);
  return match === null ? [undefined, undefined] : [Number(match[1]), match[2] === undefined ? undefined : Number(match[2])];
}

/** The portable type closest to a type as a database reports it (its `nativeType` keeps it exactly). */
export function portableType(sqlType: string): PortableColumnType {
  const type = sqlType.toLowerCase().trim();
  const base = type.replace(/\(.*$/, '').trim();
  if (/^tinyint\(1\)/.test(type) || base === 'boolean' || base === 'bool') return 'boolean';
  if (['int', 'integer', 'int4', 'serial', 'mediumint', 'serial4'].includes(base)) return 'integer';
  if (['bigint', 'int8', 'bigserial', 'serial8'].includes(base)) return 'bigint';
  if (['smallint', 'int2', 'smallserial', 'tinyint'].includes(base)) return 'smallint';
  if (['numeric', 'decimal'].includes(base)) return 'decimal';
  if (['real', 'float', 'float4'].includes(base)) return 'float';
  if (['double', 'double precision', 'float8'].includes(base)) return 'double';
  if (['varchar', 'character varying', 'char', 'character', 'nvarchar', 'bpchar'].includes(base)) return 'string';
  if (base === 'uuid') return 'uuid';
  if (base === 'json' || base === 'jsonb') return 'json';
  if (base === 'date') return 'date';
  if (base.startsWith('timestamp') || base === 'datetime' || base === 'timestamptz') return 'datetime';
  if (base.startsWith('time')) return 'time';
  if (['blob', 'bytea', 'binary', 'varbinary', 'longblob', 'mediumblob'].includes(base)) return 'blob';
  if (base === 'enum') return 'enum';
  return 'text';
}

const ACTIONS: readonly ReferentialAction[] = ['cascade', 'set null', 'set default', 'restrict', 'no action'];

/** A foreign key's rule as MikroORM reports it, as a portable action; `no action` (the default) as none. */
export function referentialAction(rule: string | undefined): ReferentialAction | undefined {
  const action = rule?.toLowerCase() as ReferentialAction | undefined;
  return action !== undefined && ACTIONS.includes(action) && action !== 'no action' ? action : undefined;
}

function splitName(name: string): [string | undefined, string] {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? [undefined, name] : [name.slice(0, dot), name.slice(dot + 1)];
}
