/**
 * What an `alterTable` operation's changes make of a table's description, replayed in
 * order: the table a SQLite rebuild creates, and the schema model's next picture of it.
 * Pure data in, data out; a change that names what the table does not have is refused.
 *
 * @packageDocumentation
 */

import { OperationNotSupportedError } from '../errors.js';
import type { NamedColumn, TableChange, TableDescription } from './schema-operation.js';

/** The primary key's columns: the key given apart, else the columns marked `primaryKey`, in order. */
export function primaryKeyColumns(description: TableDescription): string[] {
  if (description.primaryKey !== undefined) return [...description.primaryKey.columns];
  return description.columns.filter((column) => column.primaryKey === true).map((column) => column.name);
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
      // A unique index may be read back as a unique constraint (SQLite's reader makes no difference).
      if (!table.indexes.some((index) => index.name === change.name) && !table.uniques.some((unique) => unique.name === change.name)) {
        return change.ifExists ? table : refuse(`table ${table.table.name} has no index ${change.name}`);
      }
      return {
        ...table,
        indexes: table.indexes.filter((index) => index.name !== change.name),
        uniques: table.uniques.filter((unique) => unique.name !== change.name),
      };
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
    case 'validateConstraint': {
      // Only a foreign key or a check can be added unchecked, so only those can be validated.
      const validatable =
        table.foreignKeys.some((key) => key.name === change.name) ||
        table.columns.some((candidate) => candidate.references?.name === change.name) ||
        table.checks.some((check) => check.name === change.name);
      return validatable ? table : refuse(`table ${table.table.name} has no foreign key or check constraint ${change.name}`);
    }
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
