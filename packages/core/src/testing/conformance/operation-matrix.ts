import { expect } from 'vitest';

import type { MigrationOperations, Row } from '../../migration.js';
import { PORTABLE_COLUMN_TYPES, type PortableColumnType, type TableDescription } from '../../operations/schema-operation.js';
import { primaryKeyColumns } from '../../operations/table-changes.js';
import {
  COLUMN_OF_TYPE,
  CREATED,
  CREATED_VIEW,
  ITEMS,
  ITEMS_VIEW,
  ITEMS_VIEW_QUERY,
  LOGS,
  NOTES,
  PARENT,
  READ_BACK_TYPES,
  RENAMED,
  TAGS,
  column,
  columnNames,
  names,
  othersUnchanged,
  rowsKept,
  table,
  type CoveredKind,
  type OperationCase,
  type SchemaSnapshot,
} from './operation-cases.js';

const ITEM_COLUMNS = ['id', 'parent_id', 'label', 'qty', 'note'] as const;

/**
 * The names of a table's unique constraints and unique indexes together. A dialect may
 * report a unique constraint as a unique index or the other way round (SQLite keeps a
 * `UNIQUE` constraint as an index; PostgreSQL backs each constraint with one): both
 * enforce the same rule, so the suite accepts either.
 */
function uniqueNames(described: TableDescription): (string | undefined)[] {
  return [...names(described.uniques), ...names(described.indexes.filter((index) => index.unique === true))];
}

/** `tableName` is described as before apart from `parts`; every other table exactly as before. */
function onlyChanged(before: SchemaSnapshot, after: SchemaSnapshot, tableName: string, parts: readonly (keyof TableDescription)[]): void {
  othersUnchanged(before, after, tableName);
  const rest = (described: TableDescription): Record<string, unknown> =>
    Object.fromEntries(Object.entries(described).filter(([key]) => !parts.includes(key as keyof TableDescription)));
  expect(rest(table(after, tableName))).toEqual(rest(table(before, tableName)));
}

/** The column as before apart from `keys`. */
function columnChangedOnly(before: SchemaSnapshot, after: SchemaSnapshot, tableName: string, name: string, keys: readonly string[], newName = name): void {
  const rest = (described: object): Record<string, unknown> => Object.fromEntries(Object.entries(described).filter(([key]) => !keys.includes(key)));
  expect(rest(column(after, tableName, newName))).toEqual(rest(column(before, tableName, name)));
}

/** Every column of `tableName` but `name` is described as before, in the same order. */
function otherColumnsUnchanged(before: SchemaSnapshot, after: SchemaSnapshot, tableName: string, name: string, newName = name): void {
  const others = (snapshot: SchemaSnapshot, skip: string) => table(snapshot, tableName).columns.filter((c) => c.name !== skip);
  expect(others(after, newName)).toEqual(others(before, name));
}

const isNullable = (nullable: boolean | undefined): boolean => nullable !== false;
const numbers = (rows: readonly Row[] | undefined, key: string): number[] | undefined => rows?.map((row) => Number(row[key]));

/** Items, its view and the tables around it keep their rows. */
function itemsKept(before: SchemaSnapshot, after: SchemaSnapshot, columns: readonly string[] = ITEM_COLUMNS): void {
  rowsKept(before, after, ITEMS, columns);
  rowsKept(before, after, NOTES, ['id', 'item_id', 'parent_id', 'body']);
  expect(after.viewRows).toEqual(before.viewRows);
}

const withArticle = (type: string): string => `${/^[aeiou]/.test(type) && type !== 'uuid' ? 'an' : 'a'} ${type}`;

// ── createTable and addColumn, per portable type ──────────────────────────────

function createTableOfType(type: PortableColumnType): OperationCase {
  return {
    id: 'operations.createTable',
    title: `createTable with ${withArticle(type)} column`,
    up: async (op) => {
      await op.createTable(CREATED, { id: { type: 'integer', primaryKey: true }, value: COLUMN_OF_TYPE[type] });
      await op.bulkInsert(CREATED, [{ id: 1 }]);
    },
    down: (op) => op.dropTable(CREATED),
    verify: (before, after) => {
      expect(before.tables[CREATED]).toBeUndefined();
      othersUnchanged(before, after, CREATED);
      expect(columnNames(after, CREATED)).toEqual(['id', 'value']);
      expect(primaryKeyColumns(table(after, CREATED))).toEqual(['id']);
      expect(isNullable(column(after, CREATED, 'id').nullable)).toBe(false);
      checkReadBack(column(after, CREATED, 'value'), type);
      expect(numbers(after.rows[CREATED], 'id')).toEqual([1]);
    },
  };
}

function addColumnOfType(type: PortableColumnType): OperationCase {
  return {
    id: 'operations.addColumn',
    title: `addColumn of ${withArticle(type)} column to a table with rows`,
    up: (op) => op.addColumn(ITEMS, 'extra', COLUMN_OF_TYPE[type]),
    down: (op) => op.dropColumn(ITEMS, 'extra'),
    verify: (before, after) => {
      // Without a native enum, the enum's check constraint comes with the column.
      onlyChanged(before, after, ITEMS, type === 'enum' ? ['columns', 'checks'] : ['columns']);
      expect(table(after, ITEMS).columns.slice(0, -1)).toEqual(table(before, ITEMS).columns);
      expect(columnNames(after, ITEMS).at(-1)).toBe('extra');
      checkReadBack(column(after, ITEMS, 'extra'), type);
      itemsKept(before, after);
      expect(after.rows[ITEMS]?.map((row) => row['extra'])).toEqual([null, null, null]);
    },
  };
}

/** The described column has a type the dialect may report for `declared`, with its parameters where it kept the type. */
function checkReadBack(described: { type: PortableColumnType; length?: number | undefined; precision?: number | undefined; scale?: number | undefined; values?: readonly string[] | undefined; nullable?: boolean | undefined }, declared: PortableColumnType): void {
  expect(READ_BACK_TYPES[declared], `a ${declared} column read back as ${described.type}`).toContain(described.type);
  expect(isNullable(described.nullable)).toBe(true);
  if (described.type !== declared) return;
  const definition = COLUMN_OF_TYPE[declared];
  if (declared === 'string') expect(described.length).toBe(definition.length);
  if (declared === 'decimal') expect({ precision: described.precision, scale: described.scale }).toEqual({ precision: definition.precision, scale: definition.scale });
  if (declared === 'enum') expect(described.values).toEqual(definition.values);
}

// ── the matrix ────────────────────────────────────────────────────────────────

const LOGS_COLUMNS = { id: { type: 'integer', nullable: false }, message: { type: 'text' } } as const;

/**
 * Every case, by the operation or change it covers. Typed as a record over
 * {@link CoveredKind}, so that a new operation or table change does not compile until
 * it has a case here.
 */
export const OPERATION_MATRIX: Readonly<Record<CoveredKind, readonly OperationCase[]>> = {
  createTable: [
    ...PORTABLE_COLUMN_TYPES.map(createTableOfType),
    {
      id: 'operations.createTable.constraints',
      title: 'createTable with an autoincrement key, an index, a unique, a foreign key and a check',
      up: async (op) => {
        await op.createTable(
          CREATED,
          {
            id: { type: 'integer', primaryKey: true, autoincrement: true },
            parent_id: { type: 'integer', nullable: false },
            code: { type: 'string', length: 20, nullable: false },
            amount: { type: 'decimal', precision: 8, scale: 2, nullable: false, default: 0 },
          },
          {
            indexes: [{ name: 'ix_created_code', columns: ['code'] }],
            uniques: [{ name: 'uq_created_parent_code', columns: ['parent_id', 'code'] }],
            foreignKeys: [{ name: 'fk_created_parent', columns: ['parent_id'], referencedTable: PARENT, referencedColumns: ['id'], onDelete: 'cascade' }],
            checks: [{ name: 'ck_created_amount', expression: 'amount >= 0' }],
          },
        );
        await op.bulkInsert(CREATED, [{ parent_id: 1, code: 'x' }]);
      },
      down: (op) => op.dropTable(CREATED),
      verify: (before, after) => {
        othersUnchanged(before, after, CREATED);
        const created = table(after, CREATED);
        expect(columnNames(after, CREATED)).toEqual(['id', 'parent_id', 'code', 'amount']);
        expect(primaryKeyColumns(created)).toEqual(['id']);
        expect(created.indexes.find((index) => index.name === 'ix_created_code')).toMatchObject({ columns: ['code'] });
        expect(uniqueNames(created)).toContain('uq_created_parent_code');
        expect(created.foreignKeys.find((key) => key.name === 'fk_created_parent')).toMatchObject({
          columns: ['parent_id'],
          referencedTable: { name: PARENT },
          referencedColumns: ['id'],
          onDelete: 'cascade',
        });
        expect(names(created.checks)).toContain('ck_created_amount');
        // The key was generated and the default applied.
        expect(after.rows[CREATED]?.map((row) => ({ id: Number(row['id']), amount: Number(row['amount']) }))).toEqual([{ id: 1, amount: 0 }]);
      },
    },
    {
      id: 'operations.createTable.comment',
      needs: 'comments',
      title: 'createTable with a table comment and a column comment',
      up: (op) =>
        op.createTable(CREATED, { id: { type: 'integer', primaryKey: true }, value: { type: 'text', comment: 'what it holds' } }, { comment: 'made by the suite' }),
      down: (op) => op.dropTable(CREATED),
      verify: (before, after) => {
        othersUnchanged(before, after, CREATED);
        expect(table(after, CREATED).comment).toBe('made by the suite');
        expect(column(after, CREATED, 'value').comment).toBe('what it holds');
      },
    },
  ],
  dropTable: [
    {
      id: 'operations.dropTable',
      title: 'dropTable of a table with rows; down creates it again, empty',
      up: (op) => op.dropTable(LOGS),
      down: (op) => op.createTable(LOGS, LOGS_COLUMNS),
      verify: (before, after) => {
        expect(after.tables[LOGS]).toBeUndefined();
        expect(after.rows[LOGS]).toBeUndefined();
        othersUnchanged(before, after, LOGS);
      },
      loses: { rowsOf: [LOGS] },
    },
  ],
  renameTable: [
    {
      id: 'operations.renameTable',
      title: 'renameTable of a table that has a view, indexes and a referencing foreign key',
      up: (op) => op.renameTable(ITEMS, RENAMED),
      down: (op) => op.renameTable(RENAMED, ITEMS),
      verify: (before, after) => {
        expect(after.tables[ITEMS]).toBeUndefined();
        const { table: _old, ...was } = table(before, ITEMS);
        const { table: renamed, ...is } = table(after, RENAMED);
        expect(renamed.name).toBe(RENAMED);
        expect(is).toEqual(was);
        // The foreign key that references it follows it.
        othersUnchanged(before, after, ITEMS, RENAMED, NOTES);
        expect(table(after, NOTES).foreignKeys.find((key) => key.name === 'fk_notes_item')?.referencedTable.name).toBe(RENAMED);
        rowsKept(before, after, ITEMS, ITEM_COLUMNS, RENAMED);
        expect(after.viewRows).toEqual(before.viewRows);
      },
    },
  ],
  addColumn: [
    ...PORTABLE_COLUMN_TYPES.map(addColumnOfType),
    {
      id: 'operations.addColumn.not-null-default',
      title: 'addColumn NOT NULL with a default to a table with rows: the rows get the default',
      up: (op) => op.addColumn(ITEMS, 'extra', { type: 'integer', nullable: false, default: 7 }),
      down: (op) => op.dropColumn(ITEMS, 'extra'),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['columns']);
        expect(column(after, ITEMS, 'extra').nullable).toBe(false);
        itemsKept(before, after);
        expect(numbers(after.rows[ITEMS], 'extra')).toEqual([7, 7, 7]);
      },
    },
  ],
  dropColumn: [
    {
      id: 'operations.dropColumn',
      title: 'dropColumn of an indexed column; down adds it back with its index',
      up: (op) => op.dropColumn(ITEMS, 'note'),
      down: async (op) => {
        await op.addColumn(ITEMS, 'note', { type: 'string', length: 200 });
        await op.createIndex('ix_items_note', ITEMS, ['note']);
      },
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['columns', 'indexes']);
        expect(columnNames(after, ITEMS)).toEqual(['id', 'parent_id', 'label', 'qty']);
        expect(table(after, ITEMS).columns).toEqual(table(before, ITEMS).columns.slice(0, -1));
        expect(table(after, ITEMS).indexes).toEqual(table(before, ITEMS).indexes.filter((index) => index.name !== 'ix_items_note'));
        itemsKept(before, after, ['id', 'parent_id', 'label', 'qty']);
      },
      loses: { values: { [ITEMS]: ['note'] } },
    },
  ],
  alterColumn: [
    {
      id: 'operations.alterColumn.type',
      title: 'alterColumn type integer → bigint, on a column with a default and a check',
      up: (op) => op.alterColumn(ITEMS, 'qty', { type: 'bigint' }),
      down: (op) => op.alterColumn(ITEMS, 'qty', { type: 'integer' }),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['columns']);
        otherColumnsUnchanged(before, after, ITEMS, 'qty');
        expect(column(after, ITEMS, 'qty').type).toBe('bigint');
        columnChangedOnly(before, after, ITEMS, 'qty', ['type', 'nativeType']);
        itemsKept(before, after, ['id', 'parent_id', 'label', 'note']);
        expect(numbers(after.rows[ITEMS], 'qty')).toEqual(numbers(before.rows[ITEMS], 'qty'));
      },
    },
    {
      id: 'operations.alterColumn.type',
      title: 'alterColumn string length 64 → 200, on an indexed column under a view',
      up: (op) => op.alterColumn(ITEMS, 'label', { type: 'string', length: 200 }),
      down: (op) => op.alterColumn(ITEMS, 'label', { type: 'string', length: 64 }),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['columns']);
        otherColumnsUnchanged(before, after, ITEMS, 'label');
        const label = column(after, ITEMS, 'label');
        expect(READ_BACK_TYPES.string).toContain(label.type);
        if (label.type === 'string') expect(label.length).toBe(200);
        columnChangedOnly(before, after, ITEMS, 'label', ['length', 'nativeType']);
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.alterColumn.nullable',
      title: 'alterColumn nullable: true on a NOT NULL column',
      up: (op) => op.alterColumn(ITEMS, 'label', { nullable: true }),
      down: (op) => op.alterColumn(ITEMS, 'label', { nullable: false }),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['columns']);
        otherColumnsUnchanged(before, after, ITEMS, 'label');
        expect(isNullable(column(after, ITEMS, 'label').nullable)).toBe(true);
        columnChangedOnly(before, after, ITEMS, 'label', ['nullable']);
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.alterColumn.not-null',
      title: 'alterColumn nullable: false on a column without NULLs',
      up: (op) => op.alterColumn(ITEMS, 'qty', { nullable: false }),
      down: (op) => op.alterColumn(ITEMS, 'qty', { nullable: true }),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['columns']);
        otherColumnsUnchanged(before, after, ITEMS, 'qty');
        expect(column(after, ITEMS, 'qty').nullable).toBe(false);
        columnChangedOnly(before, after, ITEMS, 'qty', ['nullable']);
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.alterColumn.default',
      title: 'alterColumn default: a new default applies to new rows',
      up: (op) => op.alterColumn(ITEMS, 'qty', { default: 5 }),
      down: (op) => op.alterColumn(ITEMS, 'qty', { default: 0 }),
      verify: async (before, after, probe) => {
        onlyChanged(before, after, ITEMS, ['columns']);
        otherColumnsUnchanged(before, after, ITEMS, 'qty');
        columnChangedOnly(before, after, ITEMS, 'qty', ['default']);
        expect(Number(await probe.defaultOf('qty'))).toBe(5);
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.alterColumn.drop-default',
      title: 'alterColumn default: null removes the default',
      up: (op) => op.alterColumn(ITEMS, 'qty', { default: null }),
      down: (op) => op.alterColumn(ITEMS, 'qty', { default: 0 }),
      verify: async (before, after, probe) => {
        onlyChanged(before, after, ITEMS, ['columns']);
        otherColumnsUnchanged(before, after, ITEMS, 'qty');
        columnChangedOnly(before, after, ITEMS, 'qty', ['default']);
        expect(column(after, ITEMS, 'qty').default).toBeUndefined();
        expect(await probe.defaultOf('qty')).toBeNull();
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.alterColumn.rename',
      title: 'alterColumn name: renames an indexed column that a view reads',
      up: (op) => op.alterColumn(ITEMS, 'label', { name: 'title' }),
      down: (op) => op.alterColumn(ITEMS, 'title', { name: 'label' }),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['columns', 'indexes']);
        expect(columnNames(after, ITEMS)).toEqual(['id', 'parent_id', 'title', 'qty', 'note']);
        otherColumnsUnchanged(before, after, ITEMS, 'label', 'title');
        columnChangedOnly(before, after, ITEMS, 'label', ['name'], 'title');
        expect(table(after, ITEMS).indexes.find((index) => index.name === 'ix_items_label')?.columns).toEqual(['title']);
        rowsKept(before, after, ITEMS, ['id', 'parent_id', 'qty', 'note']);
        expect(after.rows[ITEMS]?.map((row) => row['title'])).toEqual(before.rows[ITEMS]?.map((row) => row['label']));
        expect(after.viewRows).toEqual(before.viewRows);
      },
    },
    {
      id: 'operations.alterColumn.comment',
      needs: 'comments',
      title: 'alterColumn comment: sets a comment; down removes it',
      up: (op) => op.alterColumn(ITEMS, 'label', { comment: 'what the item is called' }),
      down: (op) => op.alterColumn(ITEMS, 'label', { comment: null }),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['columns']);
        expect(column(after, ITEMS, 'label').comment).toBe('what the item is called');
        columnChangedOnly(before, after, ITEMS, 'label', ['comment']);
        itemsKept(before, after);
      },
    },
  ],
  createIndex: [
    {
      id: 'operations.createIndex',
      title: 'createIndex on one column',
      up: (op) => op.createIndex('ix_items_qty', ITEMS, ['qty']),
      down: (op) => op.dropIndex('ix_items_qty', ITEMS),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['indexes']);
        expect(table(after, ITEMS).indexes.find((index) => index.name === 'ix_items_qty')).toMatchObject({ columns: ['qty'] });
        expect(table(after, ITEMS).indexes.find((index) => index.name === 'ix_items_qty')?.unique).not.toBe(true);
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.createIndex.unique',
      title: 'createIndex unique on two columns',
      up: (op) => op.createIndex('ux_items_parent_label', ITEMS, ['parent_id', 'label'], { unique: true }),
      down: (op) => op.dropIndex('ux_items_parent_label', ITEMS),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['indexes', 'uniques']);
        expect(uniqueNames(table(after, ITEMS))).toContain('ux_items_parent_label');
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.createIndex.partial',
      needs: 'partialIndexes',
      title: 'createIndex with a where condition (a partial index)',
      up: (op) => op.createIndex('ix_items_qty_positive', ITEMS, ['qty'], { where: 'qty > 1' }),
      down: (op) => op.dropIndex('ix_items_qty_positive', ITEMS),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['indexes']);
        const index = table(after, ITEMS).indexes.find((candidate) => candidate.name === 'ix_items_qty_positive');
        expect(index).toMatchObject({ columns: ['qty'] });
        expect(index?.where).toBeTruthy();
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.createIndex.expression',
      needs: 'expressionIndexes',
      title: 'createIndex on an expression',
      up: (op) => op.createIndex('ix_items_lower_label', ITEMS, [{ sql: 'lower(label)' }]),
      down: (op) => op.dropIndex('ix_items_lower_label', ITEMS),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['indexes']);
        const index = table(after, ITEMS).indexes.find((candidate) => candidate.name === 'ix_items_lower_label');
        expect(index?.columns).toHaveLength(1);
        expect(typeof index?.columns[0]).toBe('object');
        itemsKept(before, after);
      },
    },
  ],
  dropIndex: [
    {
      id: 'operations.dropIndex',
      title: 'dropIndex; down creates it again',
      up: (op) => op.dropIndex('ix_items_label', ITEMS),
      down: (op) => op.createIndex('ix_items_label', ITEMS, ['label']),
      verify: (before, after) => {
        onlyChanged(before, after, ITEMS, ['indexes']);
        expect(names(table(after, ITEMS).indexes)).not.toContain('ix_items_label');
        itemsKept(before, after);
      },
    },
  ],
  addForeignKey: [
    {
      id: 'operations.addForeignKey',
      title: 'createForeignKey on a table with rows',
      up: (op) => op.createForeignKey('fk_notes_parent', NOTES, ['parent_id'], PARENT, ['id'], { onDelete: 'set null' }),
      down: (op) => op.dropConstraint('fk_notes_parent', NOTES, 'foreignKey'),
      verify: (before, after) => {
        onlyChanged(before, after, NOTES, ['foreignKeys']);
        expect(table(after, NOTES).foreignKeys.find((key) => key.name === 'fk_notes_parent')).toMatchObject({
          columns: ['parent_id'],
          referencedTable: { name: PARENT },
          referencedColumns: ['id'],
          onDelete: 'set null',
        });
        expect(table(after, NOTES).foreignKeys.find((key) => key.name === 'fk_notes_item')).toEqual(
          table(before, NOTES).foreignKeys.find((key) => key.name === 'fk_notes_item'),
        );
        rowsKept(before, after, NOTES, ['id', 'item_id', 'parent_id', 'body']);
      },
    },
    {
      id: 'operations.addForeignKey.not-valid',
      needs: 'constraintValidation',
      title: 'createForeignKey notValid over a row that breaks it: added, and enforced on rows written afterwards',
      up: async (op) => {
        // A note whose parent does not exist: a checked foreign key could not be added over it.
        await op.execute(`UPDATE ${NOTES} SET parent_id = 99 WHERE id = 2`);
        await op.createForeignKey('fk_notes_parent', NOTES, ['parent_id'], PARENT, ['id'], { notValid: true });
      },
      down: async (op) => {
        await op.dropConstraint('fk_notes_parent', NOTES, 'foreignKey');
        await op.execute(`UPDATE ${NOTES} SET parent_id = 2 WHERE id = 2`);
      },
      verify: async (before, after, probe) => {
        onlyChanged(before, after, NOTES, ['foreignKeys']);
        expect(table(after, NOTES).foreignKeys.find((key) => key.name === 'fk_notes_parent')).toMatchObject({
          columns: ['parent_id'],
          referencedTable: { name: PARENT },
          referencedColumns: ['id'],
        });
        expect(numbers(after.rows[NOTES], 'parent_id')).toEqual([1, 99]);
        expect(await probe.succeeds(`UPDATE ${NOTES} SET parent_id = 98 WHERE id = 1`)).toBe(false);
        expect(await probe.succeeds(`UPDATE ${NOTES} SET parent_id = 2 WHERE id = 1`)).toBe(true);
      },
    },
  ],
  addUnique: [
    {
      id: 'operations.addUnique',
      title: 'createUniqueConstraint on a column with distinct values',
      up: (op) => op.createUniqueConstraint('uq_items_label', ITEMS, ['label']),
      down: (op) => op.dropConstraint('uq_items_label', ITEMS, 'unique'),
      verify: async (before, after, probe) => {
        onlyChanged(before, after, ITEMS, ['uniques', 'indexes']);
        expect(uniqueNames(table(after, ITEMS))).toContain('uq_items_label');
        expect(await probe.succeeds(`UPDATE ${ITEMS} SET label = 'one' WHERE id = 2`)).toBe(false);
        itemsKept(before, after);
      },
    },
  ],
  addCheck: [
    {
      id: 'operations.addCheck',
      title: 'createCheckConstraint; rows that break it are refused afterwards',
      up: (op) => op.createCheckConstraint('ck_items_qty_max', ITEMS, 'qty < 1000'),
      down: (op) => op.dropConstraint('ck_items_qty_max', ITEMS, 'check'),
      verify: async (before, after, probe) => {
        onlyChanged(before, after, ITEMS, ['checks']);
        expect(names(table(after, ITEMS).checks)).toEqual(names([...table(before, ITEMS).checks, { name: 'ck_items_qty_max' }]).sort());
        expect(await probe.succeeds(`UPDATE ${ITEMS} SET qty = 5000 WHERE id = 1`)).toBe(false);
        expect(await probe.succeeds(`UPDATE ${ITEMS} SET qty = 500 WHERE id = 1`)).toBe(true);
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.addCheck.not-valid',
      needs: 'constraintValidation',
      title: 'createCheckConstraint notValid over rows that break it: added, and enforced on rows written afterwards',
      // Item 3 has qty 3: a checked constraint could not be added over it.
      up: (op) => op.createCheckConstraint('ck_items_qty_small', ITEMS, 'qty < 3', { notValid: true }),
      down: (op) => op.dropConstraint('ck_items_qty_small', ITEMS, 'check'),
      verify: async (before, after, probe) => {
        onlyChanged(before, after, ITEMS, ['checks']);
        expect(names(table(after, ITEMS).checks)).toContain('ck_items_qty_small');
        expect(await probe.succeeds(`UPDATE ${ITEMS} SET qty = 5 WHERE id = 1`)).toBe(false);
        expect(await probe.succeeds(`UPDATE ${ITEMS} SET qty = 2 WHERE id = 1`)).toBe(true);
        itemsKept(before, after);
      },
    },
  ],
  addPrimaryKey: [
    {
      id: 'operations.addPrimaryKey',
      title: 'createPrimaryKey on a table without one',
      up: (op) => op.createPrimaryKey('pk_logs', LOGS, ['id']),
      down: (op) => op.dropConstraint('pk_logs', LOGS, 'primaryKey'),
      verify: async (before, after, probe) => {
        // A primary-key column is reported as such on the column too, where the dialect does.
        onlyChanged(before, after, LOGS, ['primaryKey', 'columns']);
        expect(primaryKeyColumns(table(before, LOGS))).toEqual([]);
        expect(primaryKeyColumns(table(after, LOGS))).toEqual(['id']);
        expect(columnNames(after, LOGS)).toEqual(['id', 'message']);
        expect(await probe.succeeds(`INSERT INTO ${LOGS} (id, message) VALUES (1, 'again')`)).toBe(false);
        rowsKept(before, after, LOGS, ['id', 'message']);
      },
    },
  ],
  dropConstraint: [
    {
      id: 'operations.dropConstraint.foreignKey',
      title: 'dropConstraint foreignKey; down adds it again',
      up: (op) => op.dropConstraint('fk_items_parent', ITEMS, 'foreignKey'),
      down: (op) => op.createForeignKey('fk_items_parent', ITEMS, ['parent_id'], PARENT, ['id']),
      verify: async (before, after, probe) => {
        onlyChanged(before, after, ITEMS, ['foreignKeys']);
        expect(table(after, ITEMS).foreignKeys).toEqual([]);
        expect(await probe.succeeds(`UPDATE ${ITEMS} SET parent_id = 99 WHERE id = 1`)).toBe(true);
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.dropConstraint.unique',
      title: 'dropConstraint unique; down adds it again',
      up: (op) => op.dropConstraint('uq_parent_code', PARENT, 'unique'),
      down: (op) => op.createUniqueConstraint('uq_parent_code', PARENT, ['code']),
      verify: async (before, after, probe) => {
        onlyChanged(before, after, PARENT, ['uniques', 'indexes']);
        expect(uniqueNames(table(after, PARENT))).not.toContain('uq_parent_code');
        expect(await probe.succeeds(`UPDATE ${PARENT} SET code = 'north' WHERE id = 2`)).toBe(true);
        rowsKept(before, after, PARENT, ['id', 'code']);
      },
    },
    {
      id: 'operations.dropConstraint.check',
      title: 'dropConstraint check; down adds it again',
      up: (op) => op.dropConstraint('ck_items_qty', ITEMS, 'check'),
      down: (op) => op.createCheckConstraint('ck_items_qty', ITEMS, 'qty >= 0'),
      verify: async (before, after, probe) => {
        onlyChanged(before, after, ITEMS, ['checks']);
        expect(names(table(after, ITEMS).checks)).not.toContain('ck_items_qty');
        expect(await probe.succeeds(`UPDATE ${ITEMS} SET qty = -1 WHERE id = 1`)).toBe(true);
        itemsKept(before, after);
      },
    },
    {
      id: 'operations.dropConstraint.primaryKey',
      title: 'dropConstraint primaryKey of a composite key; down adds it again',
      up: (op) => op.dropConstraint('pk_tags', TAGS, 'primaryKey'),
      down: (op) => op.createPrimaryKey('pk_tags', TAGS, ['item_id', 'tag']),
      verify: async (before, after, probe) => {
        onlyChanged(before, after, TAGS, ['primaryKey', 'columns']);
        expect(primaryKeyColumns(table(after, TAGS))).toEqual([]);
        expect(columnNames(after, TAGS)).toEqual(['item_id', 'tag']);
        expect(await probe.succeeds(`INSERT INTO ${TAGS} (item_id, tag) VALUES (1, 'red')`)).toBe(true);
        rowsKept(before, after, TAGS, ['item_id', 'tag']);
      },
    },
  ],
  validateConstraint: [
    {
      id: 'operations.validateConstraint',
      needs: 'constraintValidation',
      title: 'validateConstraint of a foreign key and a check added notValid over rows that keep them',
      up: async (op) => {
        await op.createForeignKey('fk_notes_parent', NOTES, ['parent_id'], PARENT, ['id'], { notValid: true });
        await op.createCheckConstraint('ck_items_qty_max', ITEMS, 'qty < 1000', { notValid: true });
        await op.validateConstraint('fk_notes_parent', NOTES);
        await op.validateConstraint('ck_items_qty_max', ITEMS);
      },
      down: async (op) => {
        await op.dropConstraint('ck_items_qty_max', ITEMS, 'check');
        await op.dropConstraint('fk_notes_parent', NOTES, 'foreignKey');
      },
      verify: async (before, after, probe) => {
        othersUnchanged(before, after, NOTES, ITEMS);
        expect(names(table(after, NOTES).foreignKeys)).toContain('fk_notes_parent');
        expect(names(table(after, ITEMS).checks)).toContain('ck_items_qty_max');
        expect(await probe.succeeds(`UPDATE ${NOTES} SET parent_id = 98 WHERE id = 1`)).toBe(false);
        expect(await probe.succeeds(`UPDATE ${ITEMS} SET qty = 5000 WHERE id = 1`)).toBe(false);
        itemsKept(before, after);
      },
    },
  ],
  createView: [
    {
      id: 'operations.createView',
      title: 'createView; down drops it',
      up: (op) => op.createView(CREATED_VIEW, `SELECT id, code FROM ${PARENT}`),
      down: (op) => op.dropView(CREATED_VIEW),
      verify: (before, after) => {
        expect(before.createdViewRows).toBeUndefined();
        expect(after.createdViewRows?.map((row) => ({ id: Number(row['id']), code: row['code'] }))).toEqual([
          { id: 1, code: 'north' },
          { id: 2, code: 'south' },
        ]);
        othersUnchanged(before, after);
      },
    },
  ],
  dropView: [
    {
      id: 'operations.dropView',
      title: 'dropView; down creates it again',
      up: (op) => op.dropView(ITEMS_VIEW),
      down: (op) => op.createView(ITEMS_VIEW, ITEMS_VIEW_QUERY),
      verify: (before, after) => {
        expect(before.viewRows).toHaveLength(3);
        expect(after.viewRows).toBeUndefined();
        othersUnchanged(before, after);
      },
    },
  ],
  batchAlterTable: [
    {
      id: 'operations.batchAlterTable',
      title: 'batchAlterTable of several changes to one table; down reverses them in one batch',
      up: (op) =>
        op.batchAlterTable(ITEMS, (batch) => {
          batch.addColumn('extra', { type: 'integer', nullable: false, default: 7 });
          batch.alterColumn('label', { nullable: true });
          batch.alterColumn('qty', { default: 5 });
          batch.createIndex('ix_items_qty', ['qty']);
          batch.dropConstraint('ck_items_qty', 'check');
          batch.createUniqueConstraint('uq_items_label', ['label']);
        }),
      down: (op) =>
        op.batchAlterTable(ITEMS, (batch) => {
          batch.dropConstraint('uq_items_label', 'unique');
          batch.createCheckConstraint('ck_items_qty', 'qty >= 0');
          batch.dropIndex('ix_items_qty');
          batch.alterColumn('qty', { default: 0 });
          batch.alterColumn('label', { nullable: false });
          batch.dropColumn('extra');
        }),
      verify: async (before, after, probe) => {
        othersUnchanged(before, after, ITEMS);
        const items = table(after, ITEMS);
        expect(columnNames(after, ITEMS)).toEqual([...ITEM_COLUMNS, 'extra']);
        expect(isNullable(column(after, ITEMS, 'label').nullable)).toBe(true);
        expect(names(items.indexes)).toContain('ix_items_qty');
        expect(names(items.checks)).not.toContain('ck_items_qty');
        expect(uniqueNames(items)).toContain('uq_items_label');
        expect(Number(await probe.defaultOf('qty'))).toBe(5);
        itemsKept(before, after);
        expect(numbers(after.rows[ITEMS], 'extra')).toEqual([7, 7, 7]);
      },
    },
  ],
};

/** The operation of the failing-check case: NOT NULL on `cgm_op_items.note`, which holds a NULL. */
export function addNotNullOverNulls(op: MigrationOperations): Promise<void> {
  return op.alterColumn(ITEMS, 'note', { nullable: false });
}
