/**
 * The schema that a sequence of schema operations builds, without a database: each
 * table's columns and constraints and each view's query, as replaying the operations
 * leaves them. Offline rendering asks it for a table's definition (a SQLite rebuild
 * needs one); verify and lint read what a revision changes from it.
 *
 * A table made or changed by anything but an operation (raw SQL in `op.execute`) is not
 * known here; an operation on a table the model does not hold marks the table unknown,
 * so that a later question about it gets "unknown", never a wrong answer.
 *
 * @packageDocumentation
 */

import type {
  AlterColumnChanges,
  ConstraintType,
  NamedColumn,
  QualifiedName,
  SchemaOperation,
  TableChange,
  TableDescription,
} from './schema-operation.js';

/** What the model knows of a table: its definition, that it does not exist, or nothing. */
export type ModelAnswer =
  | { readonly state: 'known'; readonly table: TableDescription }
  | { readonly state: 'absent' }
  /** `reason`: why the model lost track of its tables, when it once knew them (see {@link SchemaModel.forget}). */
  | { readonly state: 'unknown'; readonly reason?: string | undefined };

/** A view as the model holds it. */
export interface ViewDescription {
  readonly view: QualifiedName;
  readonly definition: string;
}

/** The key of a table or view: `schema.name`, or `name` without a schema. */
function keyOf(name: QualifiedName): string {
  return name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
}

/**
 * A schema built by replaying operations. Tables are copied on the way in and out, so
 * callers can keep what they were given.
 *
 * ### Examples
 * ```ts
 * const model = new SchemaModel();
 * model.apply({ kind: 'createTable', table: { name: 'scans' }, columns: [{ name: 'id', type: 'integer', primaryKey: true }], indexes: [], uniques: [], foreignKeys: [], checks: [] });
 * model.describe({ name: 'scans' }) // { state: 'known', table: { … } }
 * ```
 */
export class SchemaModel {
  readonly #tables = new Map<string, TableDescription>();
  readonly #views = new Map<string, ViewDescription>();
  /** Tables an operation dropped or renamed away: known not to exist. */
  readonly #absent = new Set<string>();
  /** Why the model forgot what it knew, if it did. */
  #forgotten: string | undefined;

  /** The table's definition, or whether it is absent or unknown. */
  describe(table: QualifiedName): ModelAnswer {
    const key = keyOf(table);
    const known = this.#tables.get(key);
    if (known !== undefined) return { state: 'known', table: structuredClone(known) };
    if (this.#absent.has(key)) return { state: 'absent' };
    return this.#forgotten === undefined ? { state: 'unknown' } : { state: 'unknown', reason: this.#forgotten };
  }

  /** The view's definition, when an operation made it. */
  view(view: QualifiedName): ViewDescription | undefined {
    const known = this.#views.get(keyOf(view));
    return known === undefined ? undefined : structuredClone(known);
  }

  /** Every table the model holds, in creation order. */
  tables(): TableDescription[] {
    return [...this.#tables.values()].map((table) => structuredClone(table));
  }

  /** Records that a table exists that no operation describes (made by raw SQL). */
  markUnknown(table: QualifiedName): void {
    const key = keyOf(table);
    this.#tables.delete(key);
    this.#absent.delete(key);
  }

  /**
   * Forgets every table and view: something changed the schema in a way the model cannot
   * follow (raw DDL, a migration that could not be replayed). Tables that operations make
   * afterwards are known again.
   */
  forget(reason: string): void {
    this.#tables.clear();
    this.#views.clear();
    this.#absent.clear();
    this.#forgotten = reason;
  }

  /** Applies one operation, as running it would change the database. */
  apply(operation: SchemaOperation): void {
    switch (operation.kind) {
      case 'createTable': {
        const { kind: _kind, ...table } = operation;
        this.#put(structuredClone(table));
        return;
      }
      case 'dropTable':
        this.#remove(operation.table);
        return;
      case 'renameTable': {
        const from = keyOf(operation.table);
        const renamed: QualifiedName = { name: operation.newName, schema: operation.table.schema };
        const table = this.#tables.get(from);
        this.#remove(operation.table);
        if (table === undefined) this.markUnknown(renamed);
        else this.#put({ ...table, table: renamed });
        this.#retargetForeignKeys(operation.table, renamed);
        return;
      }
      case 'alterTable': {
        const table = this.#tables.get(keyOf(operation.table));
        if (table === undefined) {
          this.markUnknown(operation.table);
          return;
        }
        this.#put(operation.changes.reduce(applyChange, table));
        return;
      }
      case 'createView':
        this.#views.set(keyOf(operation.view), { view: operation.view, definition: operation.definition });
        return;
      case 'dropView':
        this.#views.delete(keyOf(operation.view));
        return;
    }
  }

  #put(table: TableDescription): void {
    const key = keyOf(table.table);
    this.#tables.set(key, table);
    this.#absent.delete(key);
  }

  #remove(table: QualifiedName): void {
    const key = keyOf(table);
    this.#tables.delete(key);
    this.#absent.add(key);
  }

  /** Foreign keys of other tables follow a renamed table, as the database makes them. */
  #retargetForeignKeys(from: QualifiedName, to: QualifiedName): void {
    for (const [key, table] of this.#tables) {
      if (!table.foreignKeys.some((foreignKey) => keyOf(foreignKey.referencedTable) === keyOf(from))) continue;
      this.#tables.set(key, {
        ...table,
        foreignKeys: table.foreignKeys.map((foreignKey) =>
          keyOf(foreignKey.referencedTable) === keyOf(from) ? { ...foreignKey, referencedTable: to } : foreignKey,
        ),
      });
    }
  }
}

/** One change applied to a table's description. */
export function applyChange(table: TableDescription, change: TableChange): TableDescription {
  switch (change.kind) {
    case 'addColumn':
      return { ...table, columns: [...table.columns, structuredClone(change.column)] };
    case 'dropColumn':
      return withoutColumn(table, change.column);
    case 'alterColumn':
      return alterColumn(table, change.column, change.changes);
    case 'createIndex':
      return { ...table, indexes: [...table.indexes.filter((index) => index.name !== change.index.name), structuredClone(change.index)] };
    case 'dropIndex':
      return { ...table, indexes: table.indexes.filter((index) => index.name !== change.name) };
    case 'addForeignKey':
      return { ...table, foreignKeys: [...table.foreignKeys, structuredClone(change.foreignKey)] };
    case 'addUnique':
      return { ...table, uniques: [...table.uniques, structuredClone(change.unique)] };
    case 'addCheck':
      return { ...table, checks: [...table.checks, structuredClone(change.check)] };
    case 'addPrimaryKey':
      return {
        ...table,
        primaryKey: structuredClone(change.primaryKey),
        columns: table.columns.map((column) =>
          change.primaryKey.columns.includes(column.name) ? { ...column, nullable: false } : column,
        ),
      };
    case 'dropConstraint':
      return dropConstraint(table, change.name, change.type);
  }
}

function alterColumn(table: TableDescription, name: string, changes: AlterColumnChanges): TableDescription {
  const renamed = changes.name ?? name;
  const columns = table.columns.map((column): NamedColumn => {
    if (column.name !== name) return column;
    let altered: Record<string, unknown> = { ...column };
    if (changes.type !== undefined) {
      // A new type replaces the old one with all its parameters.
      for (const key of ['length', 'precision', 'scale', 'timezone', 'values', 'enumName', 'nativeType']) delete altered[key];
      for (const key of ['type', 'length', 'precision', 'scale', 'timezone', 'values', 'enumName', 'nativeType'] as const) {
        if (changes[key] !== undefined) altered[key] = structuredClone(changes[key]);
      }
    }
    if (changes.nullable !== undefined) altered['nullable'] = changes.nullable;
    if (changes.default === null) delete altered['default'];
    else if (changes.default !== undefined) altered['default'] = structuredClone(changes.default);
    if (changes.comment === null) delete altered['comment'];
    else if (changes.comment !== undefined) altered['comment'] = changes.comment;
    altered = { ...altered, name: renamed };
    return altered as unknown as NamedColumn;
  });
  if (renamed === name) return { ...table, columns };
  const rename = (column: string): string => (column === name ? renamed : column);
  return {
    ...table,
    columns,
    primaryKey: table.primaryKey && { ...table.primaryKey, columns: table.primaryKey.columns.map(rename) },
    indexes: table.indexes.map((index) => ({ ...index, columns: index.columns.map((key) => (typeof key === 'string' ? rename(key) : key)) })),
    uniques: table.uniques.map((unique) => ({ ...unique, columns: unique.columns.map(rename) })),
    foreignKeys: table.foreignKeys.map((foreignKey) => ({ ...foreignKey, columns: foreignKey.columns.map(rename) })),
  };
}

/** A dropped column takes the indexes and constraints that name it along, as the databases do. */
function withoutColumn(table: TableDescription, name: string): TableDescription {
  const names = (columns: readonly unknown[]): boolean => columns.includes(name);
  return {
    ...table,
    columns: table.columns.filter((column) => column.name !== name),
    primaryKey: table.primaryKey !== undefined && names(table.primaryKey.columns) ? undefined : table.primaryKey,
    indexes: table.indexes.filter((index) => !names(index.columns)),
    uniques: table.uniques.filter((unique) => !names(unique.columns)),
    foreignKeys: table.foreignKeys.filter((foreignKey) => !names(foreignKey.columns)),
  };
}

function dropConstraint(table: TableDescription, name: string, type: ConstraintType): TableDescription {
  switch (type) {
    case 'foreignKey':
      return {
        ...table,
        foreignKeys: table.foreignKeys.filter((foreignKey) => foreignKey.name !== name),
        columns: table.columns.map((column) => (column.references?.name === name ? withoutReference(column) : column)),
      };
    case 'unique':
      return { ...table, uniques: table.uniques.filter((unique) => unique.name !== name) };
    case 'check':
      return { ...table, checks: table.checks.filter((check) => check.name !== name) };
    case 'primaryKey':
      return {
        ...table,
        primaryKey: undefined,
        columns: table.columns.map((column) => (column.primaryKey === true ? { ...column, primaryKey: false, autoincrement: false } : column)),
      };
  }
}

function withoutReference(column: NamedColumn): NamedColumn {
  const { references: _references, ...rest } = column;
  return rest;
}
