/**
 * Tables as portable data ({@link TableDescription}) and as MikroORM's `DatabaseTable`,
 * which the schema helper writes DDL from; and the pure replay of an `alterTable`
 * operation's changes on a description (what a SQLite rebuild creates).
 *
 * @packageDocumentation
 */

import {
  OperationNotSupportedError,
  type ColumnReference,
  type ForeignKeyDefinition,
  type IndexDefinition,
  type NamedColumn,
  type PrimaryKeyDefinition,
  type QualifiedName,
  type TableChange,
  type TableDescription,
} from '@cloudguard/migrate-core/adapter';
import { DatabaseTable, type AbstractSqlPlatform, type CheckDef, type Column, type ForeignKey, type IndexDef } from '@mikro-orm/sql';

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
  const columns: Column[] = description.columns.map((column) => toMikroColumn(column, dialect, platform));
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
  for (const column of description.columns) {
    const type = dialectColumnType(column, dialect, platform, column.name);
    if (type.enumCheck !== undefined) {
      checks.push({
        name: defaultConstraintName(platform, name.name, [column.name], 'check'),
        expression: enumCheckExpression(column.name, type.enumCheck, platform),
        columnName: column.name,
      });
    }
    if (type.nativeEnum !== undefined && !nativeEnums.some((known) => known.name === type.nativeEnum?.name)) nativeEnums.push(type.nativeEnum);
  }

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

/** The primary key's columns: the key given apart, else the columns marked `primaryKey`, in order. */
export function primaryKeyColumns(description: TableDescription): string[] {
  if (description.primaryKey !== undefined) return [...description.primaryKey.columns];
  return description.columns.filter((column) => column.primaryKey === true).map((column) => column.name);
}

/** `schema.table` as MikroORM names tables, the schema left out where there is none. */
export function qualifiedName(name: QualifiedName): string {
  return name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
}

function defaultSchema(platform: AbstractSqlPlatform): string | undefined {
  return platform.getDefaultSchemaName();
}

/**
 * A table after an `alterTable` operation's changes, replayed in order on its
 * description: what a rebuild creates. Indexes and constraints that name a dropped
 * column go with it, as they do in the database.
 *
 * @throws {OperationNotSupportedError} when a change names a column, index or
 *   constraint the table does not have.
 */
export function applyTableChanges(description: TableDescription, changes: readonly TableChange[], dialect: string): TableDescription {
  let table: Mutable = {
    ...description,
    columns: [...description.columns],
    indexes: [...description.indexes],
    uniques: [...description.uniques],
    foreignKeys: [...description.foreignKeys],
    checks: [...description.checks],
  };
  for (const change of changes) table = applyChange(table, change, dialect);
  return table;
}

type Mutable = { -readonly [K in keyof TableDescription]: TableDescription[K] };

function applyChange(table: Mutable, change: TableChange, dialect: string): Mutable {
  const refuse = (reason: string): never => {
    throw new OperationNotSupportedError(`${change.kind} on table ${table.table.name}`, dialect, reason);
  };
  const column = (name: string): NamedColumn => table.columns.find((candidate) => candidate.name === name) ?? refuse(`table ${table.table.name} has no column ${name}`);
  switch (change.kind) {
    case 'addColumn':
      if (table.columns.some((candidate) => candidate.name === change.column.name)) refuse(`table ${table.table.name} already has a column ${change.column.name}`);
      return { ...table, columns: [...table.columns, change.column] };
    case 'dropColumn': {
      column(change.column);
      const keeps = (columns: readonly unknown[]): boolean => !columns.includes(change.column);
      return {
        ...table,
        columns: table.columns.filter((candidate) => candidate.name !== change.column),
        primaryKey: table.primaryKey !== undefined && !keeps(table.primaryKey.columns) ? undefined : table.primaryKey,
        indexes: table.indexes.filter((index) => keeps(index.columns)),
        uniques: table.uniques.filter((unique) => keeps(unique.columns)),
        foreignKeys: table.foreignKeys.filter((key) => keeps(key.columns)),
        // As PostgreSQL drops the checks that involve a dropped column (an enum's among them).
        checks: table.checks.filter((check) => !namesColumn(check.expression, change.column)),
      };
    }
    case 'alterColumn': {
      const before = column(change.column);
      const { name: newName, default: newDefault, comment, type, ...typeChanges } = change.changes;
      let after: NamedColumn = { ...before, ...stripUndefined(typeChanges) };
      if (type !== undefined && type !== before.type) {
        // A new portable type: the type parameters and native types of the old one no longer apply.
        after = { ...after, type, length: typeChanges.length, precision: typeChanges.precision, scale: typeChanges.scale, values: typeChanges.values, enumName: typeChanges.enumName, nativeType: typeChanges.nativeType };
      } else if (hasTypeChange(change.changes) && typeChanges.nativeType === undefined) {
        after = { ...after, nativeType: undefined };
      }
      if (newDefault !== undefined) after = { ...after, default: newDefault === null ? undefined : newDefault };
      if (comment !== undefined) after = { ...after, comment: comment === null ? undefined : comment };
      if (newName !== undefined && newName !== before.name) {
        if (table.columns.some((candidate) => candidate.name === newName)) refuse(`table ${table.table.name} already has a column ${newName}`);
        after = { ...after, name: newName };
        return renameColumn({ ...table, columns: table.columns.map((candidate) => (candidate === before ? after : candidate)) }, before.name, newName);
      }
      return { ...table, columns: table.columns.map((candidate) => (candidate === before ? after : candidate)) };
    }
    case 'createIndex':
      if (table.indexes.some((index) => index.name === change.index.name)) {
        return change.ifNotExists ? table : refuse(`table ${table.table.name} already has an index ${change.index.name}`);
      }
      return { ...table, indexes: [...table.indexes, change.index] };
    case 'dropIndex':
      if (!table.indexes.some((index) => index.name === change.name)) {
        return change.ifExists ? table : refuse(`table ${table.table.name} has no index ${change.name}`);
      }
      return { ...table, indexes: table.indexes.filter((index) => index.name !== change.name) };
    case 'addForeignKey':
      return { ...table, foreignKeys: [...table.foreignKeys, change.foreignKey] };
    case 'addUnique':
      return { ...table, uniques: [...table.uniques, change.unique] };
    case 'addCheck':
      return { ...table, checks: [...table.checks, change.check] };
    case 'addPrimaryKey':
      if (primaryKeyColumns(table).length > 0) refuse(`table ${table.table.name} already has a primary key`);
      return { ...table, primaryKey: change.primaryKey };
    case 'dropConstraint':
      return dropConstraint(table, change.name, change.type, refuse);
  }
}

function dropConstraint(table: Mutable, name: string, type: Extract<TableChange, { kind: 'dropConstraint' }>['type'], refuse: (reason: string) => never): Mutable {
  const missing = (): never => refuse(`table ${table.table.name} has no ${type} constraint ${name}`);
  switch (type) {
    case 'foreignKey': {
      if (table.foreignKeys.some((key) => key.name === name)) return { ...table, foreignKeys: table.foreignKeys.filter((key) => key.name !== name) };
      const declaring = table.columns.find((column) => column.references?.name === name);
      if (declaring === undefined) return missing();
      return { ...table, columns: table.columns.map((column) => (column === declaring ? { ...column, references: undefined } : column)) };
    }
    case 'unique':
      if (!table.uniques.some((unique) => unique.name === name)) return missing();
      return { ...table, uniques: table.uniques.filter((unique) => unique.name !== name) };
    case 'check':
      if (!table.checks.some((check) => check.name === name)) return missing();
      return { ...table, checks: table.checks.filter((check) => check.name !== name) };
    case 'primaryKey':
      if (primaryKeyColumns(table).length === 0) return missing();
      return { ...table, primaryKey: undefined, columns: table.columns.map((column) => (column.primaryKey === true ? { ...column, primaryKey: undefined, autoincrement: undefined } : column)) };
  }
}

/** Whether a SQL expression names a column, bare or quoted in any dialect's way (string literals aside). */
export function namesColumn(sql: string, column: string): boolean {
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const withoutLiterals = sql.replace(/'(?:[^']|'')*'/g, "''");
  return new RegExp(`(^|[^\\w$])(["\`[]${escaped}["\`\\]]|${escaped}(?![\\w$]))`, 'i').test(withoutLiterals);
}

function renameColumn(table: Mutable, from: string, to: string): Mutable {
  const rename = (name: string): string => (name === from ? to : name);
  return {
    ...table,
    primaryKey: table.primaryKey === undefined ? undefined : { ...table.primaryKey, columns: table.primaryKey.columns.map(rename) },
    indexes: table.indexes.map((index) => ({ ...index, columns: index.columns.map((key) => (typeof key === 'string' ? rename(key) : key)) })),
    uniques: table.uniques.map((unique) => ({ ...unique, columns: unique.columns.map(rename) })),
    foreignKeys: table.foreignKeys.map((key) => ({ ...key, columns: key.columns.map(rename) })),
  };
}

/** Whether an `alterColumn` changes the column's type (its portable type or a parameter of it). */
export function hasTypeChange(changes: Extract<TableChange, { kind: 'alterColumn' }>['changes']): boolean {
  return (['type', 'length', 'precision', 'scale', 'timezone', 'values', 'enumName', 'nativeType'] as const).some((key) => changes[key] !== undefined);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
