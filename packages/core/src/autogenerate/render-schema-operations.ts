/**
 * Writes schema operations as the code of a migration's `up` or `down`: each
 * {@link SchemaOperation} becomes the `op` call that records it again
 * (`await op.createTable(…)`, `await op.addColumn(…)`, a `batchAlterTable` block for
 * several changes to one table). What autogenerate writes by default, so that the file
 * runs on every dialect.
 *
 * @packageDocumentation
 */

import type {
  ColumnDefinition,
  CreateTableOperation,
  ForeignKeyDefinition,
  IndexDefinition,
  NamedColumn,
  QualifiedName,
  SchemaOperation,
  TableChange,
} from '../operations/schema-operation.js';
import { stringLiteral } from './render-changes.js';

/** The order in which a column's properties are written: the type first, as one reads it. */
const COLUMN_KEYS: readonly (keyof ColumnDefinition)[] = [
  'type',
  'length',
  'precision',
  'scale',
  'timezone',
  'values',
  'enumName',
  'nativeType',
  'primaryKey',
  'autoincrement',
  'nullable',
  'default',
  'unique',
  'references',
  'comment',
];

/**
 * The `op` calls of `operations`, one statement each, indented for the revision
 * template's `{{ upgrades }}`.
 *
 * ### Examples
 * ```ts
 * renderSchemaOperations([{ kind: 'dropTable', table: { name: 'scans' }, ifExists: false }]);
 * // "    await op.dropTable('scans');"
 * ```
 */
export function renderSchemaOperations(operations: readonly SchemaOperation[], indent = '    '): string {
  return operations.map((operation) => renderOperation(operation, indent)).join('\n');
}

function renderOperation(operation: SchemaOperation, indent: string): string {
  switch (operation.kind) {
    case 'createTable':
      return renderCreateTable(operation, indent);
    case 'dropTable':
      return call(indent, 'dropTable', [name(operation.table.name)], options({ schema: operation.table.schema, ifExists: operation.ifExists || undefined }));
    case 'renameTable':
      return call(indent, 'renameTable', [name(operation.table.name), name(operation.newName)], options({ schema: operation.table.schema }));
    case 'createView':
      return call(indent, 'createView', [name(operation.view.name), stringLiteral(operation.definition)], options({ schema: operation.view.schema, orReplace: operation.orReplace || undefined }));
    case 'dropView':
      return call(indent, 'dropView', [name(operation.view.name)], options({ schema: operation.view.schema, ifExists: operation.ifExists || undefined }));
    case 'alterTable': {
      if (operation.changes.length === 1 && !operation.batch) return renderChange(operation.changes[0]!, operation.table, indent);
      const inner = `${indent}  `;
      const lines = operation.changes.map((change) => `${inner}${renderBatchChange(change, operation.table)};`);
      const schema = options({ schema: operation.table.schema });
      return [`${indent}await op.batchAlterTable(${name(operation.table.name)}, (batch) => {`, ...lines, `${indent}}${schema ? `, ${schema}` : ''});`].join('\n');
    }
  }
}

function renderCreateTable(operation: CreateTableOperation, indent: string): string {
  const inner = `${indent}  `;
  const columns = operation.columns.map((column) => `${inner}${key(column.name)}: ${literal(columnDefinition(column))},`);
  const extras = options({
    schema: operation.table.schema,
    primaryKey: operation.primaryKey,
    indexes: operation.indexes.length > 0 ? operation.indexes.map(indexForTable) : undefined,
    uniques: operation.uniques.length > 0 ? operation.uniques : undefined,
    foreignKeys: operation.foreignKeys.length > 0 ? operation.foreignKeys.map(foreignKeyForTable) : undefined,
    checks: operation.checks.length > 0 ? operation.checks : undefined,
    comment: operation.comment,
  });
  return [`${indent}await op.createTable(${name(operation.table.name)}, {`, ...columns, `${indent}}${extras ? `, ${extras}` : ''});`].join('\n');
}

/** A table change as its own `op` call. */
function renderChange(change: TableChange, table: QualifiedName, indent: string): string {
  const tableName = name(table.name);
  const schema = { schema: table.schema };
  switch (change.kind) {
    case 'addColumn':
      return call(indent, 'addColumn', [tableName, name(change.column.name), literal(columnDefinition(change.column))], options(schema));
    case 'dropColumn':
      return call(indent, 'dropColumn', [tableName, name(change.column)], options(schema));
    case 'alterColumn':
      return call(indent, 'alterColumn', [tableName, name(change.column), literal(change.changes)], options(schema));
    case 'createIndex':
      return call(
        indent,
        'createIndex',
        [name(change.index.name), tableName, literal(change.index.columns)],
        options({ ...schema, unique: change.index.unique || undefined, where: change.index.where, concurrently: change.concurrently || undefined, ifNotExists: change.ifNotExists || undefined }),
      );
    case 'dropIndex':
      return call(indent, 'dropIndex', [name(change.name), tableName], options({ ...schema, concurrently: change.concurrently || undefined, ifExists: change.ifExists || undefined }));
    case 'addForeignKey': {
      const key = change.foreignKey;
      return call(
        indent,
        'createForeignKey',
        [name(key.name), tableName, literal(key.columns), name(key.referencedTable.name), literal(key.referencedColumns)],
        options({ ...schema, referencedSchema: key.referencedTable.schema, onDelete: key.onDelete, onUpdate: key.onUpdate, notValid: change.notValid || undefined }),
      );
    }
    case 'addUnique':
      return call(indent, 'createUniqueConstraint', [name(change.unique.name), tableName, literal(change.unique.columns)], options(schema));
    case 'addCheck':
      return call(indent, 'createCheckConstraint', [name(change.check.name), tableName, stringLiteral(change.check.expression)], options({ ...schema, notValid: change.notValid || undefined }));
    case 'addPrimaryKey':
      return call(indent, 'createPrimaryKey', [name(change.primaryKey.name ?? `${table.name}_pkey`), tableName, literal(change.primaryKey.columns)], options(schema));
    case 'dropConstraint':
      return call(indent, 'dropConstraint', [name(change.name), tableName, name(change.type)], options(schema));
    case 'validateConstraint':
      return call(indent, 'validateConstraint', [name(change.name), tableName], options(schema));
  }
}

/** A table change as a call on a `batchAlterTable` block's `batch`. */
function renderBatchChange(change: TableChange, table: QualifiedName): string {
  switch (change.kind) {
    case 'addColumn':
      return `batch.addColumn(${name(change.column.name)}, ${literal(columnDefinition(change.column))})`;
    case 'dropColumn':
      return `batch.dropColumn(${name(change.column)})`;
    case 'alterColumn':
      return `batch.alterColumn(${name(change.column)}, ${literal(change.changes)})`;
    case 'createIndex': {
      const extra = options({ unique: change.index.unique || undefined, where: change.index.where });
      return `batch.createIndex(${name(change.index.name)}, ${literal(change.index.columns)}${extra ? `, ${extra}` : ''})`;
    }
    case 'dropIndex':
      return `batch.dropIndex(${name(change.name)})`;
    case 'addForeignKey': {
      const key = change.foreignKey;
      const extra = options({ referencedSchema: key.referencedTable.schema, onDelete: key.onDelete, onUpdate: key.onUpdate, notValid: change.notValid || undefined });
      return `batch.createForeignKey(${name(key.name)}, ${literal(key.columns)}, ${name(key.referencedTable.name)}, ${literal(key.referencedColumns)}${extra ? `, ${extra}` : ''})`;
    }
    case 'addUnique':
      return `batch.createUniqueConstraint(${name(change.unique.name)}, ${literal(change.unique.columns)})`;
    case 'addCheck': {
      const extra = options({ notValid: change.notValid || undefined });
      return `batch.createCheckConstraint(${name(change.check.name)}, ${stringLiteral(change.check.expression)}${extra ? `, ${extra}` : ''})`;
    }
    case 'addPrimaryKey':
      return `batch.createPrimaryKey(${name(change.primaryKey.name ?? `${table.name}_pkey`)}, ${literal(change.primaryKey.columns)})`;
    case 'dropConstraint':
      return `batch.dropConstraint(${name(change.name)}, ${name(change.type)})`;
    case 'validateConstraint':
      return `batch.validateConstraint(${name(change.name)})`;
  }
}

function call(indent: string, method: string, args: readonly string[], extra: string | undefined): string {
  return `${indent}await op.${method}(${[...args, ...(extra ? [extra] : [])].join(', ')});`;
}

/** A column's definition without its name, its properties in {@link COLUMN_KEYS} order. */
function columnDefinition(column: NamedColumn): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const property of COLUMN_KEYS) if (column[property] !== undefined) ordered[property] = column[property];
  return ordered;
}

function indexForTable(index: IndexDefinition): Record<string, unknown> {
  return { name: index.name, columns: index.columns, unique: index.unique || undefined, where: index.where };
}

function foreignKeyForTable(key: ForeignKeyDefinition): Record<string, unknown> {
  return {
    name: key.name,
    columns: key.columns,
    referencedTable: key.referencedTable.name,
    referencedColumns: key.referencedColumns,
    referencedSchema: key.referencedTable.schema,
    onDelete: key.onDelete,
    onUpdate: key.onUpdate,
  };
}

/** An options object of the defined entries, or undefined when there is none. */
function options(entries: Record<string, unknown>): string | undefined {
  const defined = Object.entries(entries).filter(([, value]) => value !== undefined);
  return defined.length === 0 ? undefined : literal(Object.fromEntries(defined));
}

function name(text: string): string {
  return stringLiteral(text);
}

/** An object key: bare when it is an identifier, quoted otherwise. */
function key(text: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(text) ? text : stringLiteral(text);
}

/** A JavaScript literal for plain data, on one line, entries with undefined values left out. */
export function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([entry, item]) => `${key(entry)}: ${literal(item)}`).join(', ')} }`;
  }
  throw new TypeError(`cannot write ${typeof value} as a literal`);
}
