import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect } from 'vitest';

import type { AdapterConnection, Session } from '../../adapter/dialect-adapter.js';
import { createEnvironment, type MigrationEnvironment } from '../../commands/environment.js';
import { downgrade, upgrade } from '../../commands/upgrade.js';
import { loadConfig } from '../../config/load-config.js';
import type { MigrationOperations, Row } from '../../migration.js';
import type { TableDescription } from '../../operations/schema-operation.js';
import type { ConformanceFixture } from './fixture.js';
import {
  CREATED_VIEW,
  DESCRIBED_TABLES,
  ITEMS,
  ITEMS_VIEW,
  createStartingSchema,
  type CaseProbe,
  type OperationCase,
  type SchemaSnapshot,
} from './operation-cases.js';
import { OPERATION_MATRIX, addNotNullOverNulls } from './operation-matrix.js';
import type { AdapterConformanceOptions } from './options.js';
import { ConformanceAbort, rejection } from './probes.js';

/** The revision that makes the starting schema, and the one that applies the case. */
const BASE_REVISION = 'cgmop01';
const CASE_REVISION = 'cgmop02';

/** Where the migration files find the functions of the running check (set before they load, removed after). */
const STEPS = Symbol.for('@cloudguard/migrate-core/conformance/operation-steps');

interface Step {
  up(op: MigrationOperations): Promise<void>;
  down(op: MigrationOperations): Promise<void>;
}

function steps(): Map<string, Step> {
  const holder = globalThis as { [STEPS]?: Map<string, Step> };
  return (holder[STEPS] ??= new Map());
}

/**
 * Schema operations (`op.createTable`, `op.alterColumn`, …), for an adapter whose
 * connections have an `operationCompiler`: for each case of the matrix (every operation,
 * every table change, every portable type for `createTable` and `addColumn`), a
 * migration makes a starting schema with rows and a view, the next applies the case's
 * operation, and its `down` reverses it. After the upgrade the case checks the change
 * through `session.describeTable` and the rows; after the downgrade every table must be
 * described exactly as before it, with its rows (where the operation keeps data) and the
 * view's rows. Migrations run through core's `upgrade` and `downgrade`, as a user's do.
 */
export function operationChecks(fx: ConformanceFixture): void {
  // Whether connections compile operations is known only once one is open: ask one, while the suite is defined.
  describe('schema operations', async () => {
    const unmet = (await missingCompiler(fx.options)) || fx.needsSql;
    for (const cases of Object.values(OPERATION_MATRIX)) {
      for (const operationCase of cases) {
        const lacking = operationCase.needs === undefined ? undefined : fx.options.lacks?.[operationCase.needs];
        fx.check(operationCase.id, operationCase.title, () => runCase(fx, operationCase), unmet || lacking);
      }
    }
    fx.check(
      'operations.check-failure',
      'alterColumn nullable: false over NULLs fails with SCHEMA_CHECK_FAILED and changes nothing',
      () => runFailingCheck(fx),
      unmet,
    );
  });
}

/** Why the operations cannot be checked (the adapter's connections have no compiler), or `false`. */
async function missingCompiler(options: AdapterConformanceOptions): Promise<string | false> {
  const database = await options.database();
  try {
    const connection = await options.adapter().connect({
      url: database.url,
      cwd: database.cwd,
      versionTable: { name: 'alembic_version' },
      purpose: 'migrate',
    });
    try {
      return connection.operationCompiler === undefined && "the adapter's connections have no operationCompiler";
    } finally {
      await connection.close();
    }
  } finally {
    await database.drop();
  }
}

/** An environment over a fresh script directory: the starting schema, then `step`. Removed after the check. */
async function environment(fx: ConformanceFixture, step: Step): Promise<MigrationEnvironment> {
  const key = randomUUID();
  steps().set(`${key}/base`, { up: createStartingSchema, down: dropStartingSchema });
  steps().set(`${key}/case`, step);
  fx.onCleanup(() => {
    steps().delete(`${key}/base`);
    steps().delete(`${key}/case`);
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-operations-conformance-'));
  fx.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const versions = path.join(dir, 'versions');
  mkdirSync(versions);
  const file = (revision: string, downRevision: string | null, message: string, stepKey: string): string => `const step = globalThis[Symbol.for(${JSON.stringify(STEPS.description)})].get(${JSON.stringify(stepKey)});
export default {
  revision: '${revision}',
  downRevision: ${downRevision === null ? 'null' : `'${downRevision}'`},
  message: ${JSON.stringify(message)},
  up: (op) => step.up(op),
  down: (op) => step.down(op),
};
`;
  writeFileSync(path.join(versions, `${BASE_REVISION}_base.mjs`), file(BASE_REVISION, null, 'operations: starting schema', `${key}/base`));
  writeFileSync(path.join(versions, `${CASE_REVISION}_case.mjs`), file(CASE_REVISION, BASE_REVISION, 'operations: the case', `${key}/case`));
  const config = await loadConfig({
    cwd: fx.database.cwd,
    url: fx.database.url,
    env: {},
    overrides: { scriptLocation: dir, adapter: fx.adapter },
  });
  return createEnvironment(config);
}

async function dropStartingSchema(op: MigrationOperations): Promise<void> {
  await op.dropView(ITEMS_VIEW);
  for (const name of Object.keys(DESCRIBED_TABLES).reverse()) await op.dropTable(name, { ifExists: true });
}

async function runCase(fx: ConformanceFixture, operationCase: OperationCase): Promise<void> {
  const env = await environment(fx, operationCase);
  await upgrade(env, { target: BASE_REVISION });
  const before = await snapshot(fx);
  expect(before.rows[ITEMS], 'the starting schema holds its rows').toHaveLength(3);
  expect(before.viewRows, 'the starting schema has its view').toHaveLength(3);

  await upgrade(env, { target: 'head' });
  const after = await snapshot(fx);
  await operationCase.verify(before, after, probe(fx));

  await downgrade(env, { target: BASE_REVISION });
  const restored = await snapshot(fx);
  for (const [name, described] of Object.entries(before.tables)) {
    expect(restored.tables[name], `table ${name} after the downgrade, described`).toEqual(described);
  }
  for (const [name, rows] of Object.entries(before.rows)) {
    expect(restored.rows[name], `the rows of ${name} after the downgrade`).toEqual(expectedRows(operationCase, name, rows));
  }
  expect(restored.viewRows, `the rows of ${ITEMS_VIEW} after the downgrade`).toEqual(before.viewRows);
  expect(restored.createdViewRows, `view ${CREATED_VIEW} after the downgrade`).toEqual(before.createdViewRows);
  expect(await versions(fx)).toEqual([BASE_REVISION]);
}

/** The rows a table must hold after the downgrade: as before, but for what the case cannot bring back. */
function expectedRows(operationCase: OperationCase, name: string, rows: readonly Row[] | undefined): readonly Row[] | undefined {
  if (rows === undefined) return undefined;
  if (operationCase.loses?.rowsOf?.includes(name)) return [];
  const lostValues = operationCase.loses?.values?.[name];
  if (lostValues === undefined) return rows;
  return rows.map((row) => ({ ...row, ...Object.fromEntries(lostValues.map((lost) => [lost, null])) }));
}

async function runFailingCheck(fx: ConformanceFixture): Promise<void> {
  const env = await environment(fx, { up: addNotNullOverNulls, down: async (op) => op.alterColumn(ITEMS, 'note', { nullable: true }) });
  await upgrade(env, { target: BASE_REVISION });
  const before = await snapshot(fx);
  expect(before.rows[ITEMS]?.some((row) => row['note'] === null), 'the starting schema has a NULL note').toBe(true);

  const failure = await rejection(upgrade(env, { target: 'head' }));
  expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: CASE_REVISION, direction: 'upgrade' });
  const cause = (failure as Error).cause;
  expect(cause).toMatchObject({ code: 'SCHEMA_CHECK_FAILED' });
  // The failure names the table and the column, so that a user can find the rows.
  expect((cause as { failure: string }).failure).toContain(ITEMS);
  expect((cause as { failure: string }).failure).toContain('note');

  expect(await snapshot(fx)).toEqual(before);
  expect(await versions(fx)).toEqual([BASE_REVISION]);
}

// ── observing the database through the adapter ───────────────────────────────

/** Every described table, its rows and the views' rows, each read in its own autocommit session. */
async function snapshot(fx: ConformanceFixture): Promise<SchemaSnapshot> {
  const connection = await fx.connect();
  try {
    const tables: Record<string, TableDescription | undefined> = {};
    const rows: Record<string, Row[] | undefined> = {};
    for (const [name, order] of Object.entries(DESCRIBED_TABLES)) {
      tables[name] = inCatalogIndependentOrder(await connection.autocommit((session) => describeTable(session, name)));
      rows[name] = tables[name] === undefined ? undefined : await connection.autocommit((session) => session.query(`SELECT * FROM ${name} ORDER BY ${order.join(', ')}`));
    }
    return {
      tables,
      rows,
      viewRows: await rowsOrUndefined(connection, `SELECT id, label FROM ${ITEMS_VIEW} ORDER BY id`),
      createdViewRows: await rowsOrUndefined(connection, `SELECT id, code FROM ${CREATED_VIEW} ORDER BY id`),
    };
  } finally {
    await connection.close();
  }
}

async function describeTable(session: Session, name: string): Promise<TableDescription | undefined> {
  if (session.describeTable === undefined) {
    return expect.unreachable("the adapter's sessions have no describeTable, which schema operations need (a SQLite rebuild, a MySQL MODIFY COLUMN) and this suite reads schemas with");
  }
  return session.describeTable({ name });
}

/**
 * The description with its indexes and constraints sorted by name. The order a
 * database lists them in is no part of the schema (SQLite lists a rebuilt table's
 * indexes in the order they were recreated), while the order of columns is, and stays.
 */
function inCatalogIndependentOrder(described: TableDescription | undefined): TableDescription | undefined {
  if (described === undefined) return undefined;
  const byName = <T extends { readonly name?: string | undefined }>(items: readonly T[]): T[] =>
    [...items].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  return {
    ...described,
    indexes: byName(described.indexes),
    uniques: byName(described.uniques),
    foreignKeys: byName(described.foreignKeys),
    checks: byName(described.checks),
  };
}

/** The rows of `sql`, or `undefined` when it fails (its table or view does not exist). */
async function rowsOrUndefined(connection: AdapterConnection, sql: string): Promise<Row[] | undefined> {
  try {
    return await connection.autocommit((session) => session.query(sql));
  } catch {
    return undefined;
  }
}

async function versions(fx: ConformanceFixture): Promise<string[]> {
  const connection = await fx.connect();
  try {
    return await connection.versionStore.read();
  } finally {
    await connection.close();
  }
}

/** Probes run in transactions that are rolled back, so that they leave no trace for the downgrade's comparison. */
function probe(fx: ConformanceFixture): CaseProbe {
  const rolledBack = async (work: (session: Session) => Promise<void>): Promise<unknown> => {
    const connection = await fx.connect();
    try {
      const abort = new ConformanceAbort();
      const error = await rejection(
        connection.transaction(async (session) => {
          await work(session);
          throw abort;
        }),
      );
      return error === abort ? undefined : error;
    } finally {
      await connection.close();
    }
  };
  return {
    defaultOf: async (column) => {
      let value: unknown;
      const error = await rolledBack(async (session) => {
        await session.execute(`INSERT INTO ${ITEMS} (id, label) VALUES (?, ?)`, [1000, 'probe']);
        const rows = await session.query(`SELECT ${column} AS value FROM ${ITEMS} WHERE id = ?`, [1000]);
        value = rows[0]?.['value'];
      });
      if (error !== undefined) throw error;
      return value;
    },
    succeeds: async (sql) => (await rolledBack((session) => session.execute(sql))) === undefined,
  };
}
