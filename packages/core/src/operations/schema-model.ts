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

import { OperationNotSupportedError } from '../errors.js';
import type { QualifiedName, SchemaOperation, TableDescription } from './schema-operation.js';
import { applyTableChanges } from './table-changes.js';

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
 * callers can keep what they were given; a table's definition is replaced, never changed
 * in place, when an operation changes the table ({@link SchemaModel.known} relies on it).
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

  /**
   * The table's definition when the model knows it, else undefined: `describe` without the
   * copy, for readers that only look (the lint reads each operation's table before it).
   * What it returns stays the table as it was: the model never changes a definition it
   * holds, it puts a new one in its place.
   */
  known(table: QualifiedName): TableDescription | undefined {
    return this.#tables.get(keyOf(table));
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
        try {
          this.#put(applyTableChanges(table, operation.changes, 'the schema model'));
        } catch (error) {
          // A change names what the model's table lacks: something else changed it (raw SQL).
          if (!(error instanceof OperationNotSupportedError)) throw error;
          this.markUnknown(operation.table);
        }
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
