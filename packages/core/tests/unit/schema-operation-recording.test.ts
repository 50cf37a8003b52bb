import { describe, expect, it } from 'vitest';

import type { Session } from '../../src/adapter/dialect-adapter.js';
import type { SchemaOperationCompiler } from '../../src/adapter/schema-operation-compiler.js';
import { isMigrateError } from '../../src/errors.js';
import type { MigrationOperations } from '../../src/migration.js';
import type { SchemaOperation } from '../../src/operations/schema-operation.js';
import { operationsFor } from '../../src/runtime/step-supervision.js';

/**
 * What each schema method of `op` records, and how it refuses bad arguments. The
 * compiler here is a double that keeps the operations it is given and answers one
 * marker statement per operation: these tests are about the recording, not about SQL.
 */

interface Recorder {
  readonly op: MigrationOperations;
  /** The operations the compiler was given, in order. */
  readonly compiled: SchemaOperation[];
  /** The statements the session ran, in order. */
  readonly executed: string[];
}

function recorder(dialect = 'sqlite'): Recorder {
  const compiled: SchemaOperation[] = [];
  const executed: string[] = [];
  const session: Session = {
    execute: async (sql) => void executed.push(sql),
    query: async () => [],
    bulkInsert: async () => {},
    db: undefined,
    connection: undefined,
  };
  const compiler: SchemaOperationCompiler = {
    compile: async (operation) => {
      compiled.push(operation);
      return { statements: [`-- ${operation.kind}`] };
    },
  };
  return { op: operationsFor({ session, dialect, compiler }), compiled, executed };
}

/** The one operation `call` records, after checking that it ran its compiled statement. */
async function recordOf(call: (op: MigrationOperations) => Promise<void>): Promise<SchemaOperation> {
  const { op, compiled, executed } = recorder();
  await call(op);
  expect(compiled).toHaveLength(1);
  expect(executed).toEqual([`-- ${compiled[0]!.kind}`]);
  return compiled[0]!;
}

/** The error `call` rejects with, after checking that nothing was compiled or run. */
async function refusal(call: (op: MigrationOperations) => Promise<void>): Promise<{ code: unknown; operation: unknown; problem: unknown; message: string }> {
  const { op, compiled, executed } = recorder();
  const error: unknown = await call(op).then(
    () => expect.unreachable('the call was accepted'),
    (rejected: unknown) => rejected,
  );
  expect(isMigrateError(error)).toBe(true);
  expect(compiled).toEqual([]);
  expect(executed).toEqual([]);
  return error as { code: unknown; operation: unknown; problem: unknown; message: string };
}

describe('schema methods record their operation', () => {
  it('createTable: columns in key order, a primary-key column made NOT NULL, indexes, uniques, foreign keys, checks, comment', async () => {
    const recorded = await recordOf((op) =>
      op.createTable(
        'accounts',
        {
          id: { type: 'integer', primaryKey: true, autoincrement: true },
          email: { type: 'string', length: 320, nullable: false, unique: true },
          balance: { type: 'decimal', precision: 12, scale: 2, default: 0 },
          status: { type: 'enum', values: ['active', 'closed'], enumName: 'account_status', default: 'active' },
          owner_id: { type: 'bigint', references: { table: 'owners', column: 'id', onDelete: 'cascade' } },
          created_at: { type: 'datetime', timezone: true, default: { sql: 'CURRENT_TIMESTAMP' }, comment: 'when' },
          payload: { type: 'json', nativeType: { postgresql: 'jsonb' } },
        },
        {
          schema: 'app',
          indexes: [{ name: 'ix_accounts_email', columns: ['email', { sql: 'lower(email)' }], unique: true, where: 'email IS NOT NULL' }],
          uniques: [{ name: 'uq_accounts_owner_email', columns: ['owner_id', 'email'] }],
          foreignKeys: [
            { name: 'fk_accounts_owner', columns: ['owner_id'], referencedTable: 'owners', referencedColumns: ['id'], onUpdate: 'restrict', referencedSchema: 'people' },
          ],
          checks: [{ name: 'ck_accounts_balance', expression: 'balance >= 0' }],
          comment: 'one row per account',
        },
      ),
    );
    expect(recorded).toEqual({
      kind: 'createTable',
      table: { name: 'accounts', schema: 'app' },
      columns: [
        { name: 'id', type: 'integer', primaryKey: true, autoincrement: true, nullable: false },
        { name: 'email', type: 'string', length: 320, nullable: false, unique: true },
        { name: 'balance', type: 'decimal', precision: 12, scale: 2, default: 0 },
        { name: 'status', type: 'enum', values: ['active', 'closed'], enumName: 'account_status', default: 'active' },
        { name: 'owner_id', type: 'bigint', references: { table: 'owners', column: 'id', onDelete: 'cascade' } },
        { name: 'created_at', type: 'datetime', timezone: true, default: { sql: 'CURRENT_TIMESTAMP' }, comment: 'when' },
        { name: 'payload', type: 'json', nativeType: { postgresql: 'jsonb' } },
      ],
      primaryKey: undefined,
      indexes: [{ name: 'ix_accounts_email', columns: ['email', { sql: 'lower(email)' }], unique: true, where: 'email IS NOT NULL' }],
      uniques: [{ name: 'uq_accounts_owner_email', columns: ['owner_id', 'email'] }],
      foreignKeys: [
        {
          name: 'fk_accounts_owner',
          columns: ['owner_id'],
          referencedTable: { name: 'owners', schema: 'people' },
          referencedColumns: ['id'],
          onDelete: undefined,
          onUpdate: 'restrict',
        },
      ],
      checks: [{ name: 'ck_accounts_balance', expression: 'balance >= 0' }],
      comment: 'one row per account',
    });
  });

  it('createTable: a composite primary key given in the options, an index that is not unique', async () => {
    const recorded = await recordOf((op) =>
      op.createTable(
        'memberships',
        { account_id: { type: 'integer' }, team_id: { type: 'integer' } },
        { primaryKey: { name: 'pk_memberships', columns: ['account_id', 'team_id'] }, indexes: [{ name: 'ix_team', columns: ['team_id'] }] },
      ),
    );
    expect(recorded).toEqual({
      kind: 'createTable',
      table: { name: 'memberships' },
      columns: [
        { name: 'account_id', type: 'integer' },
        { name: 'team_id', type: 'integer' },
      ],
      primaryKey: { name: 'pk_memberships', columns: ['account_id', 'team_id'] },
      indexes: [{ name: 'ix_team', columns: ['team_id'], unique: false, where: undefined }],
      uniques: [],
      foreignKeys: [],
      checks: [],
      comment: undefined,
    });
  });

  it('dropTable, renameTable, createView and dropView', async () => {
    expect(await recordOf((op) => op.dropTable('scans'))).toEqual({ kind: 'dropTable', table: { name: 'scans' }, ifExists: false });
    expect(await recordOf((op) => op.dropTable('scans', { schema: 'app', ifExists: true }))).toEqual({
      kind: 'dropTable',
      table: { name: 'scans', schema: 'app' },
      ifExists: true,
    });
    expect(await recordOf((op) => op.renameTable('scans', 'scan_runs', { schema: 'app' }))).toEqual({
      kind: 'renameTable',
      table: { name: 'scans', schema: 'app' },
      newName: 'scan_runs',
    });
    expect(await recordOf((op) => op.createView('open_scans', 'SELECT id FROM scans WHERE open'))).toEqual({
      kind: 'createView',
      view: { name: 'open_scans' },
      definition: 'SELECT id FROM scans WHERE open',
      orReplace: false,
    });
    expect(await recordOf((op) => op.createView('open_scans', 'SELECT 1', { schema: 'app', orReplace: true }))).toMatchObject({ orReplace: true, view: { schema: 'app' } });
    expect(await recordOf((op) => op.dropView('open_scans'))).toEqual({ kind: 'dropView', view: { name: 'open_scans' }, ifExists: false });
    expect(await recordOf((op) => op.dropView('open_scans', { ifExists: true }))).toMatchObject({ ifExists: true });
  });

  it('each single-table method records an alterTable of one change, not a batch', async () => {
    const single = async (call: (op: MigrationOperations) => Promise<void>): Promise<unknown> => {
      const recorded = await recordOf(call);
      expect(recorded).toMatchObject({ kind: 'alterTable', table: { name: 'scans', schema: 'app' }, batch: false });
      const changes = (recorded as Extract<SchemaOperation, { kind: 'alterTable' }>).changes;
      expect(changes).toHaveLength(1);
      return changes[0];
    };
    const app = { schema: 'app' } as const;

    expect(await single((op) => op.addColumn('scans', 'duration_ms', { type: 'bigint', nullable: false, default: 0 }, app))).toEqual({
      kind: 'addColumn',
      column: { name: 'duration_ms', type: 'bigint', nullable: false, default: 0 },
    });
    expect(await single((op) => op.dropColumn('scans', 'legacy', app))).toEqual({ kind: 'dropColumn', column: 'legacy' });
    expect(
      await single((op) => op.alterColumn('scans', 'status', { type: 'string', length: 40, nullable: false, default: null, name: 'state', comment: null }, app)),
    ).toEqual({
      kind: 'alterColumn',
      column: 'status',
      changes: { type: 'string', length: 40, nullable: false, default: null, name: 'state', comment: null },
    });
    expect(
      await single((op) =>
        op.createIndex('ix_scans_started', 'scans', ['started_at', { sql: 'lower(target)' }], { ...app, unique: true, where: 'started_at IS NOT NULL', concurrently: true, ifNotExists: true }),
      ),
    ).toEqual({
      kind: 'createIndex',
      index: { name: 'ix_scans_started', columns: ['started_at', { sql: 'lower(target)' }], unique: true, where: 'started_at IS NOT NULL' },
      concurrently: true,
      ifNotExists: true,
    });
    expect(await single((op) => op.createIndex('ix_scans_target', 'scans', ['target'], app))).toEqual({
      kind: 'createIndex',
      index: { name: 'ix_scans_target', columns: ['target'], unique: false, where: undefined },
      concurrently: false,
      ifNotExists: false,
    });
    expect(await single((op) => op.dropIndex('ix_scans_started', 'scans', { ...app, concurrently: true, ifExists: true }))).toEqual({
      kind: 'dropIndex',
      name: 'ix_scans_started',
      concurrently: true,
      ifExists: true,
    });
    expect(await single((op) => op.dropIndex('ix_scans_target', 'scans', app))).toEqual({ kind: 'dropIndex', name: 'ix_scans_target', concurrently: false, ifExists: false });
    expect(
      await single((op) =>
        op.createForeignKey('fk_scans_account', 'scans', ['account_id', 'region'], 'accounts', ['id', 'region'], {
          ...app,
          referencedSchema: 'billing',
          onDelete: 'set null',
          onUpdate: 'cascade',
        }),
      ),
    ).toEqual({
      kind: 'addForeignKey',
      foreignKey: {
        name: 'fk_scans_account',
        columns: ['account_id', 'region'],
        referencedTable: { name: 'accounts', schema: 'billing' },
        referencedColumns: ['id', 'region'],
        onDelete: 'set null',
        onUpdate: 'cascade',
      },
    });
    expect(await single((op) => op.createUniqueConstraint('uq_scans_target', 'scans', ['target', 'started_at'], app))).toEqual({
      kind: 'addUnique',
      unique: { name: 'uq_scans_target', columns: ['target', 'started_at'] },
    });
    expect(await single((op) => op.createCheckConstraint('ck_scans_duration', 'scans', 'duration_ms >= 0', app))).toEqual({
      kind: 'addCheck',
      check: { name: 'ck_scans_duration', expression: 'duration_ms >= 0' },
    });
    expect(await single((op) => op.createPrimaryKey('pk_scans', 'scans', ['id'], app))).toEqual({
      kind: 'addPrimaryKey',
      primaryKey: { name: 'pk_scans', columns: ['id'] },
    });
    for (const type of ['foreignKey', 'unique', 'check', 'primaryKey'] as const) {
      expect(await single((op) => op.dropConstraint('c_scans', 'scans', type, app))).toEqual({ kind: 'dropConstraint', name: 'c_scans', type });
    }
  });

  it('batchAlterTable records every change of the block, in order, as one batch', async () => {
    const recorded = await recordOf((op) =>
      op.batchAlterTable(
        'scans',
        (batch) => {
          batch.addColumn('duration_ms', { type: 'integer' });
          batch.alterColumn('status', { nullable: false, default: 'queued' });
          batch.dropColumn('legacy_flag');
          batch.createIndex('ix_scans_status', ['status'], { unique: false, where: "status <> 'done'" });
          batch.dropIndex('ix_scans_old');
          batch.createForeignKey('fk_scans_account', ['account_id'], 'accounts', ['id'], { onDelete: 'cascade' });
          batch.createUniqueConstraint('uq_scans_target', ['target']);
          batch.createCheckConstraint('ck_scans_duration', 'duration_ms >= 0');
          batch.createPrimaryKey('pk_scans', ['id']);
          batch.dropConstraint('ck_scans_old', 'check');
        },
        { schema: 'app' },
      ),
    );
    expect(recorded).toEqual({
      kind: 'alterTable',
      table: { name: 'scans', schema: 'app' },
      batch: true,
      changes: [
        { kind: 'addColumn', column: { name: 'duration_ms', type: 'integer' } },
        { kind: 'alterColumn', column: 'status', changes: { nullable: false, default: 'queued' } },
        { kind: 'dropColumn', column: 'legacy_flag' },
        { kind: 'createIndex', index: { name: 'ix_scans_status', columns: ['status'], unique: false, where: "status <> 'done'" }, concurrently: false, ifNotExists: false },
        { kind: 'dropIndex', name: 'ix_scans_old', concurrently: false, ifExists: false },
        {
          kind: 'addForeignKey',
          foreignKey: { name: 'fk_scans_account', columns: ['account_id'], referencedTable: { name: 'accounts' }, referencedColumns: ['id'], onDelete: 'cascade' },
        },
        { kind: 'addUnique', unique: { name: 'uq_scans_target', columns: ['target'] } },
        { kind: 'addCheck', check: { name: 'ck_scans_duration', expression: 'duration_ms >= 0' } },
        { kind: 'addPrimaryKey', primaryKey: { name: 'pk_scans', columns: ['id'] } },
        { kind: 'dropConstraint', name: 'ck_scans_old', type: 'check' },
      ],
    });
  });

  it('notValid on a foreign key or a check, and validateConstraint, alone or in a batch; the option is recorded only when given', async () => {
    const app = { schema: 'app' } as const;
    const changeOf = async (call: (op: MigrationOperations) => Promise<void>): Promise<unknown> =>
      (await recordOf(call) as Extract<SchemaOperation, { kind: 'alterTable' }>).changes[0];
    expect(await changeOf((op) => op.createForeignKey('fk_scans_account', 'scans', ['account_id'], 'accounts', ['id'], { notValid: true, ...app }))).toStrictEqual({
      kind: 'addForeignKey',
      foreignKey: { name: 'fk_scans_account', columns: ['account_id'], referencedTable: { name: 'accounts', schema: undefined }, referencedColumns: ['id'], onDelete: undefined, onUpdate: undefined },
      notValid: true,
    });
    expect(await changeOf((op) => op.createCheckConstraint('ck_scans_duration', 'scans', 'duration_ms >= 0', { notValid: true }))).toStrictEqual({
      kind: 'addCheck',
      check: { name: 'ck_scans_duration', expression: 'duration_ms >= 0' },
      notValid: true,
    });
    // Without the option the change is exactly what it was before the option existed.
    expect(await changeOf((op) => op.createCheckConstraint('ck_scans_duration', 'scans', 'duration_ms >= 0'))).toStrictEqual({
      kind: 'addCheck',
      check: { name: 'ck_scans_duration', expression: 'duration_ms >= 0' },
    });
    expect(await recordOf((op) => op.validateConstraint('fk_scans_account', 'scans', app))).toEqual({
      kind: 'alterTable',
      table: { name: 'scans', schema: 'app' },
      changes: [{ kind: 'validateConstraint', name: 'fk_scans_account' }],
      batch: false,
    });
    const batch = await recordOf((op) =>
      op.batchAlterTable('scans', (table) => {
        table.createForeignKey('fk_scans_account', ['account_id'], 'accounts', ['id'], { notValid: true });
        table.createCheckConstraint('ck_scans_duration', 'duration_ms >= 0', { notValid: false });
        table.validateConstraint('ck_scans_old');
      }),
    );
    expect((batch as Extract<SchemaOperation, { kind: 'alterTable' }>).changes).toMatchObject([
      { kind: 'addForeignKey', notValid: true },
      { kind: 'addCheck', notValid: false },
      { kind: 'validateConstraint', name: 'ck_scans_old' },
    ]);
  });

  it('the recorded operation is plain data: it survives a JSON round trip', async () => {
    const recorded = await recordOf((op) =>
      op.createTable('t', { id: { type: 'integer', primaryKey: true }, at: { type: 'datetime', default: { sql: 'CURRENT_TIMESTAMP' } } }),
    );
    expect(JSON.parse(JSON.stringify(recorded))).toEqual(recorded);
  });
});

describe('schema methods refuse bad arguments with INVALID_OPERATION, naming the call and the problem', () => {
  it('an unknown type, listing the portable ones and the escape hatch', async () => {
    const error = await refusal((op) => op.addColumn('scans', 'duration_ms', { type: 'int' as 'integer' }));
    expect(error.code).toBe('INVALID_OPERATION');
    expect(error.operation).toBe("op.addColumn('scans', 'duration_ms', …)");
    expect(error.problem).toBe(
      'column "duration_ms": type "int" is not a portable type (one of integer, bigint, smallint, decimal, float, double, boolean, ' +
        "string, text, uuid, json, date, time, datetime, blob, enum; for another type use nativeType: { <dialect>: '…' } next to the closest portable one)",
    );
    expect(error.message).toBe(`op.addColumn('scans', 'duration_ms', …): ${String(error.problem)}`);
  });

  it('a missing type', async () => {
    const error = await refusal((op) => op.createTable('t', { id: {} as { type: 'integer' } }));
    expect(error).toMatchObject({ code: 'INVALID_OPERATION', operation: "op.createTable('t', …)" });
    expect(error.problem).toContain('column "id": type nothing is not a portable type');
  });

  it('an enum without values, or with an empty list', async () => {
    for (const values of [undefined, []]) {
      const error = await refusal((op) => op.createTable('scans', { status: { type: 'enum', values } }));
      expect(error).toMatchObject({
        code: 'INVALID_OPERATION',
        operation: "op.createTable('scans', …)",
        problem: 'column "status": an enum needs values, a non-empty array of strings',
      });
    }
  });

  it('autoincrement on a text column, and on an integer that is not the primary key', async () => {
    const onText = await refusal((op) => op.createTable('t', { id: { type: 'text', primaryKey: true, autoincrement: true } }));
    expect(onText).toMatchObject({
      code: 'INVALID_OPERATION',
      operation: "op.createTable('t', …)",
      problem: 'column "id": autoincrement needs an integer, bigint or smallint primary-key column',
    });
    const notKey = await refusal((op) => op.addColumn('t', 'n', { type: 'integer', autoincrement: true }));
    expect(notKey).toMatchObject({ code: 'INVALID_OPERATION', operation: "op.addColumn('t', 'n', …)" });
    expect(notKey.problem).toContain('autoincrement needs');
  });

  it('a column key that is a whole number (JavaScript would move it first)', async () => {
    const error = await refusal((op) => op.createTable('t', { name: { type: 'text' }, 2024: { type: 'integer' } }));
    expect(error).toMatchObject({
      code: 'INVALID_OPERATION',
      operation: "op.createTable('t', …)",
      problem: 'column name "2024" is a whole number, which JavaScript moves before the other keys; name it otherwise',
    });
  });

  it('alterColumn with nothing to change', async () => {
    for (const changes of [{}, { nullable: undefined }]) {
      const error = await refusal((op) => op.alterColumn('scans', 'status', changes));
      expect(error).toMatchObject({
        code: 'INVALID_OPERATION',
        operation: "op.alterColumn('scans', 'status', …)",
        problem: 'changes name nothing to change',
      });
    }
  });

  it('alterColumn with a type parameter but no type, or an unknown change', async () => {
    const stray = await refusal((op) => op.alterColumn('scans', 'status', { length: 40 }));
    expect(stray.problem).toBe("length change the type: give the new type too (type: '…')");
    const unknown = await refusal((op) => op.alterColumn('scans', 'status', { nulable: false } as never));
    expect(unknown.problem).toContain('unknown change "nulable"');
  });

  it('a foreign key whose column lists differ in length', async () => {
    const error = await refusal((op) => op.createForeignKey('fk', 'scans', ['account_id', 'region'], 'accounts', ['id']));
    expect(error).toMatchObject({
      code: 'INVALID_OPERATION',
      operation: "op.createForeignKey('fk', 'scans', …)",
      problem: 'columns has 2 name(s) and referencedColumns 1: they pair up one to one',
    });
  });

  it('createTable options that name columns the table does not have', async () => {
    const error = await refusal((op) => op.createTable('t', { id: { type: 'integer' } }, { indexes: [{ name: 'ix', columns: ['missing'] }] }));
    expect(error.problem).toBe('indexes[0] names "missing", which the table does not have');
  });

  it('an async batchAlterTable block', async () => {
    const error = await refusal((op) =>
      op.batchAlterTable('scans', async (batch) => {
        batch.dropColumn('legacy');
      }),
    );
    expect(error).toMatchObject({
      code: 'INVALID_OPERATION',
      operation: "op.batchAlterTable('scans', …)",
      problem: 'the block must not be async: its calls only record changes, which run together when it returns',
    });
  });

  it('an async batchAlterTable block that itself fails: refused, and its rejection is not left unhandled', async () => {
    const unhandled: unknown[] = [];
    const listen = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', listen);
    try {
      const error = await refusal((op) =>
        op.batchAlterTable('scans', async (batch) => {
          batch.alterColumn('status', {});
        }),
      );
      expect(error.problem).toBe('the block must not be async: its calls only record changes, which run together when it returns');
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', listen);
    }
    expect(unhandled).toEqual([]);
  });

  it('an empty batchAlterTable block, and a bad call inside a block', async () => {
    const empty = await refusal((op) => op.batchAlterTable('scans', () => {}));
    expect(empty).toMatchObject({ code: 'INVALID_OPERATION', operation: "op.batchAlterTable('scans', …)", problem: 'the block records no change' });
    const inside = await refusal((op) =>
      op.batchAlterTable('scans', (batch) => {
        batch.addColumn('ok', { type: 'text' });
        batch.alterColumn('status', {});
      }),
    );
    expect(inside.code).toBe('INVALID_OPERATION');
    expect(inside.operation).toContain("batch.alterColumn('status', …)");
    expect(inside.problem).toBe('changes name nothing to change');
  });

  it('names that are empty or not strings', async () => {
    const table = await refusal((op) => op.dropTable(''));
    expect(table.problem).toBe('the table name must be a non-empty string (got "")');
    const view = await refusal((op) => op.createView('v', '   '));
    expect(view.problem).toBe('the definition must be a non-empty string (got "   ")');
    const type = await refusal((op) => op.dropConstraint('c', 't', 'index' as 'check'));
    expect(type.problem).toBe("type must be one of 'foreignKey', 'unique', 'check', 'primaryKey' (got \"index\")");
    const validated = await refusal((op) => op.validateConstraint('', 't'));
    expect(validated.operation).toBe("op.validateConstraint('', 't')");
    expect(validated.problem).toBe('the constraint name must be a non-empty string (got "")');
  });

  it('notValid that is not a boolean', async () => {
    const flag = await refusal((op) => op.createCheckConstraint('ck', 't', 'a > 0', { notValid: 'yes' as unknown as boolean }));
    expect(flag.code).toBe('INVALID_OPERATION');
    expect(flag.problem).toBe('notValid must be true or false (got "yes")');
  });
});

describe('op.execute with statements per dialect', () => {
  it("runs the dialect's own statement, else the default", async () => {
    const statements = { postgresql: 'CREATE EXTENSION IF NOT EXISTS pg_trgm', default: 'SELECT 1' };
    const postgres = recorder('postgresql');
    await postgres.op.execute(statements);
    expect(postgres.executed).toEqual(['CREATE EXTENSION IF NOT EXISTS pg_trgm']);
    const sqlite = recorder('sqlite');
    await sqlite.op.execute(statements);
    expect(sqlite.executed).toEqual(['SELECT 1']);
  });

  it('fails with OPERATION_NOT_SUPPORTED when the dialect has no entry and there is no default, and runs nothing', async () => {
    const { op, executed } = recorder('sqlite');
    await expect(op.execute({ postgresql: 'CREATE EXTENSION pg_trgm', mariadb: 'SELECT 1' })).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      operation: 'op.execute({ … })',
      dialect: 'sqlite',
      reason: 'no statement is given for sqlite and there is no default (given: postgresql, mariadb)',
    });
    expect(executed).toEqual([]);
  });

  it('a plain string still runs as is', async () => {
    const { op, executed } = recorder('sqlite');
    await op.execute('SELECT 1');
    expect(executed).toEqual(['SELECT 1']);
  });
});
