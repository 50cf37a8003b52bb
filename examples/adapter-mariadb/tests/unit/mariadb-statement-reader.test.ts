/**
 * The MariaDB example's statement reader (node-sql-parser's MySQL grammar, its MariaDB
 * grammar for the rest) on SQL the adapter itself renders offline, and on raw SQL.
 */
import type { SchemaOperation, StatementReader, TableDescription, TouchedObject } from '@cloudguard/migrate-core/adapter';
import { beforeAll, describe, expect, it } from 'vitest';
import { mariadbAdapter } from '../../src/index.js';
import { renderMariaDbOffline } from '../../src/mariadb-offline.js';

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

describe('MariaDB statement reader', () => {
  let reader: StatementReader;
  let rendered: (operation: SchemaOperation) => Promise<TouchedObject[]>;
  beforeAll(async () => {
    reader = await mariadbAdapter().statementReader!();
    const renderer = await renderMariaDbOffline({ url: 'mysql://app@db.invalid:3306/cloudguard', cwd: '/', versionTable: { name: 'alembic_version' } });
    rendered = async (operation) => {
      const compiled = await renderer.operationCompiler!.compile(operation, { dialect: 'mariadb', offline: true, inTransaction: true, describeTable: async () => TABLE });
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
    expect(await rendered(alter({ kind: 'dropIndex', name: 'ix_scans_note', concurrently: false, ifExists: false }))).toContainEqual({
      table: scans,
      part: { kind: 'index', name: 'ix_scans_note' },
      action: 'drop',
    });
    expect(await rendered(alter({ kind: 'addUnique', unique: { name: 'uq_scans_note', columns: ['note'] } }))).toContainEqual({ table: scans, part: { kind: 'constraint', name: 'uq_scans_note' }, action: 'create' });
    expect(await rendered({ kind: 'renameTable', table: scans, newName: 'scan_runs' })).toContainEqual({ table: scans, action: 'rename' });
    expect(await rendered({ kind: 'dropTable', table: scans, ifExists: false })).toContainEqual({ table: scans, action: 'drop' });
  });

  it('reads raw SQL with names compared without case', () => {
    expect(reader.read('ALTER TABLE `Scans` ADD CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `u` (`id`); ALTER TABLE scans DROP FOREIGN KEY fk')).toEqual({
      readable: true,
      touches: [
        { table: { name: 'Scans' }, part: { kind: 'constraint', name: 'fk' }, action: 'create' },
        { table: scans, part: { kind: 'constraint', name: 'fk' }, action: 'drop' },
      ],
    });
    expect(reader.identifiers).toEqual({ caseInsensitive: true });
  });

  it('says what it cannot read instead of reading nothing', () => {
    expect(reader.read('ALTER TABLE scans ADD COLUMN').readable).toBe(false);
  });
});
