/**
 * Turns the calls of `op`'s schema methods into {@link SchemaOperation} records,
 * checking their arguments on the way ({@link InvalidOperationError}).
 *
 * @packageDocumentation
 */

import { InvalidOperationError } from '../errors.js';
import type {
  BatchTableOperations,
  ConstraintValidationOptions,
  CreateIndexOptions,
  CreateTableOptions,
  DropIndexOptions,
  ForeignKeyOptions,
  IndexOptions,
  MigrationSchemaOperations,
} from '../operations/operation-methods.js';
import type {
  AlterTableOperation,
  ColumnDefinition,
  CreateTableOperation,
  ForeignKeyDefinition,
  IndexDefinition,
  NamedColumn,
  QualifiedName,
  SchemaOperation,
  TableChange,
} from '../operations/schema-operation.js';
import {
  checkAlterChanges,
  checkColumnDefinition,
  describe,
  invalid,
  optionalAction,
  optionalFlag,
  optionalSchema,
  optionalSql,
  requireConstraintType,
  requireIndexKeys,
  requireName,
  requireNames,
} from './operation-arguments.js';

/**
 * Runs an operation: `build` records it (throwing `INVALID_OPERATION` for bad
 * arguments) and `call` describes the method call for messages. The sink calls `build`
 * itself, so that a call with bad arguments fails the step like any failed operation.
 */
export type OperationSink = (call: string, build: () => SchemaOperation) => Promise<void>;

/**
 * The schema methods of `op`, each recording its operation and handing it to `run`.
 * A call with bad arguments rejects with `INVALID_OPERATION` and runs nothing.
 */
export function schemaMethods(run: OperationSink): MigrationSchemaOperations {
  const record = (call: string, build: () => SchemaOperation): Promise<void> => {
    let operation: SchemaOperation;
    try {
      operation = build();
    } catch (error) {
      // The checks throw a dozen frames below the migration's call, past V8's default
      // stack depth of ten: restart the stack here, so that it names the migration's line
      // (MIGRATION_FAILED reports it as the failure's location).
      if (error instanceof InvalidOperationError) Error.captureStackTrace(error, record);
      return run(call, () => {
        throw error;
      });
    }
    return run(call, () => operation);
  };
  const alter = (call: string, table: string, schema: unknown, change: () => TableChange): Promise<void> =>
    record(call, () => alterTable(call, table, schema, [change()], false));

  return {
    createTable: (name, columns, options) => {
      const call = `op.createTable(${quoted(name)}, …)`;
      return record(call, () => createTable(call, name, columns, options));
    },
    dropTable: (name, options) => {
      const call = `op.dropTable(${quoted(name)})`;
      return record(call, () => ({
        kind: 'dropTable',
        table: qualified(call, name, options?.schema),
        ifExists: optionalFlag(call, 'ifExists', options?.ifExists) ?? false,
      }));
    },
    renameTable: (name, newName, options) => {
      const call = `op.renameTable(${quoted(name)}, ${quoted(newName)})`;
      return record(call, () => ({ kind: 'renameTable', table: qualified(call, name, options?.schema), newName: requireName(call, 'the new name', newName) }));
    },
    addColumn: (table, column, definition, options) => {
      const call = `op.addColumn(${quoted(table)}, ${quoted(column)}, …)`;
      return alter(call, table, options?.schema, () => addColumn(call, column, definition));
    },
    dropColumn: (table, column, options) => {
      const call = `op.dropColumn(${quoted(table)}, ${quoted(column)})`;
      return alter(call, table, options?.schema, () => ({ kind: 'dropColumn', column: requireName(call, 'the column', column) }));
    },
    alterColumn: (table, column, changes, options) => {
      const call = `op.alterColumn(${quoted(table)}, ${quoted(column)}, …)`;
      return alter(call, table, options?.schema, () => ({
        kind: 'alterColumn',
        column: requireName(call, 'the column', column),
        changes: checkAlterChanges(call, changes),
      }));
    },
    createIndex: (name, table, columns, options) => {
      const call = `op.createIndex(${quoted(name)}, ${quoted(table)}, …)`;
      return alter(call, table, options?.schema, () => createIndex(call, name, columns, options));
    },
    dropIndex: (name, table, options) => {
      const call = `op.dropIndex(${quoted(name)}, ${quoted(table)})`;
      return alter(call, table, options?.schema, () => dropIndex(call, name, options));
    },
    createForeignKey: (name, table, columns, referencedTable, referencedColumns, options) => {
      const call = `op.createForeignKey(${quoted(name)}, ${quoted(table)}, …)`;
      return alter(call, table, options?.schema, () => ({
        kind: 'addForeignKey',
        foreignKey: foreignKey(call, name, columns, referencedTable, referencedColumns, options),
        ...notValid(call, options),
      }));
    },
    createUniqueConstraint: (name, table, columns, options) => {
      const call = `op.createUniqueConstraint(${quoted(name)}, ${quoted(table)}, …)`;
      return alter(call, table, options?.schema, () => ({
        kind: 'addUnique',
        unique: { name: requireName(call, 'the constraint name', name), columns: requireNames(call, 'columns', columns) },
      }));
    },
    createCheckConstraint: (name, table, expression, options) => {
      const call = `op.createCheckConstraint(${quoted(name)}, ${quoted(table)}, …)`;
      return alter(call, table, options?.schema, () => ({
        kind: 'addCheck',
        check: { name: requireName(call, 'the constraint name', name), expression: requireName(call, 'the condition', expression) },
        ...notValid(call, options),
      }));
    },
    createPrimaryKey: (name, table, columns, options) => {
      const call = `op.createPrimaryKey(${quoted(name)}, ${quoted(table)}, …)`;
      return alter(call, table, options?.schema, () => ({
        kind: 'addPrimaryKey',
        primaryKey: { name: requireName(call, 'the constraint name', name), columns: requireNames(call, 'columns', columns) },
      }));
    },
    dropConstraint: (name, table, type, options) => {
      const call = `op.dropConstraint(${quoted(name)}, ${quoted(table)}, ${quoted(type)})`;
      return alter(call, table, options?.schema, () => ({
        kind: 'dropConstraint',
        name: requireName(call, 'the constraint name', name),
        type: requireConstraintType(call, type),
      }));
    },
    validateConstraint: (name, table, options) => {
      const call = `op.validateConstraint(${quoted(name)}, ${quoted(table)})`;
      return alter(call, table, options?.schema, () => ({ kind: 'validateConstraint', name: requireName(call, 'the constraint name', name) }));
    },
    createView: (name, definition, options) => {
      const call = `op.createView(${quoted(name)}, …)`;
      return record(call, () => ({
        kind: 'createView',
        view: qualified(call, name, options?.schema),
        definition: requireName(call, 'the definition', definition),
        orReplace: optionalFlag(call, 'orReplace', options?.orReplace) ?? false,
      }));
    },
    dropView: (name, options) => {
      const call = `op.dropView(${quoted(name)})`;
      return record(call, () => ({
        kind: 'dropView',
        view: qualified(call, name, options?.schema),
        ifExists: optionalFlag(call, 'ifExists', options?.ifExists) ?? false,
      }));
    },
    batchAlterTable: (table, build, options) => {
      const call = `op.batchAlterTable(${quoted(table)}, …)`;
      return record(call, () => alterTable(call, table, options?.schema, batchChanges(call, build), true));
    },
  };
}

function createTable(call: string, name: string, columns: unknown, options: CreateTableOptions | undefined): CreateTableOperation {
  const table = qualified(call, name, options?.schema);
  if (typeof columns !== 'object' || columns === null || Array.isArray(columns)) {
    invalid(call, `columns must be an object of column name to definition (got ${describe(columns)})`);
  }
  const entries = Object.entries(columns as Record<string, unknown>);
  if (entries.length === 0) invalid(call, 'a table needs at least one column');
  const reordered = entries.find(([column]) => /^(0|[1-9]\d*)$/.test(column));
  if (reordered !== undefined) {
    invalid(call, `column name "${reordered[0]}" is a whole number, which JavaScript moves before the other keys; name it otherwise`);
  }
  const named: NamedColumn[] = entries.map(([column, definition]) => ({ name: column, ...checkColumnDefinition(call, column, definition) }));
  const known = new Set(named.map((column) => column.name));
  const mustExist = (what: string, names: readonly string[]): void => {
    const missing = names.filter((column) => !known.has(column));
    if (missing.length > 0) invalid(call, `${what} names ${missing.map((column) => `"${column}"`).join(', ')}, which the table does not have`);
  };

  let primaryKey = options?.primaryKey;
  if (primaryKey !== undefined) {
    if (named.some((column) => column.primaryKey === true)) invalid(call, 'the primary key is given twice: in options.primaryKey and on a column');
    if (primaryKey.name !== undefined) requireName(call, 'primaryKey.name', primaryKey.name);
    mustExist('primaryKey', requireNames(call, 'primaryKey.columns', primaryKey.columns));
    primaryKey = { name: primaryKey.name, columns: [...primaryKey.columns] };
  }
  const indexes: IndexDefinition[] = (options?.indexes ?? []).map((index, position) => {
    const where = `indexes[${position}]`;
    const keys = requireIndexKeys(call, index.columns);
    mustExist(where, keys.filter((key): key is string => typeof key === 'string'));
    return indexDefinition(call, requireName(call, `${where}.name`, index.name), keys, index);
  });
  const uniques = (options?.uniques ?? []).map((unique, position) => {
    const columnsOf = requireNames(call, `uniques[${position}].columns`, unique.columns);
    mustExist(`uniques[${position}]`, columnsOf);
    return { name: requireName(call, `uniques[${position}].name`, unique.name), columns: [...columnsOf] };
  });
  const foreignKeys = (options?.foreignKeys ?? []).map((key, position) => {
    const definition = foreignKey(call, key.name, key.columns, key.referencedTable, key.referencedColumns, key);
    mustExist(`foreignKeys[${position}]`, definition.columns);
    return definition;
  });
  const checks = (options?.checks ?? []).map((check, position) => {
    const column = check.column === undefined ? undefined : requireName(call, `checks[${position}].column`, check.column);
    if (column !== undefined) mustExist(`checks[${position}]`, [column]);
    return {
      name: requireName(call, `checks[${position}].name`, check.name),
      expression: requireName(call, `checks[${position}].expression`, check.expression),
      column,
    };
  });
  if (options?.comment !== undefined && typeof options.comment !== 'string') invalid(call, 'comment must be a string');
  return { kind: 'createTable', table, columns: named, primaryKey, indexes, uniques, foreignKeys, checks, comment: options?.comment };
}

function addColumn(call: string, column: string, definition: ColumnDefinition): TableChange {
  const name = requireName(call, 'the column', column);
  return { kind: 'addColumn', column: { name, ...checkColumnDefinition(call, name, definition) } };
}

function createIndex(call: string, name: string, columns: unknown, options: CreateIndexOptions | undefined): TableChange {
  return {
    kind: 'createIndex',
    index: indexDefinition(call, requireName(call, 'the index name', name), requireIndexKeys(call, columns), options),
    concurrently: optionalFlag(call, 'concurrently', options?.concurrently) ?? false,
    ifNotExists: optionalFlag(call, 'ifNotExists', options?.ifNotExists) ?? false,
  };
}

function dropIndex(call: string, name: string, options: DropIndexOptions | undefined): TableChange {
  return {
    kind: 'dropIndex',
    name: requireName(call, 'the index name', name),
    concurrently: optionalFlag(call, 'concurrently', options?.concurrently) ?? false,
    ifExists: optionalFlag(call, 'ifExists', options?.ifExists) ?? false,
  };
}

function indexDefinition(call: string, name: string, columns: IndexDefinition['columns'], options: IndexOptions | undefined): IndexDefinition {
  return {
    name,
    columns: [...columns],
    unique: optionalFlag(call, 'unique', options?.unique) ?? false,
    where: optionalSql(call, 'where', options?.where),
  };
}

function foreignKey(
  call: string,
  name: unknown,
  columns: unknown,
  referencedTable: unknown,
  referencedColumns: unknown,
  options: ForeignKeyOptions | undefined,
): ForeignKeyDefinition {
  const local = requireNames(call, 'columns', columns);
  const remote = requireNames(call, 'referencedColumns', referencedColumns);
  if (local.length !== remote.length) {
    invalid(call, `columns has ${local.length} name(s) and referencedColumns ${remote.length}: they pair up one to one`);
  }
  return {
    name: requireName(call, 'the constraint name', name),
    columns: [...local],
    referencedTable: {
      name: requireName(call, 'the referenced table', referencedTable),
      schema: optionalSchema(call, options?.referencedSchema),
    },
    referencedColumns: [...remote],
    onDelete: optionalAction(call, 'onDelete', options?.onDelete),
    onUpdate: optionalAction(call, 'onUpdate', options?.onUpdate),
  };
}

/**
 * The `notValid` option, recorded only when given: a change without it stays the plain
 * data it was before the option existed.
 */
function notValid(call: string, options: ConstraintValidationOptions | undefined): { notValid?: boolean } {
  const flag = optionalFlag(call, 'notValid', options?.notValid);
  return flag === undefined ? {} : { notValid: flag };
}

function alterTable(call: string, table: string, schema: unknown, changes: readonly TableChange[], batch: boolean): AlterTableOperation {
  return { kind: 'alterTable', table: qualified(call, table, schema), changes, batch };
}

/** Runs a batch block's callback, recording its changes in order. */
function batchChanges(call: string, build: unknown): TableChange[] {
  if (typeof build !== 'function') invalid(call, `the second argument must be a function (batch) => { … } (got ${describe(build)})`);
  const changes: TableChange[] = [];
  const inner = (method: string): string => `${call.slice(0, -1)} batch.${method}`;
  const batch: BatchTableOperations = {
    addColumn: (column, definition) => void changes.push(addColumn(inner(`addColumn(${quoted(column)}, …)`), column, definition)),
    dropColumn: (column) =>
      void changes.push({ kind: 'dropColumn', column: requireName(inner('dropColumn(…)'), 'the column', column) }),
    alterColumn: (column, alteration) => {
      const where = inner(`alterColumn(${quoted(column)}, …)`);
      changes.push({ kind: 'alterColumn', column: requireName(where, 'the column', column), changes: checkAlterChanges(where, alteration) });
    },
    createIndex: (name, columns, options) => {
      const where = inner(`createIndex(${quoted(name)}, …)`);
      changes.push({
        kind: 'createIndex',
        index: indexDefinition(where, requireName(where, 'the index name', name), requireIndexKeys(where, columns), options),
        concurrently: false,
        ifNotExists: false,
      });
    },
    dropIndex: (name) =>
      void changes.push({ kind: 'dropIndex', name: requireName(inner('dropIndex(…)'), 'the index name', name), concurrently: false, ifExists: false }),
    createForeignKey: (name, columns, referencedTable, referencedColumns, options) => {
      const where = inner(`createForeignKey(${quoted(name)}, …)`);
      changes.push({
        kind: 'addForeignKey',
        foreignKey: foreignKey(where, name, columns, referencedTable, referencedColumns, options),
        ...notValid(where, options),
      });
    },
    createUniqueConstraint: (name, columns) => {
      const where = inner(`createUniqueConstraint(${quoted(name)}, …)`);
      changes.push({ kind: 'addUnique', unique: { name: requireName(where, 'the constraint name', name), columns: [...requireNames(where, 'columns', columns)] } });
    },
    createCheckConstraint: (name, expression, options) => {
      const where = inner(`createCheckConstraint(${quoted(name)}, …)`);
      changes.push({
        kind: 'addCheck',
        check: { name: requireName(where, 'the constraint name', name), expression: requireName(where, 'the condition', expression) },
        ...notValid(where, options),
      });
    },
    createPrimaryKey: (name, columns) => {
      const where = inner(`createPrimaryKey(${quoted(name)}, …)`);
      changes.push({ kind: 'addPrimaryKey', primaryKey: { name: requireName(where, 'the constraint name', name), columns: [...requireNames(where, 'columns', columns)] } });
    },
    dropConstraint: (name, type) => {
      const where = inner(`dropConstraint(${quoted(name)}, …)`);
      changes.push({ kind: 'dropConstraint', name: requireName(where, 'the constraint name', name), type: requireConstraintType(where, type) });
    },
    validateConstraint: (name) =>
      void changes.push({ kind: 'validateConstraint', name: requireName(inner(`validateConstraint(${quoted(name)})`), 'the constraint name', name) }),
  };
  const returned: unknown = (build as (batch: BatchTableOperations) => unknown)(batch);
  if (isThenable(returned)) {
    // The block's own failure is superseded by this error; left alone it would surface as an unhandled rejection.
    Promise.resolve(returned).catch(() => {});
    invalid(call, 'the block must not be async: its calls only record changes, which run together when it returns');
  }
  if (changes.length === 0) invalid(call, 'the block records no change');
  return changes;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function qualified(call: string, name: unknown, schema: unknown): QualifiedName {
  return { name: requireName(call, 'the table name', name), schema: optionalSchema(call, schema) };
}

function quoted(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : describe(value);
}
