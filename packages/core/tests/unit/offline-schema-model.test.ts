import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import type { DialectAdapter, OfflineRenderer, Session } from '../../src/adapter/dialect-adapter.js';
import type { SchemaOperationCompiler } from '../../src/adapter/schema-operation-compiler.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { upgradeSql } from '../../src/commands/offline-sql.js';
import { loadConfig } from '../../src/config/load-config.js';
import { changesSchema } from '../../src/offline/statement-effect.js';

/**
 * A compiler that spells an operation as one line, and an alterTable as a rebuild that
 * lists the table's columns as `describeTable` gives them: what a SQLite rebuild needs.
 */
const rebuildingCompiler: SchemaOperationCompiler = {
  async compile(operation, context) {
    if (operation.kind === 'createTable') return { statements: [`CREATE TABLE ${operation.table.name} (${operation.columns.map((c) => c.name).join(', ')})`] };
    if (operation.kind !== 'alterTable') return { statements: [`${operation.kind.toUpperCase()}`] };
    const table = await context.describeTable(operation.table);
    if (table === undefined) throw new Error(`no table ${operation.table.name}`);
    return { statements: [`REBUILD ${operation.table.name} FROM (${table.columns.map((c) => `${c.name} ${c.type}${c.nullable === false ? ' NOT NULL' : ''}`).join(', ')})`] };
  },
};

function renderer(): OfflineRenderer {
  return {
    inline: (sql) => sql,
    beginTransaction: ['BEGIN'],
    commitTransaction: 'COMMIT',
    versionStore: {
      table: { name: 'alembic_version' },
      ensure: (s: Session) => s.execute('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)'),
      insert: (s: Session, v: string) => s.execute(`INSERT INTO alembic_version VALUES ('${v}')`),
      delete: (s: Session, v: string) => s.execute(`DELETE FROM alembic_version WHERE version_num = '${v}'`),
      update: (s: Session, from: string, to: string) => s.execute(`UPDATE alembic_version SET version_num = '${to}' WHERE version_num = '${from}'`),
    },
    auditStore: {
      table: { name: 'cgmigrate_audit' },
      ensure: (s: Session) => s.execute('CREATE TABLE IF NOT EXISTS cgmigrate_audit (revision VARCHAR(32))'),
      record: (s: Session, entry) => s.execute(`INSERT INTO cgmigrate_audit VALUES ('${entry.revision}')`),
    },
    bulkInsert: () => [],
    operationCompiler: rebuildingCompiler,
  };
}

const adapter: DialectAdapter = {
  apiVersion: 1,
  name: 'fake',
  schemes: ['fake'],
  capabilities: { transactionalDdl: true },
  connect: () => Promise.reject(new Error('offline mode must not connect')),
  renderOffline: async () => renderer(),
};

async function project(ups: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-offline-model-'));
  mkdirSync(path.join(dir, 'versions'));
  let parent: string | null = null;
  for (const [id, up] of Object.entries(ups)) {
    writeFileSync(
      path.join(dir, 'versions', `${id}.mjs`),
      `export default { revision: '${id}', downRevision: ${parent ? `'${parent}'` : 'null'}, async up(op) { ${up} }, async down() {} };\n`,
    );
    parent = id;
  }
  const config = await loadConfig({ cwd: dir, url: 'fake://nowhere', env: {}, overrides: { scriptLocation: dir, adapter } });
  return createEnvironment(config);
}

const CREATE_SCANS = "await op.createTable('scans', { id: { type: 'integer', primaryKey: true }, status: { type: 'string' } });";
const ALTER_STATUS = "await op.alterColumn('scans', 'status', { nullable: false });";

describe('offline rendering and the schema model', () => {
  it('compiles a rebuild of a table that a revision before the range made, from that revision replayed', async () => {
    const env = await project({ a1: CREATE_SCANS, b2: ALTER_STATUS });
    const { sql } = await upgradeSql(env, { range: 'a1:head' });
    expect(sql).toContain('REBUILD scans FROM (id integer NOT NULL, status string);');
    expect(sql).not.toContain('CREATE TABLE scans');
  });

  it('follows the operations of the range itself, whatever the audit table creation runs', async () => {
    const env = await project({ a1: CREATE_SCANS, b2: ALTER_STATUS, c3: "await op.addColumn('scans', 'note', { type: 'text' });" });
    const { sql } = await upgradeSql(env);
    expect(sql).toContain('REBUILD scans FROM (id integer NOT NULL, status string);');
    expect(sql).toContain('REBUILD scans FROM (id integer NOT NULL, status string NOT NULL);');
  });

  it('refuses, naming the revision and the statement, once raw DDL changed the schema behind the model', async () => {
    const env = await project({ a1: `${CREATE_SCANS} await op.execute('ALTER TABLE scans ADD COLUMN note TEXT');`, b2: ALTER_STATUS });
    await expect(upgradeSql(env, { range: 'a1:head' })).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      cause: {
        code: 'OPERATION_NOT_SUPPORTED',
        message: expect.stringMatching(/revision a1 runs raw SQL that changes the schema \(ALTER TABLE scans …\)/),
      },
    });
  });

  it('refuses a table no operation made, saying so', async () => {
    const env = await project({ a1: "await op.execute('CREATE TABLE scans (id INTEGER, status TEXT)');", b2: ALTER_STATUS });
    await expect(upgradeSql(env)).rejects.toMatchObject({
      cause: { code: 'OPERATION_NOT_SUPPORTED', message: expect.stringContaining('revision a1 runs raw SQL that changes the schema') },
    });
    const fromRange = await project({ a1: "await op.execute('UPDATE scans SET status = 1');", b2: ALTER_STATUS });
    await expect(upgradeSql(fromRange, { range: 'a1:head' })).rejects.toMatchObject({
      cause: { code: 'OPERATION_NOT_SUPPORTED', message: expect.stringContaining('none made this table') },
    });
  });

  it('forgets nothing for data statements, and refuses after a replayed revision that reads the database', async () => {
    const env = await project({ a1: `${CREATE_SCANS} await op.execute("UPDATE scans SET status = 'x'");`, b2: ALTER_STATUS });
    expect((await upgradeSql(env, { range: 'a1:head' })).sql).toContain('REBUILD scans');
    const reads = await project({ a1: `${CREATE_SCANS} const rows = await op.query('SELECT 1');`, b2: ALTER_STATUS });
    await expect(upgradeSql(reads, { range: 'a1:head' })).rejects.toMatchObject({
      cause: { message: expect.stringContaining('revision a1 reads the database (op.query)') },
    });
  });
});

describe('changesSchema', () => {
  it.each([
    ['ALTER TABLE scans ADD COLUMN x INT', true],
    ['  -- a comment\n CREATE INDEX ix ON scans (x)', true],
    ['/* c */ DROP TABLE scans', true],
    ['PRAGMA foreign_keys = ON', true],
    ["UPDATE scans SET status = 'x'", false],
    ['with ids as (select 1) delete from scans', false],
    ['(SELECT 1)', false],
    ['', false],
  ])('%j → %s', (sql, expected) => {
    expect(changesSchema(sql)).toBe(expected);
  });
});
