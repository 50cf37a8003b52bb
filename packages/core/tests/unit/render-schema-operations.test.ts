import { describe, expect, it } from 'vitest';

import { renderSchemaOperations } from '../../src/autogenerate/render-schema-operations.js';
import type { MigrationOperations } from '../../src/migration.js';
import type { SchemaOperation } from '../../src/operations/schema-operation.js';
import { schemaMethods } from '../../src/runtime/schema-methods.js';

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (op: unknown) => Promise<void>;

/** Runs rendered code against an `op` that records, as a migration file would. */
async function recorded(code: string): Promise<SchemaOperation[]> {
  const operations: SchemaOperation[] = [];
  const op = schemaMethods(async (_call, build) => void operations.push(build())) as Partial<MigrationOperations>;
  await new AsyncFunction('op', code)(op);
  return operations;
}

const OPERATIONS: SchemaOperation[] = [
  {
    kind: 'createTable',
    table: { name: 'scans', schema: 'ops' },
    columns: [
      { name: 'id', type: 'integer', primaryKey: true, autoincrement: true, nullable: false },
      { name: 'status', type: 'enum', values: ['queued', "it's"], enumName: 'scan_status', nullable: false, default: 'queued' },
      { name: 'started at', type: 'datetime', timezone: true, default: { sql: 'CURRENT_TIMESTAMP' } },
      { name: 'account_id', type: 'string', length: 36, nativeType: { postgresql: 'uuid' }, references: { table: 'accounts', column: 'id', onDelete: 'cascade' } },
      { name: 'ratio', type: 'decimal', precision: 5, scale: 2, comment: 'a\nb' },
    ],
    primaryKey: undefined,
    indexes: [{ name: 'ix_scans_status', columns: ['status', { sql: 'lower(status)' }], unique: true, where: "status <> 'x'" }],
    uniques: [{ name: 'uq_scans_account', columns: ['account_id'] }],
    foreignKeys: [{ name: 'fk_scans_x', columns: ['account_id'], referencedTable: { name: 'accounts', schema: 'ops' }, referencedColumns: ['id'], onUpdate: 'restrict' }],
    checks: [{ name: 'ck_ratio', expression: 'ratio >= 0' }],
    comment: 'Scans',
  },
  { kind: 'alterTable', table: { name: 'scans' }, changes: [{ kind: 'addColumn', column: { name: 'note', type: 'text' } }], batch: false },
  { kind: 'alterTable', table: { name: 'scans' }, changes: [{ kind: 'alterColumn', column: 'note', changes: { type: 'string', length: 80, default: null, name: 'memo' } }], batch: false },
  {
    kind: 'alterTable',
    table: { name: 'scans' },
    changes: [
      { kind: 'dropColumn', column: 'memo' },
      { kind: 'createIndex', index: { name: 'ix', columns: ['status'], unique: false, where: undefined }, concurrently: false, ifNotExists: false },
      { kind: 'dropIndex', name: 'ix_old', concurrently: false, ifExists: false },
      { kind: 'addForeignKey', foreignKey: { name: 'fk', columns: ['a', 'b'], referencedTable: { name: 't', schema: undefined }, referencedColumns: ['x', 'y'], onDelete: 'set null', onUpdate: undefined } },
      { kind: 'addUnique', unique: { name: 'uq', columns: ['a'] } },
      { kind: 'addCheck', check: { name: 'ck', expression: "a <> 'b'" } },
      { kind: 'addPrimaryKey', primaryKey: { name: 'pk_scans', columns: ['id'] } },
      { kind: 'dropConstraint', name: 'old_fk', type: 'foreignKey' },
    ],
    batch: true,
  },
  {
    kind: 'alterTable',
    table: { name: 'scans', schema: 'ops' },
    changes: [{ kind: 'createIndex', index: { name: 'ix_c', columns: ['a'], unique: false, where: undefined }, concurrently: true, ifNotExists: true }],
    batch: false,
  },
  { kind: 'alterTable', table: { name: 'scans' }, changes: [{ kind: 'dropIndex', name: 'ix_c', concurrently: true, ifExists: true }], batch: false },
  {
    kind: 'alterTable',
    table: { name: 'scans', schema: 'ops' },
    changes: [
      { kind: 'addForeignKey', foreignKey: { name: 'fk_nv', columns: ['a'], referencedTable: { name: 't', schema: undefined }, referencedColumns: ['x'], onDelete: undefined, onUpdate: undefined }, notValid: true },
    ],
    batch: false,
  },
  { kind: 'alterTable', table: { name: 'scans' }, changes: [{ kind: 'addCheck', check: { name: 'ck_nv', expression: 'a > 0' }, notValid: true }], batch: false },
  { kind: 'alterTable', table: { name: 'scans', schema: 'ops' }, changes: [{ kind: 'validateConstraint', name: 'fk_nv' }], batch: false },
  {
    kind: 'alterTable',
    table: { name: 'scans' },
    changes: [
      { kind: 'addForeignKey', foreignKey: { name: 'fk_b', columns: ['a'], referencedTable: { name: 't', schema: undefined }, referencedColumns: ['x'], onDelete: undefined, onUpdate: undefined }, notValid: true },
      { kind: 'addCheck', check: { name: 'ck_b', expression: 'a > 0' }, notValid: true },
      { kind: 'validateConstraint', name: 'ck_nv' },
    ],
    batch: true,
  },
  { kind: 'createView', view: { name: 'open_scans' }, definition: "select * from scans where status = 'queued'", orReplace: true },
  { kind: 'dropView', view: { name: 'open_scans' }, ifExists: true },
  { kind: 'renameTable', table: { name: 'scans' }, newName: 'scan_runs' },
  { kind: 'dropTable', table: { name: 'scan_runs', schema: 'ops' }, ifExists: false },
];

describe('renderSchemaOperations', () => {
  it('writes code that records the same operations again', async () => {
    const code = renderSchemaOperations(OPERATIONS);
    expect(await recorded(code)).toEqual(OPERATIONS);
  });

  it('writes notValid only where it is asked for, and validateConstraint with its table', () => {
    const key = { name: 'fk_post_author', columns: ['author_id'], referencedTable: { name: 'user' }, referencedColumns: ['id'] };
    expect(
      renderSchemaOperations([
        { kind: 'alterTable', table: { name: 'post' }, changes: [{ kind: 'addForeignKey', foreignKey: key, notValid: true }], batch: false },
        { kind: 'alterTable', table: { name: 'post' }, changes: [{ kind: 'addCheck', check: { name: 'ck_title', expression: "title <> ''" } }], batch: false },
        { kind: 'alterTable', table: { name: 'post' }, changes: [{ kind: 'validateConstraint', name: 'fk_post_author' }], batch: false },
      ]),
    ).toBe(
      [
        "    await op.createForeignKey('fk_post_author', 'post', ['author_id'], 'user', ['id'], { notValid: true });",
        "    await op.createCheckConstraint('ck_title', 'post', `title <> ''`);",
        "    await op.validateConstraint('fk_post_author', 'post');",
      ].join('\n'),
    );
  });

  it('reads like a hand-written migration', () => {
    expect(
      renderSchemaOperations([
        { kind: 'createTable', table: { name: 'accounts' }, columns: [{ name: 'id', type: 'integer', primaryKey: true, nullable: false }, { name: 'email', type: 'string', length: 320 }], indexes: [], uniques: [], foreignKeys: [], checks: [] },
        { kind: 'alterTable', table: { name: 'accounts' }, changes: [{ kind: 'alterColumn', column: 'email', changes: { nullable: false } }], batch: false },
      ]),
    ).toBe(
      [
        "    await op.createTable('accounts', {",
        "      id: { type: 'integer', primaryKey: true, nullable: false },",
        "      email: { type: 'string', length: 320 },",
        '    });',
        "    await op.alterColumn('accounts', 'email', { nullable: false });",
      ].join('\n'),
    );
  });
});
