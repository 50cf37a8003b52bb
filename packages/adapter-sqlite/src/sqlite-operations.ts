/**
 * SQLite's schema-operation compiler: the kit's MikroORM compiler, with SQLite's batch
 * mode. What `ALTER TABLE` cannot do on SQLite (change a column's type, nullability or
 * default; add or drop a foreign key, check or primary key; drop a column that is
 * indexed, keyed or referenced) runs as one rebuild of the table for the whole
 * `alterTable` operation, as MikroORM writes it (`<table>__temp_alter`, copy, drop,
 * rename, indexes), completed by {@link completeTableRebuild}.
 *
 * @packageDocumentation
 */

import {
  applyTableChanges,
  namesColumn,
  primaryKeyColumns,
  splitStatements,
  type AlterTableOperation,
  type CompiledOperation,
  type NamedColumn,
  type OperationCompileContext,
  type SchemaCheckQuery,
  type SchemaOperationCompiler,
  type TableChange,
  type TableDescription,
} from '@cloudguard/migrate-core/adapter';
import {
  createOperationCompiler,
  describeTable,
  indexStatementParts,
  tableDifference,
  toMikroColumn,
  toMikroTable,
  withIndexExpressions,
  type AlterTableTools,
} from '@cloudguard/migrate-adapter-kit/operations';
import type { AbstractSqlPlatform, Column, TableDifference } from '@mikro-orm/sqlite';

import { plainCreateTable } from './sqlite-create-table.js';
import { completeTableRebuild, DEPENDENTS_QUERY, withoutForeignKeyPragmas, type SchemaDependent } from './sqlite-rebuild.js';

const DIALECT = 'sqlite';

/** The compiler of `op.createTable` and the rest on SQLite. */
export function sqliteOperationCompiler(platform: AbstractSqlPlatform): SchemaOperationCompiler {
  const compiler = createOperationCompiler({
    dialect: DIALECT,
    platform,
    features: { displayName: 'SQLite', indexExistenceClauses: true, foreignKeysInCreateTable: true, expressionIndexes: true },
    alterTable: compileAlterTable,
  });
  return {
    // A plain table's statement is written directly (see plainCreateTable); everything else goes to the kit.
    compile: async (operation, context) => {
      const statements = operation.kind === 'createTable' ? plainCreateTable(operation, platform) : undefined;
      return statements === undefined ? compiler.compile(operation, context) : { statements };
    },
  };
}

/** Reads a table's definition through MikroORM's SQLite introspection, with `query` (in the session's transaction). */
export function describeSqliteTable(platform: AbstractSqlPlatform, query: (sql: string, params: readonly unknown[]) => Promise<readonly Record<string, unknown>[]>) {
  return async (table: { readonly name: string; readonly schema?: string | undefined }): Promise<TableDescription | undefined> => {
    const description = await describeTable(table, { dialect: DIALECT, platform, query });
    if (description === undefined) return undefined;
    const objects = (await query("select type, name, sql from sqlite_master where tbl_name = ? and sql is not null", [table.name])) as readonly {
      type: string;
      name: string;
      sql: string;
    }[];
    const tableSql = objects.find((object) => object.type === 'table')?.sql ?? '';
    const inlineUniques = await declaredUniques(description, query);
    return withIndexKeys(withDeclaredForeignKeyNames({ ...description, uniques: [...description.uniques, ...inlineUniques] }, tableSql), objects);
  };
}

/**
 * The `UNIQUE` constraints written inside `CREATE TABLE`, which MikroORM's reader leaves
 * out (SQLite keeps them as `sqlite_autoindex_*` indexes): a rebuild keeps them as
 * unique indexes named by MikroORM's convention.
 */
async function declaredUniques(description: TableDescription, query: (sql: string, params: readonly unknown[]) => Promise<readonly Record<string, unknown>[]>) {
  const table = description.table.name;
  const uniques = (await query("select name from pragma_index_list(?) where origin = 'u'", [table])) as readonly { name: string }[];
  const found: { name: string; columns: string[] }[] = [];
  for (const { name } of uniques) {
    const columns = ((await query('select name from pragma_index_info(?) order by seqno', [name])) as readonly { name: string }[]).map((row) => row.name);
    const key = columns.join(',');
    if (description.uniques.some((unique) => unique.columns.join(',') === key)) continue;
    found.push({ name: `${table}_${columns.join('_')}_unique`, columns });
  }
  return found;
}

/**
 * The keys of expression indexes, which MikroORM's reader reports without a column
 * name, from the index's SQL (`create index ix on t (lower(email))`).
 */
function withIndexKeys(description: TableDescription, objects: readonly { type: string; name: string; sql: string }[]): TableDescription {
  return {
    ...description,
    indexes: description.indexes.map((index) => {
      if (index.columns.every((key) => key !== '')) return index;
      const sql = objects.find((object) => object.type === 'index' && object.name === index.name)?.sql;
      const keys = sql === undefined ? undefined : indexStatementParts(sql)?.keys;
      return keys === undefined ? index : { ...index, columns: [...keys] };
    }),
  };
}

/**
 * SQLite reports foreign keys without their names (`pragma foreign_key_list`), so
 * MikroORM names them by its convention; the names the table's SQL declares
 * (`constraint fk_scans_account foreign key (account_id)`) are put back, so that
 * `dropConstraint` finds a key by the name it was created with.
 */
function withDeclaredForeignKeyNames(description: TableDescription, sql: string): TableDescription {
  const identifier = '(?:`([^`]+)`|"([^"]+)"|\\[([^\\]]+)\\]|(\\w+))';
  const declared = new Map<string, string>();
  for (const match of sql.matchAll(new RegExp(`constraint\\s+${identifier}\\s+foreign\\s+key\\s*\\(([^)]*)\\)`, 'gi'))) {
    const name = match[1] ?? match[2] ?? match[3] ?? match[4] ?? '';
    const columns = (match[5] ?? '').split(',').map((column) => column.trim().replace(/^[`"[]|[`"\]]$/g, ''));
    declared.set(columns.join(','), name);
  }
  return {
    ...description,
    foreignKeys: description.foreignKeys.map((key) => ({ ...key, name: declared.get(key.columns.join(',')) ?? key.name })),
  };
}

/** The changes `ALTER TABLE` makes in place on SQLite, whatever the table. */
const IN_PLACE: ReadonlySet<TableChange['kind']> = new Set(['createIndex', 'dropIndex', 'addUnique']);

async function compileAlterTable(operation: AlterTableOperation, context: OperationCompileContext, tools: AlterTableTools): Promise<CompiledOperation | undefined> {
  if (operation.changes.every((change) => IN_PLACE.has(change.kind) || (change.kind === 'addColumn' && addsInPlace(change.column)))) return undefined;
  if (operation.changes.every((change) => change.kind === 'alterColumn' && onlyRenames(change.changes))) return undefined;
  // Offline, where no table can be read, a column is dropped in place: SQLite refuses it when it runs if it is tied up.
  if (context.offline && operation.changes.every((change) => IN_PLACE.has(change.kind) || change.kind === 'dropColumn')) return undefined;
  const before = await context.describeTable(operation.table);
  if (before === undefined) tools.refuse(operation, `table ${operation.table.name} does not exist`);
  if (!needsRebuild(operation.changes, before)) return undefined;
  return rebuild(operation, before, context, tools);
}

/** SQLite's `ADD COLUMN` cannot add a key column, a NOT NULL column without a default, or a non-constant default. */
function addsInPlace(column: NamedColumn): boolean {
  if (column.primaryKey === true) return false;
  if (column.nullable === false && column.default === undefined) return false;
  return !(typeof column.default === 'object' && !/^\s*(null|'[^']*'|-?\d+(\.\d+)?|true|false)\s*$/i.test(column.default.sql));
}

/**
 * Whether an `alterColumn` only renames the column (or sets its comment): SQLite keeps no
 * comments, so a comment is left out, as Alembic leaves it out on SQLite.
 */
function onlyRenames(changes: Extract<TableChange, { kind: 'alterColumn' }>['changes']): boolean {
  return Object.entries(changes).every(([key, value]) => key === 'name' || key === 'comment' || value === undefined);
}

function needsRebuild(changes: readonly TableChange[], before: TableDescription): boolean {
  // A column is tied up by what the table holds when its drop comes, earlier changes of the batch included.
  let current = before;
  return changes.some((change) => {
    const table = current;
    current = applyTableChanges(current, [change], DIALECT);
    switch (change.kind) {
      case 'createIndex':
      case 'dropIndex':
      case 'addUnique':
        return false;
      case 'addColumn':
        return !addsInPlace(change.column);
      case 'alterColumn':
        return !onlyRenames(change.changes);
      case 'dropColumn':
        return isTiedUp(table, change.column);
      case 'dropConstraint':
        return change.type !== 'unique';
      default:
        return true;
    }
  });
}

/** Whether a column is keyed, indexed, unique, referencing or named by a check: SQLite's `DROP COLUMN` refuses those. */
function isTiedUp(table: TableDescription, column: string): boolean {
  const named = (sql: string): boolean => namesColumn(sql, column);
  const definition = table.columns.find((candidate) => candidate.name === column);
  return (
    primaryKeyColumns(table).includes(column) ||
    definition?.unique === true ||
    definition?.references !== undefined ||
    table.indexes.some((index) => index.columns.some((key) => (typeof key === 'string' ? key === column : named(key.sql))) || (index.where !== undefined && named(index.where))) ||
    table.uniques.some((unique) => unique.columns.includes(column)) ||
    table.foreignKeys.some((key) => key.columns.includes(column)) ||
    table.checks.some((check) => named(check.expression))
  );
}

/**
 * One rebuild for the whole operation: MikroORM's temp-table statements for the table
 * before and after the changes, the copy made by column (renamed columns from their old
 * name, new columns left to their default), views and triggers kept, and checks of the
 * copy first.
 */
async function rebuild(operation: AlterTableOperation, before: TableDescription, context: OperationCompileContext, tools: AlterTableTools): Promise<CompiledOperation> {
  const after = applyTableChanges(before, operation.changes, DIALECT);
  const sources = sourceColumns(operation.changes, before);
  const from = toMikroTable(before, DIALECT, tools.platform).table;
  const to = toMikroTable(after, DIALECT, tools.platform).table;
  const difference = rebuildDifference(from, to, before, after, sources, tools.platform);
  const written = (tools.schemaHelper as unknown as { getAlterTempTableSQL(diff: TableDifference): string[] }).getAlterTempTableSQL(difference);
  const statements = withIndexExpressions(withoutForeignKeyPragmas(written.flatMap((statement) => splitStatements(statement))), after.indexes, tools.platform).map(
    (statement) => (/^insert into /i.test(statement) ? copyStatement(tools.platform, after, sources) : statement),
  );
  const dependents = context.query === undefined ? [] : ((await context.query(DEPENDENTS_QUERY)) as unknown as SchemaDependent[]);
  const preconditions = context.query === undefined ? [] : await copyPreconditions(before, after, sources, context.query, tools.platform);
  return completeTableRebuild(before.table.name, statements, dependents, preconditions);
}

/** For each column of the rebuilt table, the column of the old one its values come from (none for a new column). */
function sourceColumns(changes: readonly TableChange[], before: TableDescription): Map<string, string> {
  const sources = new Map(before.columns.map((column) => [column.name, column.name]));
  for (const change of changes) {
    if (change.kind === 'dropColumn') sources.delete(change.column);
    if (change.kind === 'alterColumn' && change.changes.name !== undefined && change.changes.name !== change.column) {
      const source = sources.get(change.column);
      sources.delete(change.column);
      if (source !== undefined) sources.set(change.changes.name, source);
    }
  }
  return sources;
}

function copyStatement(platform: AbstractSqlPlatform, after: TableDescription, sources: ReadonlyMap<string, string>): string {
  const quote = (name: string): string => platform.quoteIdentifier(name);
  const copied = after.columns.filter((column) => sources.has(column.name));
  // No old column is kept: the rows are copied by their rowid alone, the new columns taking their defaults.
  if (copied.length === 0) return `insert into ${quote(`${after.table.name}__temp_alter`)} (rowid) select rowid from ${quote(after.table.name)}`;
  return (
    `insert into ${quote(`${after.table.name}__temp_alter`)} (${copied.map((column) => quote(column.name)).join(', ')}) ` +
    `select ${copied.map((column) => quote(sources.get(column.name) ?? column.name)).join(', ')} from ${quote(after.table.name)}`
  );
}

/** MikroORM's difference of the two tables, as far as a rebuild reads it. */
function rebuildDifference(
  from: ReturnType<typeof toMikroTable>['table'],
  to: ReturnType<typeof toMikroTable>['table'],
  before: TableDescription,
  after: TableDescription,
  sources: ReadonlyMap<string, string>,
  platform: AbstractSqlPlatform,
): TableDifference {
  const addedColumns: Record<string, Column> = {};
  const changedColumns: TableDifference['changedColumns'] = {};
  for (const column of after.columns) {
    const source = sources.get(column.name);
    const mapped = toMikroColumn(column, DIALECT, platform);
    const previous = before.columns.find((candidate) => candidate.name === source);
    if (previous === undefined) addedColumns[column.name] = mapped;
    else changedColumns[column.name] = { oldColumnName: previous.name, column: mapped, fromColumn: toMikroColumn(previous, DIALECT, platform), changedProperties: new Set() };
  }
  return { ...tableDifference(from, to, { addedColumns, changedColumns }), name: after.table.name };
}

/**
 * What would make the copy fail, counted now so that the message says how many rows:
 * NULLs in a column the rebuilt table makes NOT NULL, rows for a new NOT NULL column
 * without a default, duplicates under a new unique key. Each is also a check that runs
 * before the rebuild (it finds the same rows: nothing runs in between).
 */
async function copyPreconditions(
  before: TableDescription,
  after: TableDescription,
  sources: ReadonlyMap<string, string>,
  query: NonNullable<OperationCompileContext['query']>,
  platform: AbstractSqlPlatform,
): Promise<SchemaCheckQuery[]> {
  const table = before.table.name;
  const quote = (name: string): string => platform.quoteIdentifier(name);
  const counted = async (from: string, failure: (count: number) => string, comment: string): Promise<SchemaCheckQuery> => {
    const check = `select count(*) as ${quote('rows')} from ${from} having count(*) > 0`;
    const [row] = await query<{ rows: number }>(check);
    return { when: 'before', comment, query: check, failure: failure(Number(row?.rows ?? 0)) };
  };
  const checks: SchemaCheckQuery[] = [];
  const primary = primaryKeyColumns(after);
  for (const column of after.columns) {
    const source = sources.get(column.name);
    const previous = before.columns.find((candidate) => candidate.name === source);
    const notNull = column.nullable === false || primary.includes(column.name);
    if (previous !== undefined && source !== undefined && notNull && previous.nullable !== false && !primaryKeyColumns(before).includes(source)) {
      checks.push(
        await counted(
          `${quote(table)} where ${quote(source)} is null`,
          (count) => `${table}.${source} holds NULL in ${count} rows, and the rebuilt table makes ${source === column.name ? 'it' : `${column.name}`} NOT NULL`,
          `${table}.${column.name} becomes NOT NULL: rows holding NULL in it cannot be copied.`,
        ),
      );
    }
    if (previous === undefined && notNull && column.default === undefined && column.autoincrement !== true) {
      checks.push(
        await counted(
          quote(table),
          (count) => `${table}.${column.name} is a new NOT NULL column without a default, and ${table} has ${count} rows to copy`,
          `${table}.${column.name} is new and NOT NULL without a default: the table must be empty.`,
        ),
      );
    }
  }
  const keyOf = (columns: readonly string[]): string => columns.join('\u0000');
  const known = new Set([...before.uniques.map((unique) => keyOf(unique.columns)), ...before.indexes.filter((index) => index.unique === true).map((index) => keyOf(index.columns.map(String)))]);
  const newKeys = [
    ...after.uniques.map((unique) => unique.columns),
    ...(primary.length > 0 && keyOf(primary) !== keyOf(primaryKeyColumns(before)) ? [primary] : []),
  ].filter((columns) => !known.has(keyOf(columns)) && columns.every((column) => sources.has(column)));
  for (const columns of newKeys) {
    const sourced = columns.map((column) => quote(sources.get(column) ?? column)).join(', ');
    checks.push(
      await counted(
        `(select 1 from ${quote(table)} group by ${sourced} having count(*) > 1)`,
        (count) => `${table}(${columns.join(', ')}) repeats ${count} value${count === 1 ? '' : 's'}, and the rebuilt table makes it unique`,
        `${table}(${columns.join(', ')}) becomes unique: duplicated values cannot be copied.`,
      ),
    );
  }
  return checks;
}
