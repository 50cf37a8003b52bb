/**
 * What a migration touches: tables, and the columns, indexes and constraints of
 * tables, with what it does to each. Branch-conflict detection compares what two
 * revisions on concurrent branches touch; the touches come from the schema operations
 * a migration records (here) and from the SQL it runs, read by the adapter's
 * {@link StatementReader} (`adapter/statement-reader.ts`).
 *
 * Pure data and pure functions: no parser, no database.
 *
 * @packageDocumentation
 */

import type { QualifiedName, SchemaOperation, TableChange } from './schema-operation.js';

/** The kinds of object inside a table that a change can name. */
export type TouchedPartKind = 'column' | 'index' | 'constraint';

/**
 * What a statement or operation does to the object: DDL (`create`, `drop`, `rename`,
 * `alter`) or data (`insert`, `update`, `delete`, which write rows, or with a part,
 * the named column).
 */
export type TouchAction = 'create' | 'drop' | 'rename' | 'alter' | 'insert' | 'update' | 'delete';

/** A column, index or constraint of a table. */
export interface TouchedPart {
  readonly kind: TouchedPartKind;
  readonly name: string;
  /**
   * An index's schema when the statement names the index without its table
   * (`DROP INDEX app.ix_scans`): indexes live in their schema, not in a table, on
   * PostgreSQL and SQLite.
   */
  readonly schema?: string | undefined;
}

/**
 * One object a statement or schema operation touches.
 *
 * ### Examples
 * ```ts
 * { table: { name: 'scans' }, action: 'drop' }                                      // DROP TABLE scans
 * { table: { name: 'scans' }, part: { kind: 'column', name: 'note' }, action: 'create' } // ADD COLUMN note
 * { part: { kind: 'index', name: 'ix_scans' }, action: 'drop' }                      // DROP INDEX ix_scans
 * { table: { name: 'scans' }, action: 'update' }                                     // UPDATE scans SET …
 * ```
 */
export interface TouchedObject {
  /** The table (or view), schema-qualified where the statement or operation says; absent only for an index named without its table. */
  readonly table?: QualifiedName | undefined;
  /** The column, index or constraint; absent when the table as a whole is touched. */
  readonly part?: TouchedPart | undefined;
  readonly action: TouchAction;
}

/** How a dialect compares names: case rules and the schema a name without one lives in. */
export interface IdentifierRules {
  /** Names differing only in case are the same object (SQLite, MySQL columns). PostgreSQL folds unquoted names itself, so it compares exactly. */
  readonly caseInsensitive: boolean;
  /** The schema of a name written without one (`public`, `main`): `public.scans` and `scans` are the same table. */
  readonly defaultSchema?: string | undefined;
}

const DATA_ACTIONS: ReadonlySet<TouchAction> = new Set(['insert', 'update', 'delete']);

/** Whether a touch changes the table as a whole: creates, drops, renames or rebuilds it. */
export function isTableLevel(touch: TouchedObject): boolean {
  return touch.part === undefined && touch.table !== undefined && !DATA_ACTIONS.has(touch.action);
}

/** Whether a touch writes rows of a table without naming a column. */
function isTableData(touch: TouchedObject): boolean {
  return touch.part === undefined && DATA_ACTIONS.has(touch.action);
}

/**
 * Whether two touches, by revisions on concurrent branches, are of the same object:
 *
 * - an index is the same index when its name (and schema) is, whatever table is named;
 *   an index whose table is not known meets every table-level change; an index and a
 *   constraint of the same name on one table meet (a unique key is an index);
 * - otherwise the table must be the same, and then a table-level change (create, drop,
 *   rename, rebuild) meets any change of that table, two data writes of the table meet
 *   each other (two backfills), and two changes of parts meet when they name the same
 *   column, index or constraint; different columns of one table are disjoint.
 *
 * ### Examples
 * ```ts
 * const rules = { caseInsensitive: true };
 * touchesMeet({ table: { name: 't' }, part: { kind: 'column', name: 'a' }, action: 'create' },
 *             { table: { name: 'T' }, part: { kind: 'column', name: 'A' }, action: 'drop' }, rules) // true
 * touchesMeet({ table: { name: 't' }, part: { kind: 'column', name: 'a' }, action: 'create' },
 *             { table: { name: 't' }, part: { kind: 'column', name: 'b' }, action: 'create' }, rules) // false
 * ```
 */
export function touchesMeet(a: TouchedObject, b: TouchedObject, rules: IdentifierRules): boolean {
  if (a.part?.kind === 'index' && b.part?.kind === 'index') {
    return sameName(a.part.name, b.part.name, rules) && sameSchema(indexSchema(a), indexSchema(b), rules);
  }
  if (isIndexAndConstraint(a, b) || isIndexAndConstraint(b, a)) {
    // A unique (or primary) key is an index of the same name (SQLite and MySQL write it as one, PostgreSQL makes one).
    const tables = a.table === undefined || b.table === undefined || sameTable(a.table, b.table, rules);
    if (tables && sameName(a.part!.name, b.part!.name, rules)) return true;
  }
  // An index whose table nothing says (`DROP INDEX ix`, its creation not found) may be on the table
  // the other one creates, drops or rebuilds: erring towards a finding, never a silence.
  if ((a.table === undefined && isTableLevel(b)) || (b.table === undefined && isTableLevel(a))) return true;
  if (a.table === undefined || b.table === undefined || !sameTable(a.table, b.table, rules)) return false;
  if (isTableLevel(a) || isTableLevel(b)) return true;
  if (isTableData(a) && isTableData(b)) return true;
  if (a.part === undefined || b.part === undefined) return false;
  return a.part.kind === b.part.kind && sameName(a.part.name, b.part.name, rules);
}

/**
 * A touch in words, for messages: `adds column scans.note`, `drops table scans`,
 * `updates rows of scans`.
 *
 * ### Examples
 * ```ts
 * describeTouch({ table: { name: 'scans' }, part: { kind: 'column', name: 'note' }, action: 'create' }) // 'adds column scans.note'
 * ```
 */
export function describeTouch(touch: TouchedObject): string {
  const table = touch.table === undefined ? undefined : qualifiedName(touch.table);
  const part = touch.part;
  if (part === undefined) {
    const name = table ?? '?';
    switch (touch.action) {
      case 'insert':
        return `inserts rows into ${name}`;
      case 'update':
        return `updates rows of ${name}`;
      case 'delete':
        return `deletes rows of ${name}`;
      case 'alter':
        return `alters (or rebuilds) table ${name}`;
      default:
        return `${verb(touch.action)} table ${name}`;
    }
  }
  const where =
    part.kind === 'column'
      ? `column ${table === undefined ? '' : `${table}.`}${part.name}`
      : `${part.kind} ${part.schema === undefined ? '' : `${part.schema}.`}${part.name}${table === undefined ? '' : ` on ${table}`}`;
  if (DATA_ACTIONS.has(touch.action)) return `writes ${where} (${touch.action})`;
  const adds = touch.action === 'create' && part.kind !== 'index' ? 'adds' : verb(touch.action);
  return `${adds} ${where}`;
}

/** A table as written in messages: `schema.name` or `name`. */
export function qualifiedName(table: QualifiedName): string {
  return table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
}

function verb(action: TouchAction): string {
  return { create: 'creates', drop: 'drops', rename: 'renames', alter: 'alters', insert: 'inserts', update: 'updates', delete: 'deletes' }[action];
}

function isIndexAndConstraint(a: TouchedObject, b: TouchedObject): boolean {
  return a.part?.kind === 'index' && b.part?.kind === 'constraint';
}

function indexSchema(touch: TouchedObject): string | undefined {
  return touch.part?.schema ?? touch.table?.schema;
}

function schemaOf(schema: string | undefined, rules: IdentifierRules): string | undefined {
  if (schema === undefined || rules.defaultSchema === undefined) return schema;
  return sameName(schema, rules.defaultSchema, rules) ? undefined : schema;
}

function sameName(a: string, b: string, rules: IdentifierRules): boolean {
  return rules.caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function sameSchema(a: string | undefined, b: string | undefined, rules: IdentifierRules): boolean {
  const left = schemaOf(a, rules);
  const right = schemaOf(b, rules);
  if (left === undefined || right === undefined) return left === right;
  return sameName(left, right, rules);
}

/**
 * A key that is equal for two names exactly when the dialect takes them for the same
 * table (`public.scans` and `scans` on PostgreSQL; `Scans` and `scans` on SQLite), for
 * sets and maps of tables.
 */
export function tableKey(table: QualifiedName, rules: IdentifierRules): string {
  const schema = schemaOf(table.schema, rules) ?? '';
  const key = `${schema}\u0000${table.name}`;
  return rules.caseInsensitive ? key.toLowerCase() : key;
}

function sameTable(a: QualifiedName, b: QualifiedName, rules: IdentifierRules): boolean {
  return sameName(a.name, b.name, rules) && sameSchema(a.schema, b.schema, rules);
}

/**
 * What a recorded schema operation touches. A batch block (`op.batchAlterTable`) is a
 * rebuild of its table (`alter` of the table as a whole), as Alembic's batch mode is; a
 * single operation touches only what it names, even where a dialect rebuilds the table
 * to make it, since that rebuild reads the table as it is when it runs.
 *
 * ### Examples
 * ```ts
 * touchesOfOperation({ kind: 'dropTable', table: { name: 'scans' }, ifExists: false })
 * // [{ table: { name: 'scans' }, action: 'drop' }]
 * ```
 */
export function touchesOfOperation(operation: SchemaOperation): TouchedObject[] {
  switch (operation.kind) {
    case 'createTable':
      // Its indexes too: where a later `DROP INDEX ix` that names no table finds the table.
      return [
        { table: operation.table, action: 'create' },
        ...operation.indexes.map((index) => ({ table: operation.table, part: { kind: 'index' as const, name: index.name }, action: 'create' as const })),
      ];
    case 'dropTable':
      return [{ table: operation.table, action: 'drop' }];
    case 'renameTable':
      return [
        { table: operation.table, action: 'rename' },
        { table: { name: operation.newName, schema: operation.table.schema }, action: 'rename' },
      ];
    case 'createView':
      return [{ table: operation.view, action: 'create' }];
    case 'dropView':
      return [{ table: operation.view, action: 'drop' }];
    case 'alterTable':
      if (operation.batch) return [{ table: operation.table, action: 'alter' }];
      return operation.changes.flatMap((change) => touchesOfChange(operation.table, change));
  }
}

function touchesOfChange(table: QualifiedName, change: TableChange): TouchedObject[] {
  const column = (name: string, action: TouchAction): TouchedObject => ({ table, part: { kind: 'column', name }, action });
  const index = (name: string, action: TouchAction): TouchedObject => ({ table, part: { kind: 'index', name }, action });
  const constraint = (name: string, action: TouchAction): TouchedObject => ({ table, part: { kind: 'constraint', name }, action });
  switch (change.kind) {
    case 'addColumn':
      return [column(change.column.name, 'create')];
    case 'dropColumn':
      return [column(change.column, 'drop')];
    case 'alterColumn': {
      const renamed = change.changes.name;
      if (renamed === undefined || renamed === change.column) return [column(change.column, 'alter')];
      return [column(change.column, 'rename'), column(renamed, 'rename')];
    }
    case 'createIndex':
      return [index(change.index.name, 'create')];
    case 'dropIndex':
      return [index(change.name, 'drop')];
    case 'addForeignKey':
      return [constraint(change.foreignKey.name, 'create')];
    case 'addUnique':
      return [constraint(change.unique.name, 'create')];
    case 'addCheck':
      return [constraint(change.check.name, 'create')];
    case 'addPrimaryKey':
      return [constraint(change.primaryKey.name ?? 'PRIMARY KEY', 'create')];
    case 'dropConstraint':
      return [constraint(change.name, 'drop')];
    case 'validateConstraint':
      return [constraint(change.name, 'alter')];
  }
}
