import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import type { Session } from '../../src/adapter/dialect-adapter.js';
import type { CompiledOperation, OperationCompileContext, SchemaOperationCompiler } from '../../src/adapter/schema-operation-compiler.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { downgrade, upgrade } from '../../src/commands/upgrade.js';
import { loadConfig } from '../../src/config/load-config.js';
import { OperationNotSupportedError } from '../../src/errors.js';
import type { Row } from '../../src/migration.js';
import type { SchemaOperation, TableDescription } from '../../src/operations/schema-operation.js';
import { operationsFor } from '../../src/runtime/step-supervision.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';

/**
 * How a recorded schema operation runs: the adapter's compiler (a double here, which
 * answers fixed statements and checks) is asked for it, its checks and statements run
 * in the session, and its errors reach the user as the runner reports any failed step.
 */

/** A session that records statements and answers each query from `answers` (no rows otherwise). */
function session(options: { answers?: Record<string, Row[]>; offline?: boolean; inTransaction?: boolean; tables?: Record<string, TableDescription> } = {}) {
  const executed: string[] = [];
  const queried: string[] = [];
  const value: Session = {
    execute: async (sql) => void executed.push(sql),
    query: async <T extends Row = Row>(sql: string) => {
      queried.push(sql);
      return (options.answers?.[sql] ?? []) as T[];
    },
    bulkInsert: async () => {},
    db: undefined,
    connection: undefined,
    offline: options.offline,
    inTransaction: options.inTransaction,
  };
  if (options.tables !== undefined) {
    const tables = options.tables;
    return { session: { ...value, describeTable: async (table: { name: string }) => tables[table.name] }, executed, queried };
  }
  return { session: value, executed, queried };
}

/** A compiler that answers `compiled` for every operation and keeps what it was given. */
function compilerDouble(compile: (operation: SchemaOperation, context: OperationCompileContext) => Promise<CompiledOperation>) {
  const seen: { operation: SchemaOperation; context: OperationCompileContext }[] = [];
  const compiler: SchemaOperationCompiler = {
    compile: async (operation, context) => {
      seen.push({ operation, context });
      return compile(operation, context);
    },
  };
  return { compiler, seen };
}

const users: TableDescription = {
  table: { name: 'users' },
  columns: [{ name: 'id', type: 'integer', primaryKey: true, nullable: false, nativeType: { sqlite: 'integer' } }],
  indexes: [],
  uniques: [],
  foreignKeys: [],
  checks: [],
};

describe('running a schema operation', () => {
  it('fails with OPERATION_NOT_SUPPORTED, naming the call and the dialect, when the adapter has no compiler; nothing runs', async () => {
    const { session: target, executed } = session();
    const op = operationsFor({ session: target, dialect: 'duckdb', compiler: undefined, revision: 'a1', path: 'versions/a1.mjs' });
    const error: unknown = await op.createTable('users', { id: { type: 'integer' } }).catch((rejected: unknown) => rejected);
    expect(error).toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      operation: "op.createTable('users', …)",
      dialect: 'duckdb',
      reason: 'the duckdb adapter does not compile schema operations (use op.execute)',
      revision: 'a1',
      path: 'versions/a1.mjs',
    });
    expect((error as Error).message).toBe(
      "op.createTable('users', …) in revision a1 (versions/a1.mjs) cannot run on duckdb: the duckdb adapter does not compile schema operations (use op.execute)",
    );
    expect(executed).toEqual([]);
  });

  it('checks the arguments before it looks for a compiler: a bad call is INVALID_OPERATION on every adapter', async () => {
    const op = operationsFor({ session: session().session, dialect: 'duckdb', compiler: undefined });
    await expect(op.addColumn('users', 'age', { type: 'int' as 'integer' })).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
  });

  it("a compiler's refusal gets the revision and the file of the migration", async () => {
    const { compiler } = compilerDouble(async () => {
      throw new OperationNotSupportedError('op.createIndex(…)', 'sqlite', 'SQLite has no concurrent index builds');
    });
    const { session: target, executed } = session();
    const op = operationsFor({ session: target, dialect: 'sqlite', compiler, revision: 'b2', path: 'versions/b2.mjs' });
    await expect(op.createIndex('ix', 'users', ['id'], { concurrently: true })).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      operation: "op.createIndex('ix', 'users', …)",
      dialect: 'sqlite',
      reason: 'SQLite has no concurrent index builds',
      revision: 'b2',
      path: 'versions/b2.mjs',
    });
    expect(executed).toEqual([]);
  });

  it('gives the compiler the dialect, the mode, the transaction state, describeTable and query', async () => {
    const { compiler, seen } = compilerDouble(async (_operation, context) => {
      const described = await context.describeTable({ name: 'users' });
      const missing = await context.describeTable({ name: 'nowhere' });
      const rows = await context.query!('SELECT 1 AS one');
      return { statements: [`-- ${described?.columns.length} ${missing === undefined} ${rows.length}`] };
    });
    const { session: target, executed } = session({ tables: { users }, inTransaction: false, answers: { 'SELECT 1 AS one': [{ one: 1 }] } });
    await operationsFor({ session: target, dialect: 'sqlite', compiler }).dropColumn('users', 'id');
    expect(seen[0]!.context).toMatchObject({ dialect: 'sqlite', offline: false, inTransaction: false });
    expect(executed).toEqual(['-- 1 true 1']);
  });

  it("a compiler that needs a table's definition fails with OPERATION_NOT_SUPPORTED when the session cannot describe one", async () => {
    const { compiler } = compilerDouble(async (_operation, context) => {
      await context.describeTable({ name: 'users' });
      return { statements: ['-- never'] };
    });
    const { session: target, executed } = session();
    await expect(operationsFor({ session: target, dialect: 'sqlite', compiler, revision: 'c3' }).dropColumn('users', 'id')).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      operation: "op.dropColumn('users', 'id')",
      reason: 'it needs the definition of table users, and the sqlite adapter cannot read one',
      revision: 'c3',
    });
    expect(executed).toEqual([]);
  });

  it('runs the checks before the statements, the statements, then the checks after them', async () => {
    const { compiler } = compilerDouble(async () => ({
      statements: ['ALTER 1', 'ALTER 2'],
      checks: [
        { when: 'after', comment: 'after', query: 'CHECK AFTER', failure: 'after failed' },
        { when: 'before', comment: 'before', query: 'CHECK BEFORE', failure: 'before failed' },
        { comment: 'after by default', query: 'CHECK DEFAULT', failure: 'default failed' },
      ],
    }));
    const trace: string[] = [];
    const target: Session = {
      execute: async (sql) => void trace.push(sql),
      query: async (sql) => (trace.push(sql), []),
      bulkInsert: async () => {},
      db: undefined,
      connection: undefined,
    };
    await operationsFor({ session: target, dialect: 'sqlite', compiler }).dropColumn('users', 'id');
    expect(trace).toEqual(['CHECK BEFORE', 'ALTER 1', 'ALTER 2', 'CHECK AFTER', 'CHECK DEFAULT']);
  });

  it('a check that returns rows fails with SCHEMA_CHECK_FAILED, its failure and at most five rows; a check before stops the statements', async () => {
    const offending = Array.from({ length: 7 }, (_, index) => ({ id: index + 1 }));
    const { compiler } = compilerDouble(async () => ({
      statements: ['REBUILD users'],
      checks: [{ when: 'before', comment: 'no NULLs', query: 'SELECT id FROM users WHERE email IS NULL', failure: 'users.email: 7 rows are NULL' }],
    }));
    const { session: target, executed } = session({ answers: { 'SELECT id FROM users WHERE email IS NULL': offending } });
    const error: unknown = await operationsFor({ session: target, dialect: 'sqlite', compiler })
      .alterColumn('users', 'email', { nullable: false })
      .catch((rejected: unknown) => rejected);
    expect(error).toMatchObject({ code: 'SCHEMA_CHECK_FAILED', failure: 'users.email: 7 rows are NULL', rows: offending.slice(0, 5) });
    expect((error as Error).message).toBe(`users.email: 7 rows are NULL ${JSON.stringify(offending.slice(0, 5))}`);
    expect(executed).toEqual([]);
  });

  it('offline, checks are left out and the statements go into the script', async () => {
    const { compiler, seen } = compilerDouble(async () => ({
      statements: ['REBUILD users'],
      checks: [{ when: 'before', comment: 'c', query: 'CHECK', failure: 'f' }],
    }));
    const { session: target, executed, queried } = session({ offline: true });
    const op = operationsFor({ session: target, dialect: 'sqlite', compiler });
    expect(op.offline).toBe(true);
    await op.alterColumn('users', 'email', { nullable: false });
    expect(seen[0]!.context.offline).toBe(true);
    expect(seen[0]!.context.query).toBeUndefined();
    expect(executed).toEqual(['REBUILD users']);
    expect(queried).toEqual([]);
  });
});

interface Script {
  readonly id: string;
  readonly parent: string | null;
  /** The body of `async up(op)`. */
  readonly up: string;
  /** The body of `async down(op)`. */
  readonly down?: string;
}

/** A project on the in-memory adapter, whose connections compile operations with `compiler` when given. */
async function project(scripts: readonly Script[], compiler?: SchemaOperationCompiler) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-operations-'));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  for (const [index, script] of scripts.entries()) {
    writeFileSync(
      path.join(cwd, 'migrations', 'versions', `${index}_${script.id}.mjs`),
      `export default {
  revision: '${script.id}',
  downRevision: ${script.parent === null ? 'null' : `'${script.parent}'`},
  async up(op) { ${script.up} },
  async down(op) { ${script.down ?? ''} },
};
`,
    );
  }
  const memory = createMemoryAdapter();
  const adapter = {
    ...memory,
    connect: async (options: Parameters<typeof memory.connect>[0]) => Object.assign(await memory.connect(options), { operationCompiler: compiler }),
  };
  const config = await loadConfig({ cwd, env: {}, url: 'memory://db', overrides: { adapter, transactionPerMigration: true } });
  return { env: createEnvironment(config), db: memory.database('memory://db') };
}

/** Compiles every operation to one marker statement naming its kind and table. */
const markerCompiler: SchemaOperationCompiler = {
  compile: async (operation) => {
    const table = 'table' in operation ? operation.table.name : operation.view.name;
    return { statements: [`-- ${operation.kind} ${table}`] };
  },
};

describe('schema operations in the runner (in-memory adapter)', () => {
  const first: Script = { id: 'a1', parent: null, up: "await op.execute('CREATE TABLE a');", down: "await op.execute('DROP TABLE a');" };

  it('compiled statements run in the migration transaction and commit with its version row', async () => {
    const { env, db } = await project(
      [first, { id: 'b2', parent: 'a1', up: "await op.createTable('users', { id: { type: 'integer', primaryKey: true } });", down: "await op.dropTable('users');" }],
      markerCompiler,
    );
    await upgrade(env);
    expect(db.statements).toEqual(['CREATE TABLE a', '-- createTable users']);
    expect(db.versions).toEqual(['b2']);
    await downgrade(env, { target: 'a1' });
    expect(db.statements.at(-1)).toBe('-- dropTable users');
    expect(db.versions).toEqual(['a1']);
  });

  it('an adapter without a compiler: MIGRATION_FAILED with the revision and file, caused by OPERATION_NOT_SUPPORTED; the step rolls back', async () => {
    const { env, db } = await project([
      first,
      { id: 'b2', parent: 'a1', up: "await op.execute('CREATE TABLE b'); await op.createTable('users', { id: { type: 'integer' } });" },
    ]);
    const failure: unknown = await upgrade(env).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', direction: 'upgrade', completed: ['a1'], rolledBack: true });
    expect((failure as { path: string }).path).toMatch(/1_b2\.mjs$/);
    const cause = (failure as Error).cause;
    expect(cause).toMatchObject({ code: 'OPERATION_NOT_SUPPORTED', operation: "op.createTable('users', …)", dialect: 'memory', revision: 'b2' });
    expect((cause as { path: string }).path).toMatch(/1_b2\.mjs$/);
    expect((failure as Error).message).toContain("op.createTable('users', …) in revision b2");
    expect((failure as { location?: { line: number } }).location).toMatchObject({ line: 4 });
    expect(db.statements).toEqual(['CREATE TABLE a']);
    expect(db.versions).toEqual(['a1']);
  });

  it('a bad call: MIGRATION_FAILED caused by INVALID_OPERATION, with the line of the migration', async () => {
    const { env, db } = await project([{ id: 'a1', parent: null, up: "await op.addColumn('users', 'age', { type: 'int' });" }], markerCompiler);
    const failure: unknown = await upgrade(env).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'a1', direction: 'upgrade' });
    expect((failure as Error).cause).toMatchObject({ code: 'INVALID_OPERATION', operation: "op.addColumn('users', 'age', …)" });
    expect((failure as Error).message).toContain('type "int" is not a portable type');
    expect((failure as { location?: { line: number } }).location).toMatchObject({ line: 4 });
    expect(db.statements).toEqual([]);
    expect(db.versions ?? []).toEqual([]);
  });

  it('a failing operation that was not awaited still fails the step, and nothing of the step commits', async () => {
    const { env, db } = await project(
      [{ id: 'a1', parent: null, up: "op.createTable('users', { id: { type: 'enum' } }); await op.execute('CREATE TABLE after');" }],
      markerCompiler,
    );
    const failure: unknown = await upgrade(env).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'a1', rolledBack: true });
    expect((failure as Error).cause).toMatchObject({ code: 'INVALID_OPERATION', problem: 'column "id": an enum needs values, a non-empty array of strings' });
    expect(db.statements).toEqual([]);
  });

  it('a compile refusal in down(): MIGRATION_FAILED for the downgrade', async () => {
    const refusing: SchemaOperationCompiler = {
      compile: async (operation) => {
        if (operation.kind === 'dropTable') throw new OperationNotSupportedError('op.dropTable(…)', 'memory', 'not today');
        return markerCompiler.compile(operation, undefined as never);
      },
    };
    const { env, db } = await project(
      [{ id: 'a1', parent: null, up: "await op.createTable('users', { id: { type: 'integer' } });", down: "await op.dropTable('users');" }],
      refusing,
    );
    await upgrade(env);
    const failure: unknown = await downgrade(env, { target: 'base' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'a1', direction: 'downgrade' });
    expect((failure as Error).cause).toMatchObject({ code: 'OPERATION_NOT_SUPPORTED', reason: 'not today', revision: 'a1' });
    expect(db.versions).toEqual(['a1']);
  });
});
