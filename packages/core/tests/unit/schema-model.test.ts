import { describe, expect, it } from 'vitest';

import { SchemaModel } from '../../src/operations/schema-model.js';
import type { CreateTableOperation, SchemaOperation, TableChange } from '../../src/operations/schema-operation.js';

const scans: CreateTableOperation = {
  kind: 'createTable',
  table: { name: 'scans' },
  columns: [
    { name: 'id', type: 'integer', primaryKey: true, autoincrement: true, nullable: false },
    { name: 'account_id', type: 'integer', nullable: false },
    { name: 'status', type: 'string', length: 20, default: 'queued' },
  ],
  indexes: [{ name: 'ix_scans_status', columns: ['status'], unique: false }],
  uniques: [],
  foreignKeys: [{ name: 'fk_scans_account', columns: ['account_id'], referencedTable: { name: 'accounts' }, referencedColumns: ['id'] }],
  checks: [],
};

function alter(...changes: TableChange[]): SchemaOperation {
  return { kind: 'alterTable', table: { name: 'scans' }, changes, batch: changes.length > 1 };
}

function modelWith(...operations: SchemaOperation[]): SchemaModel {
  const model = new SchemaModel();
  for (const operation of operations) model.apply(operation);
  return model;
}

function table(model: SchemaModel, name = 'scans') {
  const answer = model.describe({ name });
  if (answer.state !== 'known') throw new Error(`${name} is ${answer.state}`);
  return answer.table;
}

describe('SchemaModel', () => {
  it('knows a table from createTable, and not one no operation made', () => {
    const model = modelWith(scans);
    expect(table(model).columns.map((column) => column.name)).toEqual(['id', 'account_id', 'status']);
    expect(model.describe({ name: 'accounts' })).toEqual({ state: 'unknown' });
    expect(model.describe({ name: 'scans', schema: 'ops' })).toEqual({ state: 'unknown' });
  });

  it('hands out copies: changing one does not change the model', () => {
    const model = modelWith(scans);
    (table(model).columns as unknown[]).length = 0;
    expect(table(model).columns).toHaveLength(3);
  });

  it('gives a known table uncopied, which later operations replace rather than change', () => {
    const model = modelWith(scans);
    const before = model.known({ name: 'scans' });
    expect(before?.columns.find((column) => column.name === 'status')).toMatchObject({ type: 'string', length: 20 });
    model.apply(alter({ kind: 'alterColumn', column: 'status', changes: { type: 'string', length: 10 } }));
    expect(before?.columns.find((column) => column.name === 'status')).toMatchObject({ type: 'string', length: 20 });
    expect(model.known({ name: 'scans' })?.columns.find((column) => column.name === 'status')).toMatchObject({ type: 'string', length: 10 });
    expect(model.known({ name: 'accounts' })).toBeUndefined();
    model.forget('raw SQL');
    expect(model.known({ name: 'scans' })).toBeUndefined();
  });

  it('knows a dropped table is absent, and a renamed one under its new name', () => {
    expect(modelWith(scans, { kind: 'dropTable', table: { name: 'scans' }, ifExists: false }).describe({ name: 'scans' })).toEqual({ state: 'absent' });
    const renamed = modelWith(scans, { kind: 'renameTable', table: { name: 'scans' }, newName: 'scan_runs' });
    expect(renamed.describe({ name: 'scans' })).toEqual({ state: 'absent' });
    expect(table(renamed, 'scan_runs').table).toEqual({ name: 'scan_runs', schema: undefined });
  });

  it('retargets the foreign keys of other tables when their referenced table is renamed', () => {
    const accounts: CreateTableOperation = { ...scans, table: { name: 'accounts' }, foreignKeys: [], indexes: [] };
    const model = modelWith(accounts, scans, { kind: 'renameTable', table: { name: 'accounts' }, newName: 'tenants' });
    expect(table(model).foreignKeys[0]!.referencedTable).toEqual({ name: 'tenants', schema: undefined });
  });

  it('marks a table unknown when an operation changes one it does not hold', () => {
    const model = modelWith({ kind: 'alterTable', table: { name: 'legacy' }, changes: [{ kind: 'dropColumn', column: 'x' }], batch: false });
    expect(model.describe({ name: 'legacy' })).toEqual({ state: 'unknown' });
  });

  it('adds, alters and drops columns; a drop takes the indexes and keys that name the column', () => {
    const model = modelWith(
      scans,
      alter({ kind: 'addColumn', column: { name: 'duration_ms', type: 'bigint' } }),
      alter({ kind: 'alterColumn', column: 'status', changes: { type: 'text', nullable: false, default: null } }),
      alter({ kind: 'dropColumn', column: 'account_id' }),
    );
    const described = table(model);
    expect(described.columns).toEqual([
      { name: 'id', type: 'integer', primaryKey: true, autoincrement: true, nullable: false },
      { name: 'status', type: 'text', nullable: false },
      { name: 'duration_ms', type: 'bigint' },
    ]);
    expect(described.foreignKeys).toEqual([]);
    expect(described.indexes).toHaveLength(1);
  });

  it('renames a column in every index and constraint that names it', () => {
    const model = modelWith(scans, alter({ kind: 'alterColumn', column: 'account_id', changes: { name: 'tenant_id' } }));
    const described = table(model);
    expect(described.columns[1]).toMatchObject({ name: 'tenant_id', type: 'integer', nullable: false });
    expect(described.foreignKeys[0]!.columns).toEqual(['tenant_id']);
  });

  it('adds and drops indexes and constraints by name and type', () => {
    const model = modelWith(
      scans,
      alter(
        { kind: 'addUnique', unique: { name: 'uq_scans_status', columns: ['status'] } },
        { kind: 'addCheck', check: { name: 'ck_scans_status', expression: "status <> ''" } },
        { kind: 'dropIndex', name: 'ix_scans_status', concurrently: false, ifExists: false },
        { kind: 'dropConstraint', name: 'fk_scans_account', type: 'foreignKey' },
      ),
      alter({ kind: 'dropConstraint', name: 'uq_scans_status', type: 'unique' }),
    );
    const described = table(model);
    expect(described.uniques).toEqual([]);
    expect(described.checks).toEqual([{ name: 'ck_scans_status', expression: "status <> ''" }]);
    expect(described.indexes).toEqual([]);
    expect(described.foreignKeys).toEqual([]);
  });

  it('keeps a constraint added notValid as any other, and validating it changes nothing', () => {
    const model = modelWith(
      scans,
      alter({ kind: 'addCheck', check: { name: 'ck_scans_status', expression: "status <> ''" }, notValid: true }),
      alter({ kind: 'validateConstraint', name: 'ck_scans_status' }),
      alter({ kind: 'validateConstraint', name: 'fk_scans_account' }),
    );
    expect(table(model).checks).toEqual([{ name: 'ck_scans_status', expression: "status <> ''" }]);
    expect(table(model).foreignKeys).toEqual(scans.foreignKeys);
  });

  it('loses track of a table when a validateConstraint names a constraint it does not hold (or one that cannot be validated)', () => {
    expect(modelWith(scans, alter({ kind: 'validateConstraint', name: 'ck_made_by_sql' })).describe({ name: 'scans' })).toEqual({ state: 'unknown' });
    const unique = modelWith(scans, alter({ kind: 'addUnique', unique: { name: 'uq_scans_status', columns: ['status'] } }), alter({ kind: 'validateConstraint', name: 'uq_scans_status' }));
    expect(unique.describe({ name: 'scans' })).toEqual({ state: 'unknown' });
  });

  it('keeps views from createView until dropView', () => {
    const model = modelWith({ kind: 'createView', view: { name: 'open_scans' }, definition: 'select * from scans', orReplace: false });
    expect(model.view({ name: 'open_scans' })?.definition).toBe('select * from scans');
    model.apply({ kind: 'dropView', view: { name: 'open_scans' }, ifExists: false });
    expect(model.view({ name: 'open_scans' })).toBeUndefined();
  });
});

describe('SchemaModel.forget', () => {
  it('makes every table unknown, with the reason, until an operation makes one again', () => {
    const model = modelWith(scans, { kind: 'dropTable', table: { name: 'old' }, ifExists: true });
    model.forget('revision 1a2b ran ALTER TABLE through op.execute');
    expect(model.describe({ name: 'scans' })).toEqual({ state: 'unknown', reason: 'revision 1a2b ran ALTER TABLE through op.execute' });
    expect(model.describe({ name: 'old' }).state).toBe('unknown');
    model.apply(scans);
    expect(model.describe({ name: 'scans' }).state).toBe('known');
  });
});
