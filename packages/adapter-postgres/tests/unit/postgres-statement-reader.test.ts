/**
 * The PostgreSQL statement reader (libpg-query) on SQL the adapter itself renders
 * offline, and on hand-written raw SQL: what each statement touches.
 */
import type { SchemaOperation, TableDescription, TouchedObject } from '@cloudguard/migrate-core/adapter';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderPostgresOffline } from '../../src/postgres-offline.js';
import { postgresStatementReader } from '../../src/postgres-statement-reader.js';

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

describe('PostgreSQL statement reader', () => {
  let reader: Awaited<ReturnType<typeof postgresStatementReader>>;
  let rendered: (operation: SchemaOperation) => Promise<TouchedObject[]>;
  beforeAll(async () => {
    reader = await postgresStatementReader();
    const renderer = await renderPostgresOffline({ url: 'postgresql://u@host.invalid/db', cwd: '/', versionTable: { name: 'alembic_version' } }, { timeouts: new Map(), schema: undefined });
    rendered = async (operation) => {
      const compiled = await renderer.operationCompiler!.compile(operation, { dialect: 'postgresql', offline: true, inTransaction: true, describeTable: async () => TABLE });
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
    expect(await rendered(alter({ kind: 'alterColumn', column: 'note', changes: { nullable: false } }))).toContainEqual(column('note', 'alter'));
    expect(await rendered(alter({ kind: 'dropColumn', column: 'note' }))).toContainEqual(column('note', 'drop'));
    expect(await rendered(alter({ kind: 'createIndex', index: { name: 'ix_scans_note', columns: ['note'] }, concurrently: false, ifNotExists: false }))).toContainEqual({
      table: scans,
      part: { kind: 'index', name: 'ix_scans_note' },
      action: 'create',
    });
    expect(await rendered(alter({ kind: 'dropIndex', name: 'ix_scans_note', concurrently: false, ifExists: false }))).toContainEqual({ part: { kind: 'index', name: 'ix_scans_note' }, action: 'drop' });
    expect(await rendered(alter({ kind: 'addUnique', unique: { name: 'uq_scans_note', columns: ['note'] } }))).toContainEqual({ table: scans, part: { kind: 'constraint', name: 'uq_scans_note' }, action: 'create' });
    expect(await rendered({ kind: 'renameTable', table: scans, newName: 'scan_runs' })).toContainEqual({ table: scans, action: 'rename' });
    expect(await rendered({ kind: 'dropTable', table: scans, ifExists: false })).toContainEqual({ table: scans, action: 'drop' });
  });

  it('reads raw SQL as the server resolves names: unquoted folded, quoted kept, schemas kept', () => {
    expect(reader.read('ALTER TABLE App.Scans ADD COLUMN "Note" text; UPDATE scans SET note = 1')).toEqual({
      readable: true,
      touches: [
        { table: { name: 'scans', schema: 'app' }, part: { kind: 'column', name: 'Note' }, action: 'create' },
        { table: scans, action: 'update' },
        column('note', 'update'),
      ],
    });
    expect(reader.read('DROP INDEX IF EXISTS app.ix_scans')).toEqual({ readable: true, touches: [{ part: { kind: 'index', name: 'ix_scans', schema: 'app' }, action: 'drop' }] });
    expect(reader.read("CREATE TYPE status AS ENUM ('a')")).toEqual({ readable: true, touches: [] });
    expect(reader.identifiers).toEqual({ caseInsensitive: false, defaultSchema: 'public' });
  });

  it('says what it cannot read instead of reading nothing', () => {
    expect(reader.read('ALTER TABLE scans ADD COLUMN')).toEqual({ readable: false, reason: 'syntax error at end of input' });
    expect(reader.read('DO $$ BEGIN END $$')).toEqual({ readable: false, reason: 'it is not known what a Do statement touches' });
  });
});
