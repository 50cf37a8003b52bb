/**
 * Tables as portable data ({@link TableDescription}) and as MikroORM's `DatabaseTable`,
 * which the schema helper writes DDL from; and the pure replay of an `alterTable`
 * operation's changes on a description (what a SQLite rebuild creates).
 *
 * @packageDocumentation
 */

import {
  primaryKeyColumns,
  type ColumnReference,
  type ForeignKeyDefinition,
  type IndexDefinition,
  type PrimaryKeyDefinition,
  type QualifiedName,
  type TableDescription,
} from '@cloudguard/migrate-core/adapter';
import { DatabaseTable, type AbstractSqlPlatform, type CheckDef, type Column, type ForeignKey, type IndexDef, type TableDifference } from '@mikro-orm/sql';

import { dialectColumnType, enumCheckExpression, toMikroColumn } from './column-sql.js';

/** The MikroORM schema objects of a portable table. */
export interface MikroTable {
  readonly table: DatabaseTable;
  /** The native enum types its columns use (PostgreSQL), in column order. */
  readonly nativeEnums: readonly { readonly name: string; readonly values: readonly string[] }[];
}

/** The name MikroORM gives a constraint of one table when none is given (`accounts_email_unique`). */
export function defaultConstraintName(platform: AbstractSqlPlatform, table: string, columns: readonly string[], type: 'unique' | 'foreign' | 'check' | 'index'): string {
  return platform.getIndexName(table, [...columns], type);
}

/** A portable foreign key as MikroORM's. */
export function toMikroForeignKey(platform: AbstractSqlPlatform, table: QualifiedName, key: ForeignKeyDefinition): ForeignKey {
  const mapped: ForeignKey = {
    constraintName: key.name,
    columnNames: [...key.columns],
    localTableName: qualifiedName(table),
    referencedTableName: qualifiedName(key.referencedTable),
    referencedColumnNames: [...key.referencedColumns],
  };
  if (key.onDelete !== undefined) mapped.deleteRule = key.onDelete;
  if (key.onUpdate !== undefined) mapped.updateRule = key.onUpdate;
  return mapped;
}

/** The foreign key a column's `references` declares. */
export function columnForeignKey(platform: AbstractSqlPlatform, table: QualifiedName, column: string, reference: ColumnReference): ForeignKeyDefinition {
  return {
    name: reference.name ?? defaultConstraintName(platform, table.name, [column], 'foreign'),
    columns: [column],
    referencedTable: { name: reference.table, schema: reference.schema },
    referencedColumns: [reference.column],
    onDelete: reference.onDelete,
    onUpdate: reference.onUpdate,
  };
}

/**
 * A portable index as MikroORM's. Expression keys become placeholder column names, which
 * {@link withIndexExpressions} replaces in the statements MikroORM writes.
 */
export function toMikroIndex(index: IndexDefinition, options: { readonly constraint?: boolean } = {}): IndexDef {
  const mapped: IndexDef = {
    keyName: index.name,
    columnNames: index.columns.map((key, position) => (typeof key === 'string' ? key : expressionPlaceholder(index.name, position))),
    unique: index.unique === true,
    constraint: options.constraint === true,
    primary: false,
  };
  if (index.where !== undefined) mapped.where = index.where;
  return mapped;
}

function expressionPlaceholder(index: string, position: number): string {
  return `__cgmigrate_${index}_expression_${position}__`;
}

/**
 * Statements MikroORM wrote for `indexes` (among others), with the placeholders of their
 * expression keys replaced by the expressions, in parentheses.
 */
export function withIndexExpressions(statements: readonly string[], indexes: readonly IndexDefinition[], platform: AbstractSqlPlatform): string[] {
  const replacements = indexes.flatMap((index) =>
    index.columns.flatMap((key, position) => (typeof key === 'string' ? [] : [[platform.quoteIdentifier(expressionPlaceholder(index.name, position)), `(${key.sql})`] as const])),
  );
  return statements.map((statement) => replacements.reduce((sql, [placeholder, expression]) => sql.split(placeholder).join(expression), statement));
}

/** A primary key as MikroORM's index, named as the platform names it by default when unnamed. */
export function toMikroPrimaryKey(platform: AbstractSqlPlatform, table: string, key: PrimaryKeyDefinition): IndexDef {
  return {
    keyName: key.name ?? platform.getDefaultPrimaryName(table, [...key.columns]),
    columnNames: [...key.columns],
    unique: true,
    constraint: true,
    primary: true,
    composite: key.columns.length > 1,
  };
}

/**
 * A portable table as MikroORM's `DatabaseTable`: its columns (through the platform's
 * types), primary key, indexes, unique constraints (unique indexes flagged as
 * constraints), checks (with one per enum column where the dialect has no enum type)
 * and foreign keys (a column's `references` included).
 */
export function toMikroTable(description: TableDescription, dialect: string, platform: AbstractSqlPlatform): MikroTable {
  const { table: name } = description;
  const table = new DatabaseTable(platform, name.name, name.schema ?? defaultSchema(platform));
  const types = description.columns.map((column) => dialectColumnType(column, dialect, platform, column.name));
  const columns: Column[] = description.columns.map((column, position) => toMikroColumn(column, dialect, platform, types[position]));
  const primaryColumns = primaryKeyColumns(description);
  for (const column of columns) {
    if (primaryColumns.includes(column.name)) {
      column.primary = true;
      column.nullable = false;
    }
  }
  const indexes: IndexDef[] = [];
  if (primaryColumns.length > 0) {
    indexes.push(toMikroPrimaryKey(platform, name.name, { name: description.primaryKey?.name, columns: primaryColumns }));
  }
  for (const column of description.columns) {
    if (column.unique === true && !primaryColumns.includes(column.name)) {
      indexes.push(toMikroIndex({ name: defaultConstraintName(platform, name.name, [column.name], 'unique'), columns: [column.name], unique: true }, { constraint: true }));
    }
  }
  for (const unique of description.uniques) indexes.push(toMikroIndex({ ...unique, unique: true }, { constraint: true }));
  for (const index of description.indexes) indexes.push(toMikroIndex(index));

  const checks: CheckDef[] = description.checks.map((check) => ({ name: check.name, expression: check.expression, ...(check.column === undefined ? {} : { columnName: check.column }) }));
  const nativeEnums: { name: string; values: readonly string[] }[] = [];
  description.columns.forEach((column, position) => {
    const type = types[position]!;
    if (type.enumCheck !== undefined) {
      checks.push({
        name: defaultConstraintName(platform, name.name, [column.name], 'check'),
        expression: enumCheckExpression(column.name, type.enumCheck, platform),
        columnName: column.name,
      });
    }
    if (type.nativeEnum !== undefined && !nativeEnums.some((known) => known.name === type.nativeEnum?.name)) nativeEnums.push(type.nativeEnum);
  });

  const foreignKeys: Record<string, ForeignKey> = {};
  const declared = [
    ...description.columns.flatMap((column) => (column.references === undefined ? [] : [columnForeignKey(platform, name, column.name, column.references)])),
    ...description.foreignKeys,
  ];
  for (const key of declared) foreignKeys[key.name] = toMikroForeignKey(platform, name, key);

  const mappedTypes = columns.map((column) => column.mappedType);
  table.init(columns, indexes, checks, primaryColumns, foreignKeys);
  // init() maps each type again from its SQL name; the portable type knows better (a `nativeType` too).
  columns.forEach((column, position) => {
    column.mappedType = mappedTypes[position] ?? column.mappedType;
    // init() marks every key column `primary`; as MikroORM's own metadata does, a column is
    // `primary` only when it is the key alone, else SQLite writes `primary key` on each of them.
    if (primaryColumns.length > 1) column.primary = false;
  });
  if (description.comment !== undefined) table.comment = description.comment;
  return { table, nativeEnums };
}


/** `schema.table` as MikroORM names tables, the schema left out where there is none. */
export function qualifiedName(name: QualifiedName): string {
  return name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
}

function defaultSchema(platform: AbstractSqlPlatform): string | undefined {
  return platform.getDefaultSchemaName();
}


/**
 * A MikroORM `TableDifference` from `from` to `to` with only the given parts, for the
 * schema helper's `alterTable` (which reads every part).
 */
export function tableDifference(from: DatabaseTable, to: DatabaseTable, parts: Partial<TableDifference>): TableDifference {
  return {
    name: to.getShortestName(),
    fromTable: from,
    toTable: to,
    addedColumns: {},
    changedColumns: {},
    removedColumns: {},
    renamedColumns: {},
    addedIndexes: {},
    changedIndexes: {},
    removedIndexes: {},
    renamedIndexes: {},
    addedChecks: {},
    changedChecks: {},
    removedChecks: {},
    addedTriggers: {},
    changedTriggers: {},
    removedTriggers: {},
    addedPolicies: {},
    removedPolicies: {},
    addedForeignKeys: {},
    changedForeignKeys: {},
    removedForeignKeys: {},
    ...parts,
  };
}
