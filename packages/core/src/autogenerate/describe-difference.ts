/**
 * Turns a schema comparator's result into {@link SchemaChange}s. The input is typed
 * structurally, after the fields of MikroORM 7's `SchemaDifference` that are read here,
 * so that both built-in adapters share this walk while core imports no ORM. An adapter
 * built on something else produces `SchemaChange`s its own way.
 *
 * @packageDocumentation
 */

import type {
  SchemaChange,
  SchemaChangeAction,
  SchemaObjectFilter,
  SchemaObjectRef,
  SchemaObjectType,
  SchemaPropertyChange,
} from '../adapter/schema-change.js';

type Dict<T> = Readonly<Record<string, T>>;

/** A column as a comparator reports it. */
export interface ComparedColumn {
  readonly name: string;
  readonly type: string;
  readonly nullable?: boolean | undefined;
  readonly default?: string | null | undefined;
  readonly comment?: string | undefined;
  readonly length?: number | undefined;
  readonly precision?: number | undefined;
  readonly scale?: number | undefined;
  readonly enumItems?: readonly string[] | undefined;
  readonly autoincrement?: boolean | undefined;
  readonly unsigned?: boolean | undefined;
  readonly collation?: string | undefined;
  readonly generated?: string | undefined;
  readonly extra?: string | undefined;
}

/** An index, unique constraint or primary key. */
export interface ComparedIndex {
  readonly keyName: string;
  readonly columnNames: readonly string[];
  readonly unique: boolean;
  readonly primary: boolean;
  readonly expression?: string | undefined;
}

/** A foreign key. */
export interface ComparedForeignKey {
  readonly constraintName: string;
  readonly columnNames: readonly string[];
  readonly referencedTableName: string;
  readonly referencedColumnNames: readonly string[];
  readonly updateRule?: string | undefined;
  readonly deleteRule?: string | undefined;
}

/** A check constraint (an expression callback is shown as its `definition`). */
export interface ComparedCheck {
  readonly name: string;
  readonly expression: unknown;
  readonly definition?: string | undefined;
}

/** A table. */
export interface ComparedTable {
  readonly name: string;
  readonly schema?: string | undefined;
  readonly comment?: string | undefined;
  getColumns(): readonly ComparedColumn[];
}

/** The differences of one table. */
export interface ComparedTableDifference {
  readonly name: string;
  readonly changedComment?: string | undefined;
  readonly fromTable: ComparedTable;
  readonly toTable: ComparedTable;
  readonly addedColumns: Dict<ComparedColumn>;
  readonly changedColumns: Dict<{ readonly column: ComparedColumn; readonly fromColumn: ComparedColumn; readonly changedProperties: ReadonlySet<string> }>;
  readonly removedColumns: Dict<ComparedColumn>;
  /** Keyed by the old name. */
  readonly renamedColumns: Dict<ComparedColumn>;
  readonly addedIndexes: Dict<ComparedIndex>;
  readonly changedIndexes: Dict<ComparedIndex>;
  readonly removedIndexes: Dict<ComparedIndex>;
  /** Keyed by the old name. */
  readonly renamedIndexes: Dict<ComparedIndex>;
  readonly addedChecks: Dict<ComparedCheck>;
  readonly changedChecks: Dict<ComparedCheck>;
  readonly removedChecks: Dict<ComparedCheck>;
  readonly addedTriggers: Dict<{ readonly name: string }>;
  readonly changedTriggers: Dict<{ readonly name: string }>;
  readonly removedTriggers: Dict<{ readonly name: string }>;
  readonly addedForeignKeys: Dict<ComparedForeignKey>;
  readonly changedForeignKeys: Dict<ComparedForeignKey>;
  readonly removedForeignKeys: Dict<ComparedForeignKey>;
}

/** A native enum type (PostgreSQL). */
export interface ComparedEnum {
  readonly name: string;
  readonly schema?: string | undefined;
  readonly items?: readonly string[] | undefined;
}

/** A whole comparison, `from` (the database) → `to` (the entities). */
export interface ComparedSchemaDifference {
  readonly newNamespaces: ReadonlySet<string>;
  readonly removedNamespaces: ReadonlySet<string>;
  readonly newNativeEnums: readonly ComparedEnum[];
  readonly removedNativeEnums: readonly ComparedEnum[];
  readonly newTables: Dict<ComparedTable>;
  readonly removedTables: Dict<ComparedTable>;
  readonly changedTables: Dict<ComparedTableDifference>;
  readonly newViews: Dict<{ readonly name: string; readonly schema?: string | undefined }>;
  readonly changedViews: Dict<{ readonly to: { readonly name: string; readonly schema?: string | undefined } }>;
  readonly removedViews: Dict<{ readonly name: string; readonly schema?: string | undefined }>;
}

/**
 * Lists the changes of a comparison, in a stable order: schemas and enums, new
 * tables, changed tables (columns, then keys and indexes, then checks and triggers),
 * removed tables, then views.
 *
 * ### Examples
 * ```ts
 * // in an adapter, with MikroORM's comparator:
 * const diff = new SchemaComparator(platform).compare(fromDatabase, toEntities);
 * const changes = describeSchemaDifference(diff);
 * // [{ action: 'add', object: 'column', table: 'user', name: 'email', details: [{ property: 'type', to: 'text' … }] }]
 * ```
 */
export function describeSchemaDifference(diff: ComparedSchemaDifference): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const push = (action: SchemaChangeAction, object: SchemaObjectType, name: string, extra: Partial<SchemaChange> = {}) =>
    changes.push({ action, object, name, details: [], ...extra });

  for (const namespace of diff.newNamespaces) push('add', 'schema', namespace);
  for (const nativeEnum of diff.newNativeEnums) {
    push('add', 'enum', qualified(nativeEnum.name, nativeEnum.schema), {
      details: [{ property: 'items', from: undefined, to: (nativeEnum.items ?? []).join(', ') }],
    });
  }
  for (const table of Object.values(diff.newTables)) {
    push('add', 'table', qualified(table.name, table.schema), {
      details: table.getColumns().map((column) => ({ property: column.name, from: undefined, to: describeColumn(column) })),
    });
  }
  for (const tableDiff of Object.values(diff.changedTables)) changes.push(...describeTableDifference(tableDiff));
  for (const table of Object.values(diff.removedTables)) push('remove', 'table', qualified(table.name, table.schema));
  for (const nativeEnum of diff.removedNativeEnums) push('remove', 'enum', qualified(nativeEnum.name, nativeEnum.schema));
  for (const namespace of diff.removedNamespaces) push('remove', 'schema', namespace);
  for (const view of Object.values(diff.newViews)) push('add', 'view', qualified(view.name, view.schema));
  for (const { to } of Object.values(diff.changedViews)) push('modify', 'view', qualified(to.name, to.schema));
  for (const view of Object.values(diff.removedViews)) push('remove', 'view', qualified(view.name, view.schema));
  return changes;
}

function describeTableDifference(diff: ComparedTableDifference): SchemaChange[] {
  const table = qualified(diff.toTable.name, diff.toTable.schema);
  const changes: SchemaChange[] = [];
  const push = (action: SchemaChangeAction, object: SchemaObjectType, name: string, details: readonly SchemaPropertyChange[] = [], from?: string) =>
    changes.push({ action, object, name, table, details, ...(from === undefined ? {} : { from }) });

  // `changedComment` is present, possibly `undefined`, when the comment was changed or removed.
  if ('changedComment' in diff) {
    changes.push({
      action: 'modify',
      object: 'table',
      name: table,
      details: [{ property: 'comment', from: diff.fromTable.comment, to: diff.toTable.comment }],
    });
  }
  for (const column of Object.values(diff.addedColumns)) {
    push('add', 'column', column.name, [{ property: 'definition', from: undefined, to: describeColumn(column) }]);
  }
  for (const [oldName, column] of Object.entries(diff.renamedColumns)) push('rename', 'column', column.name, [], oldName);
  for (const { column, fromColumn, changedProperties } of Object.values(diff.changedColumns)) {
    push('modify', 'column', column.name, [...changedProperties].map((property) => columnProperty(property, fromColumn, column)));
  }
  for (const column of Object.values(diff.removedColumns)) push('remove', 'column', column.name);

  for (const index of Object.values(diff.addedIndexes)) push('add', indexObject(index), index.keyName, indexDetails(index));
  for (const [oldName, index] of Object.entries(diff.renamedIndexes)) push('rename', indexObject(index), index.keyName, [], oldName);
  for (const index of Object.values(diff.changedIndexes)) push('modify', indexObject(index), index.keyName, indexDetails(index));
  for (const index of Object.values(diff.removedIndexes)) push('remove', indexObject(index), index.keyName);

  for (const key of Object.values(diff.addedForeignKeys)) push('add', 'foreign_key', key.constraintName, foreignKeyDetails(key));
  for (const key of Object.values(diff.changedForeignKeys)) push('modify', 'foreign_key', key.constraintName, foreignKeyDetails(key));
  for (const key of Object.values(diff.removedForeignKeys)) push('remove', 'foreign_key', key.constraintName);

  for (const check of Object.values(diff.addedChecks)) push('add', 'check', check.name, checkDetails(check));
  for (const check of Object.values(diff.changedChecks)) push('modify', 'check', check.name, checkDetails(check));
  for (const check of Object.values(diff.removedChecks)) push('remove', 'check', check.name);

  for (const trigger of Object.values(diff.addedTriggers)) push('add', 'trigger', trigger.name);
  for (const trigger of Object.values(diff.changedTriggers)) push('modify', 'trigger', trigger.name);
  for (const trigger of Object.values(diff.removedTriggers)) push('remove', 'trigger', trigger.name);
  return changes;
}

function qualified(name: string, schema: string | undefined): string {
  return schema && !name.includes('.') ? `${schema}.${name}` : name;
}

function indexObject(index: ComparedIndex): SchemaObjectType {
  if (index.primary) return 'primary_key';
  return index.unique ? 'unique' : 'index';
}

function indexDetails(index: ComparedIndex): SchemaPropertyChange[] {
  const columns = index.expression ?? index.columnNames.join(', ');
  return [{ property: 'columns', from: undefined, to: columns }];
}

function foreignKeyDetails(key: ComparedForeignKey): SchemaPropertyChange[] {
  const details: SchemaPropertyChange[] = [
    {
      property: 'references',
      from: undefined,
      to: `(${key.columnNames.join(', ')}) -> ${key.referencedTableName} (${key.referencedColumnNames.join(', ')})`,
    },
  ];
  if (key.deleteRule) details.push({ property: 'on delete', from: undefined, to: key.deleteRule });
  if (key.updateRule) details.push({ property: 'on update', from: undefined, to: key.updateRule });
  return details;
}

function checkDetails(check: ComparedCheck): SchemaPropertyChange[] {
  const expression = typeof check.expression === 'string' ? check.expression : check.definition;
  return expression === undefined ? [] : [{ property: 'expression', from: undefined, to: expression }];
}

/** `text not null default 'x'`: the column as a reader of the migration thinks of it. */
function describeColumn(column: ComparedColumn): string {
  const parts = [column.type, column.nullable ? 'null' : 'not null'];
  if (column.default !== undefined && column.default !== null) parts.push(`default ${column.default}`);
  return parts.join(' ');
}

function columnProperty(property: string, from: ComparedColumn, to: ComparedColumn): SchemaPropertyChange {
  const value = (column: ComparedColumn): string | undefined => {
    switch (property) {
      case 'type':
        return column.type;
      case 'nullable':
        return column.nullable ? 'null' : 'not null';
      case 'default':
        return column.default ?? undefined;
      case 'enumItems':
        return column.enumItems?.join(', ');
      case 'autoincrement':
      case 'unsigned':
        return String(Boolean(column[property]));
      case 'comment':
      case 'collation':
      case 'generated':
      case 'extra':
        return column[property];
      default:
        return undefined;
    }
  };
  return { property, from: value(from), to: value(to) };
}

/** A schema (one side of a comparison) whose tables and views can be replaced: MikroORM 7's `DatabaseSchema`. */
export interface FilterableSchema<Table extends { readonly name: string; readonly schema?: string | undefined }, View extends { readonly name: string; readonly schema?: string | undefined }> {
  getTables(): Table[];
  setTables(tables: Table[]): void;
  getViews(): View[];
  setViews(views: View[]): void;
}

/**
 * Leaves out of both sides of a comparison what `include` rejects, and the database's
 * views that no entity declares (as Alembic, which reflects no views: a view a
 * migration made by hand is not the entities' to drop).
 *
 * ### Examples
 * ```ts
 * const toEntities = generator.getTargetSchema();
 * const fromDatabase = await DatabaseSchema.create(connection, platform, config);
 * filterComparedSchemas(fromDatabase, toEntities, request.include);
 * ```
 */
export function filterComparedSchemas<
  Table extends { readonly name: string; readonly schema?: string | undefined },
  View extends { readonly name: string; readonly schema?: string | undefined },
>(database: FilterableSchema<Table, View>, entities: FilterableSchema<Table, View>, include: SchemaObjectFilter): void {
  const ref = (type: 'table' | 'view', object: { readonly name: string; readonly schema?: string | undefined }): SchemaObjectRef => ({
    type,
    name: object.name,
    schema: object.schema ?? undefined,
  });
  const declaredViews = new Set(entities.getViews().map((view) => `${view.schema ?? ''}.${view.name}`));
  database.setTables(database.getTables().filter((table) => include(ref('table', table), 'database')));
  database.setViews(
    database
      .getViews()
      .filter((view) => declaredViews.has(`${view.schema ?? ''}.${view.name}`) && include(ref('view', view), 'database')),
  );
  entities.setTables(entities.getTables().filter((table) => include(ref('table', table), 'entities')));
  entities.setViews(entities.getViews().filter((view) => include(ref('view', view), 'entities')));
}
