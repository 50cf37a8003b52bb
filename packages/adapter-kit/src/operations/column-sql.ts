/**
 * A portable column, in a dialect's SQL: its type through the MikroORM platform's type
 * declarations, its default as a literal of the dialect, and the MikroORM `Column` the
 * schema helper writes DDL from.
 *
 * @packageDocumentation
 */

import type { ColumnDefault, ColumnType, NamedColumn, PortableColumnType } from '@cloudguard/migrate-core/adapter';
import type { AbstractSqlPlatform, Column } from '@mikro-orm/sql';

/** How a portable column is spelled on one dialect. */
export interface DialectColumnType {
  /** The type as written in DDL (a native enum's name unquoted: the schema helper quotes it). */
  readonly sql: string;
  /** Set for a native enum (PostgreSQL): the type to create before the column and drop after. */
  readonly nativeEnum?: { readonly name: string; readonly values: readonly string[] } | undefined;
  /** Set for an enum without a native type on this dialect: the check that keeps its values. */
  readonly enumCheck?: readonly string[] | undefined;
}

/**
 * The MikroORM mapped type of each portable type: it gives the schema helper what a type
 * implies beyond its name (PostgreSQL writes an integer key with `autoincrement` as
 * `serial`, a bigint one as `bigserial`).
 */
const MAPPED_TYPE: Readonly<Record<PortableColumnType, string>> = {
  integer: 'integer',
  bigint: 'bigint',
  smallint: 'smallint',
  decimal: 'decimal',
  float: 'float',
  double: 'double',
  boolean: 'boolean',
  string: 'string',
  text: 'text',
  uuid: 'uuid',
  json: 'json',
  date: 'date',
  time: 'time',
  datetime: 'datetime',
  blob: 'blob',
  enum: 'enum',
};

/**
 * The dialect's type for a portable column, from the platform's own declarations
 * (`getIntegerTypeDeclarationSQL`, `getVarcharTypeDeclarationSQL`, …), with
 * `nativeType[dialect]` winning.
 *
 * `timezone` matters where the platform tells time-zone-aware timestamps apart (its
 * datetime declaration ends in `tz`, as PostgreSQL's `timestamptz`): without it the
 * column is a plain `timestamp`, with it a `time` column is `timetz`. An enum is the
 * platform's enum declaration (MySQL's inline `enum(…)`), a native type where the
 * platform has them and `enumName` is given (PostgreSQL), otherwise text with a check.
 */
export function dialectColumnType(column: ColumnType, dialect: string, platform: AbstractSqlPlatform, columnName: string): DialectColumnType {
  const native = column.nativeType?.[dialect];
  if (native !== undefined) return { sql: native };
  switch (column.type) {
    case 'integer':
      return { sql: platform.getIntegerTypeDeclarationSQL({}) };
    case 'bigint':
      return { sql: platform.getBigIntTypeDeclarationSQL({}) };
    case 'smallint':
      return { sql: platform.getSmallIntTypeDeclarationSQL({}) };
    case 'decimal':
      return { sql: platform.getDecimalTypeDeclarationSQL({ precision: column.precision ?? 10, scale: column.scale ?? 0 }) };
    case 'float':
      return { sql: platform.getFloatDeclarationSQL() };
    case 'double':
      return { sql: platform.getDoubleDeclarationSQL() };
    case 'boolean':
      return { sql: platform.getBooleanTypeDeclarationSQL() };
    case 'string':
      return { sql: platform.getVarcharTypeDeclarationSQL({ length: column.length ?? 255 }) };
    case 'text':
      return { sql: platform.getTextTypeDeclarationSQL({}) };
    case 'uuid':
      return { sql: platform.getUuidTypeDeclarationSQL({}) };
    case 'json':
      return { sql: platform.getJsonDeclarationSQL() };
    case 'date':
      return { sql: platform.getDateTypeDeclarationSQL() };
    case 'time': {
      const time = platform.getTimeTypeDeclarationSQL(column.precision);
      return { sql: column.timezone === true && tellsTimeZonesApart(platform) ? time.replace(/^time\b/, 'timetz') : time };
    }
    case 'datetime': {
      const datetime = platform.getDateTimeTypeDeclarationSQL(column.precision === undefined ? {} : { length: column.precision });
      return { sql: column.timezone === true ? datetime : datetime.replace(/^timestamptz\b/, 'timestamp') };
    }
    case 'blob':
      return { sql: platform.getBlobDeclarationSQL() };
    case 'enum': {
      const values = column.values ?? [];
      if (platform.supportsNativeEnums() && column.enumName !== undefined) {
        return { sql: column.enumName, nativeEnum: { name: column.enumName, values } };
      }
      const sql = platform.getEnumTypeDeclarationSQL({ items: [...values], fieldNames: [columnName] });
      return /^enum\s*\(/i.test(sql) ? { sql } : { sql, enumCheck: values };
    }
  }
}

function tellsTimeZonesApart(platform: AbstractSqlPlatform): boolean {
  return /tz\b/.test(platform.getDateTimeTypeDeclarationSQL({}));
}

/**
 * A default as the dialect writes it: a SQL expression as is, a string quoted by the
 * platform, a number as written, a boolean as the column stores it (`true`/`false` in a
 * column of a boolean type, `1`/`0` where booleans are integers).
 *
 * @param columnType - the column's type in the dialect's DDL, e.g. `boolean` or `tinyint(1)`.
 */
export function defaultSql(value: ColumnDefault, platform: AbstractSqlPlatform, columnType = platform.getBooleanTypeDeclarationSQL()): string {
  if (typeof value === 'object') return value.sql;
  if (typeof value === 'string') return platform.quoteValue(value);
  if (typeof value === 'number') return String(value);
  return /^bool/i.test(columnType) ? String(value) : value ? '1' : '0';
}

/** The condition that keeps an enum column to its values, where the dialect has no enum type. */
export function enumCheckExpression(column: string, values: readonly string[], platform: AbstractSqlPlatform): string {
  return `${platform.quoteIdentifier(column)} in (${values.map((value) => platform.quoteValue(value)).join(', ')})`;
}

/**
 * The MikroORM column of a portable one. A primary-key column is never nullable; a
 * column is nullable by default, as in Alembic.
 *
 * @param type - the column's {@link dialectColumnType}, when the caller has it already.
 */
export function toMikroColumn(
  column: NamedColumn,
  dialect: string,
  platform: AbstractSqlPlatform,
  type: DialectColumnType = dialectColumnType(column, dialect, platform, column.name),
): Column {
  const mapped: Column = {
    name: column.name,
    type: type.sql,
    mappedType: platform.getMappedType(column.nativeType?.[dialect] === undefined ? MAPPED_TYPE[column.type] : type.sql),
    nullable: column.primaryKey === true ? false : (column.nullable ?? true),
    default: column.default === undefined ? null : defaultSql(column.default, platform, type.sql),
    autoincrement: column.autoincrement === true,
    primary: column.primaryKey === true,
    unsigned: false,
    unique: column.unique === true,
  };
  if (column.length !== undefined) mapped.length = column.length;
  if (column.precision !== undefined) mapped.precision = column.precision;
  if (column.scale !== undefined) mapped.scale = column.scale;
  if (column.comment !== undefined) mapped.comment = column.comment;
  if (type.nativeEnum !== undefined) mapped.nativeEnumName = type.nativeEnum.name;
  if (column.type === 'enum') mapped.enumItems = [...(column.values ?? [])];
  return mapped;
}
