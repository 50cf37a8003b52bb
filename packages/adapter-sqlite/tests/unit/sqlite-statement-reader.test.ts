/**
 * The SQLite statement reader (node-sql-parser's SQLite grammar, its PostgreSQL grammar
 * for what that lacks) on SQL the adapter itself renders offline, and on raw SQL.
 */
import type { SchemaOperation, StatementReader, TableDescription, TouchedObject } from '@cloudguard/migrate-core/adapter';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqliteAdapter } from '../../src/index.js';
import { renderSqliteOffline } from '../../src/sqlite-offline.js';

const scans = { name: 'scans' };
const column = (name: string, action: TouchedObject['action']): TouchedObject => ({ table: scans, part: { kind: 'column', name }, action });
const TABLE: TableDescription = {
  table: scans,
  columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'note', type: 'text' }],
  indexes: [],
  uniques: [],
  foreignKeys: [],
  checks: [],
};

describe('SQLite statement reader', () => {
  let reader: StatementReader;
  let rendered: (operation: SchemaOperation) => Promise<TouchedObject[]>;
  beforeAll(async () => {
    reader = await sqliteAdapter().statementReader!();
    const renderer = await renderSqliteOffline({ url: 'sqlite:///app.db', cwd: '/', versionTable: { name: 'alembic_version' } });
    rendered = async (operation) => {
      const compiled = await renderer.operationCompiler!.compile(operation, { dialect: 'sqlite', offline: true, inTransaction: true, describeTable: async () => TABLE });
      return compiled.statements.flatMap((sql) => {
        const reading = reader.read(sql);
        if (!reading.readable) throw new Error(`${sql}: ${reading.reason}`);
        return reading.touches;
      });
    };
  });

  it('reads what the adapter renders for schema operations', async () => {
    const alter = (change: Extract<SchemaOperation, { kind: 'alterTable' }>['changes'][number]): SchemaOperation => ({ kind: 'alterTable', table: scans, changes: [change], batch: false });
    expect(await rendered({ kind: 'createTable', table: scans, columns: TABLE.columns, indexes: [], uniques: [], foreignKeys: [], checks: [] })).toContainEqual({ table: scans, action: 'create' });
    expect(await rendered(alter({ kind: 'addColumn', column: { name: 'owner', type: 'text' } }))).toContainEqual(column('owner', 'create'));
    // SQLite alters a column by rebuilding the table: its SQL drops the table and renames the copy.
    expect(await rendered(alter({ kind: 'alterColumn', column: 'note', changes: { nullable: false } }))).toContainEqual({ table: scans, action: 'drop' });
    expect(await rendered(alter({ kind: 'dropColumn', column: 'note' }))).toContainEqual(column('note', 'drop'));
    expect(await rendered(alter({ kind: 'createIndex', index: { name: 'ix_scans_note', columns: ['note'] }, concurrently: false, ifNotExists: false }))).toContainEqual({
      table: scans,
      part: { kind: 'index', name: 'ix_scans_note' },
      action: 'create',
    });
    expect(await rendered(alter({ kind: 'dropIndex', name: 'ix_scans_note', concurrently: false, ifExists: false }))).toContainEqual({ part: { kind: 'index', name: 'ix_scans_note' }, action: 'drop' });
    // SQLite makes a unique constraint as a unique index of that name (which meets the constraint, see touchesMeet).
    expect(await rendered(alter({ kind: 'addUnique', unique: { name: 'uq_scans_note', columns: ['note'] } }))).toContainEqual({
      table: scans,
      part: { kind: 'index', name: 'uq_scans_note' },
      action: 'create',
    });
    expect(await rendered({ kind: 'alterTable', table: scans, changes: [{ kind: 'addColumn', column: { name: 'n', type: 'integer' } }], batch: false })).toContainEqual(column('n', 'create'));
    expect(await rendered({ kind: 'renameTable', table: scans, newName: 'scan_runs' })).toContainEqual({ table: scans, action: 'rename' });
    expect(await rendered({ kind: 'dropTable', table: scans, ifExists: false })).toContainEqual({ table: scans, action: 'drop' });
  });

  it('reads raw SQL with names compared without case, and DROP INDEX through the PostgreSQL grammar', () => {
    expect(reader.read('ALTER TABLE main.Scans ADD COLUMN "Note" text; UPDATE scans SET note = 1')).toEqual({
      readable: true,
      touches: [
        { table: { name: 'Scans', schema: 'main' }, part: { kind: 'column', name: 'Note' }, action: 'create' },
        { table: scans, action: 'update' },
        column('note', 'update'),
      ],
    });
    expect(reader.read('DROP INDEX ix_scans')).toEqual({ readable: true, touches: [{ part: { kind: 'index', name: 'ix_scans' }, action: 'drop' }] });
    expect(reader.identifiers).toEqual({ caseInsensitive: true, defaultSchema: 'main' });
  });

  it('says what it cannot read instead of reading nothing', () => {
    const reading = reader.read('PRAGMA foreign_keys = off');
    expect(reading.readable).toBe(false);
  });
});
