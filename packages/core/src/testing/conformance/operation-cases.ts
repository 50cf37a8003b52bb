import { expect } from 'vitest';

import type { MigrationOperations, Row } from '../../migration.js';
import type {
  ColumnDefinition,
  NamedColumn,
  PortableColumnType,
  SchemaOperationKind,
  TableChangeKind,
  TableDescription,
} from '../../operations/schema-operation.js';
import type { ConformanceCheckId, SchemaFeature } from './options.js';

/**
 * The matrix of the `operations` group: a starting schema with rows, and one case per
 * schema operation, table change and portable column type. Each case's `up` applies the
 * operation and its `down` reverses it; {@link OperationCase.verify} checks what the
 * upgrade did, and the suite checks that the downgrade restored every table exactly.
 */

// ── the starting schema ───────────────────────────────────────────────────────

export const PARENT = 'cgm_op_parent';
export const ITEMS = 'cgm_op_items';
export const NOTES = 'cgm_op_notes';
export const TAGS = 'cgm_op_tags';
export const LOGS = 'cgm_op_logs';
export const ITEMS_VIEW = 'cgm_op_items_view';
/** A table a case creates. */
export const CREATED = 'cgm_op_created';
/** The name a case renames {@link ITEMS} to. */
export const RENAMED = 'cgm_op_items_renamed';
/** A view a case creates. */
export const CREATED_VIEW = 'cgm_op_parent_view';

/** The view over {@link ITEMS} that every case keeps working (SQLite's rebuilds must recreate it). */
// The aliases keep the view's column names when a column is renamed: SQLite rewrites the view's text, PostgreSQL keeps the names.
export const ITEMS_VIEW_QUERY = `SELECT id AS id, label AS label FROM ${ITEMS}`;

/** Every table the suite describes before and after each case, with the columns that order its rows. */
export const DESCRIBED_TABLES: Readonly<Record<string, readonly string[]>> = {
  [PARENT]: ['id'],
  [ITEMS]: ['id'],
  [NOTES]: ['id'],
  [TAGS]: ['item_id', 'tag'],
  [LOGS]: ['id'],
  [CREATED]: ['id'],
  [RENAMED]: ['id'],
};

/**
 * The starting schema, made with schema operations: a parent table; {@link ITEMS} with
 * a foreign key to it, two indexes, a check, a default and a view over it; a table whose
 * foreign key references {@link ITEMS} (which a rebuild of it must keep); a table with a
 * named composite primary key; a table without a primary key. Rows in each, NULLs in
 * `cgm_op_items.note`.
 */
export async function createStartingSchema(op: MigrationOperations): Promise<void> {
  await op.createTable(
    PARENT,
    { id: { type: 'integer', primaryKey: true }, code: { type: 'string', length: 20, nullable: false } },
    { uniques: [{ name: 'uq_parent_code', columns: ['code'] }] },
  );
  await op.createTable(
    ITEMS,
    {
      id: { type: 'integer', primaryKey: true },
      parent_id: { type: 'integer' },
      label: { type: 'string', length: 64, nullable: false },
      qty: { type: 'integer', default: 0 },
      note: { type: 'string', length: 200 },
    },
    {
      indexes: [
        { name: 'ix_items_label', columns: ['label'] },
        { name: 'ix_items_note', columns: ['note'] },
      ],
      foreignKeys: [{ name: 'fk_items_parent', columns: ['parent_id'], referencedTable: PARENT, referencedColumns: ['id'] }],
      checks: [{ name: 'ck_items_qty', expression: 'qty >= 0' }],
    },
  );
  await op.createTable(
    NOTES,
    {
      id: { type: 'integer', primaryKey: true },
      item_id: { type: 'integer', nullable: false },
      parent_id: { type: 'integer' },
      body: { type: 'text', nullable: false },
    },
    { foreignKeys: [{ name: 'fk_notes_item', columns: ['item_id'], referencedTable: ITEMS, referencedColumns: ['id'], onDelete: 'cascade' }] },
  );
  await op.createTable(
    TAGS,
    { item_id: { type: 'integer', nullable: false }, tag: { type: 'string', length: 20, nullable: false } },
    { primaryKey: { name: 'pk_tags', columns: ['item_id', 'tag'] } },
  );
  await op.createTable(LOGS, { id: { type: 'integer', nullable: false }, message: { type: 'text' } });
  await op.createView(ITEMS_VIEW, ITEMS_VIEW_QUERY);

  await op.bulkInsert(PARENT, [
    { id: 1, code: 'north' },
    { id: 2, code: 'south' },
  ]);
  await op.bulkInsert(ITEMS, [
    { id: 1, parent_id: 1, label: 'one', qty: 1, note: 'first' },
    { id: 2, parent_id: 2, label: 'two', qty: 2, note: null },
    { id: 3, parent_id: null, label: 'three', qty: 3, note: 'third' },
  ]);
  await op.bulkInsert(NOTES, [
    { id: 1, item_id: 1, parent_id: 1, body: 'a note on one' },
    { id: 2, item_id: 3, parent_id: 2, body: 'a note on three' },
  ]);
  await op.bulkInsert(TAGS, [
    { item_id: 1, tag: 'red' },
    { item_id: 1, tag: 'blue' },
    { item_id: 2, tag: 'red' },
  ]);
  await op.bulkInsert(LOGS, [
    { id: 1, message: 'created' },
    { id: 2, message: 'checked' },
  ]);
}

// ── what a case sees ──────────────────────────────────────────────────────────

/** The database as the suite observes it: each described table (undefined when absent), its rows, and the view's rows. */
export interface SchemaSnapshot {
  readonly tables: Readonly<Record<string, TableDescription | undefined>>;
  readonly rows: Readonly<Record<string, readonly Row[] | undefined>>;
  /** The rows of {@link ITEMS_VIEW}, `undefined` when it cannot be queried. */
  readonly viewRows: readonly Row[] | undefined;
  /** The rows of {@link CREATED_VIEW}, `undefined` when it cannot be queried. */
  readonly createdViewRows: readonly Row[] | undefined;
}

/** What a case may do beyond looking at snapshots. */
export interface CaseProbe {
  /** The value `column` gets in a row of {@link ITEMS} inserted with only `id` and `label` (the insert is rolled back). */
  defaultOf(column: string): Promise<unknown>;
  /** Whether running `sql` succeeds (in a transaction that is rolled back). */
  succeeds(sql: string): Promise<boolean>;
}

/** One row of the matrix. */
export interface OperationCase {
  readonly id: ConformanceCheckId;
  readonly title: string;
  up(op: MigrationOperations): Promise<void>;
  down(op: MigrationOperations): Promise<void>;
  /** What the case needs of the schema, beyond tables, columns, keys and plain indexes; see the `lacks` option of the suite. */
  readonly needs?: SchemaFeature | undefined;
  /** Checks the upgrade's effect. */
  verify(before: SchemaSnapshot, after: SchemaSnapshot, probe: CaseProbe): Promise<void> | void;
  /**
   * What the downgrade cannot bring back, so that the rows after it are compared without
   * it: every row of a table the case dropped, or the values of a column it dropped
   * (NULL after it is added back).
   */
  readonly loses?: { readonly rowsOf?: readonly string[] | undefined; readonly values?: Readonly<Record<string, readonly string[]>> | undefined } | undefined;
}

// ── helpers for verify ────────────────────────────────────────────────────────

/** The described table, failing the check when it does not exist. */
export function table(snapshot: SchemaSnapshot, name: string): TableDescription {
  const described = snapshot.tables[name];
  if (described === undefined) return expect.unreachable(`table ${name} should exist, but describeTable says it does not`);
  return described;
}

/** The described column, failing the check when the table or the column does not exist. */
export function column(snapshot: SchemaSnapshot, tableName: string, name: string): NamedColumn {
  const found = table(snapshot, tableName).columns.find((candidate) => candidate.name === name);
  if (found === undefined) return expect.unreachable(`table ${tableName} should have a column ${name}`);
  return found;
}

/** The column names of a described table, in order. */
export function columnNames(snapshot: SchemaSnapshot, tableName: string): string[] {
  return table(snapshot, tableName).columns.map((described) => described.name);
}

/** Every table but `changed` is described exactly as before. */
export function othersUnchanged(before: SchemaSnapshot, after: SchemaSnapshot, ...changed: string[]): void {
  const others = (snapshot: SchemaSnapshot): Record<string, unknown> =>
    Object.fromEntries(Object.entries(snapshot.tables).filter(([name]) => !changed.includes(name)));
  expect(others(after)).toEqual(others(before));
}

/** `table`'s description apart from `part`, which the case changed. */
function without(described: TableDescription, part: keyof TableDescription): Partial<TableDescription> {
  const { [part]: _changed, ...rest } = described;
  return rest;
}

/** `tableName` is described as before apart from `part`; every other table exactly as before. */
export function onlyPartChanged(before: SchemaSnapshot, after: SchemaSnapshot, tableName: string, part: keyof TableDescription): void {
  othersUnchanged(before, after, tableName);
  expect(without(table(after, tableName), part)).toEqual(without(table(before, tableName), part));
}

/** `tableName`'s rows as before, projected on `columns` (values compared as the driver returns them). */
export function rowsKept(before: SchemaSnapshot, after: SchemaSnapshot, tableName: string, columns: readonly string[], afterTable = tableName): void {
  const project = (rows: readonly Row[] | undefined): Row[] | undefined =>
    rows?.map((row) => Object.fromEntries(columns.map((name) => [name, row[name]])));
  expect(project(after.rows[afterTable])).toEqual(project(before.rows[tableName]));
}

/** Names of a described table's indexes, uniques, foreign keys or checks. */
export function names(items: readonly { readonly name?: string | undefined }[]): (string | undefined)[] {
  return items.map((item) => item.name);
}

/**
 * The portable types a dialect may legitimately report when it reads back a column
 * declared with each portable type, because it has no type of its own for it (the
 * column keeps its data, in the storage class the dialect uses instead):
 * - `smallint`: SQLite has one integer type;
 * - `string`: SQLite writes variable-length strings as TEXT (it enforces no length);
 * - `float`: SQLite's REAL and MySQL's FLOAT widen to double precision on read;
 * - `boolean`: SQLite and MySQL store booleans as integers (`tinyint(1)`);
 * - `uuid`: stored as text (SQLite) or `char(36)` (MySQL);
 * - `json`: SQLite stores JSON as text;
 * - `enum`: without a native enum, a text column (with a check constraint).
 */
export const READ_BACK_TYPES: Readonly<Record<PortableColumnType, readonly PortableColumnType[]>> = {
  integer: ['integer'],
  bigint: ['bigint'],
  smallint: ['smallint', 'integer'],
  decimal: ['decimal'],
  float: ['float', 'double'],
  double: ['double'],
  boolean: ['boolean', 'integer', 'smallint'],
  string: ['string', 'text'],
  text: ['text'],
  uuid: ['uuid', 'string', 'text'],
  json: ['json', 'text'],
  date: ['date'],
  time: ['time'],
  datetime: ['datetime'],
  blob: ['blob'],
  enum: ['enum', 'string', 'text'],
};

/** A column definition per portable type, with the parameters a user would give; a new portable type does not compile until it is added. */
export const COLUMN_OF_TYPE: Readonly<Record<PortableColumnType, ColumnDefinition>> = {
  integer: { type: 'integer' },
  bigint: { type: 'bigint' },
  smallint: { type: 'smallint' },
  decimal: { type: 'decimal', precision: 10, scale: 2 },
  float: { type: 'float' },
  double: { type: 'double' },
  boolean: { type: 'boolean' },
  string: { type: 'string', length: 40 },
  text: { type: 'text' },
  uuid: { type: 'uuid' },
  json: { type: 'json' },
  date: { type: 'date' },
  time: { type: 'time' },
  datetime: { type: 'datetime', timezone: true },
  blob: { type: 'blob' },
  enum: { type: 'enum', values: ['low', 'high'], enumName: 'cgm_op_level' },
};

/** The kinds the matrix covers: every operation but `alterTable` (covered by its changes), every table change, and the batch. */
export type CoveredKind = Exclude<SchemaOperationKind, 'alterTable'> | TableChangeKind | 'batchAlterTable';
