import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createEnvironment, downgrade, loadConfig, upgrade, type MigrationEnvironment } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { postgresAdapter } from '../../src/index.js';
import { onCleanup, useTestDatabase, withClient } from '../support/fixtures.js';

const databaseUrl = useTestDatabase('cgm_pg_operations');

/** A project whose migration files are `[revision, body]`, chained in order, on the test database. */
async function project(migrations: readonly (readonly [string, string])[]): Promise<MigrationEnvironment> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-pg-operations-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  migrations.forEach(([revision, body], position) => {
    const parent = position === 0 ? 'null' : `'${migrations[position - 1]![0]}'`;
    writeFileSync(path.join(versions, `${position}_${revision}.mjs`), `export default { revision: '${revision}', downRevision: ${parent}, ${body} };\n`);
  });
  const config = await loadConfig({ cwd: dir, env: {}, url: databaseUrl(), overrides: { adapter: postgresAdapter() } });
  return createEnvironment(config);
}

async function rows(sql: string): Promise<unknown[]> {
  return withClient(databaseUrl(), async (client) => (await client.query(sql)).rows);
}

async function columns(table: string): Promise<unknown[]> {
  return rows(
    `SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS default
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' ORDER BY ordinal_position`,
  );
}

/** Tables, views, indexes and types of the public schema, but the version and audit tables'. */
async function objects(): Promise<string[]> {
  const found = (await rows(`
    SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'i' THEN 'index' ELSE c.relkind::text END || ' ' || c.relname AS object
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'i') AND c.relname NOT LIKE 'alembic_version%' AND c.relname NOT LIKE 'cgmigrate_audit%'
    UNION ALL
    SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'
    ORDER BY 1`)) as { object: string }[];
  return found.map((row) => row.object);
}

const CREATE_TABLES = [
  'a1',
  `async up(op) {
     await op.createTable('accounts', {
       id: { type: 'integer', primaryKey: true, autoincrement: true },
       email: { type: 'string', length: 320, nullable: false, unique: true },
       plan: { type: 'enum', values: ['free', 'pro'], enumName: 'account_plan', nullable: false, default: 'free' },
     });
     await op.createTable('scans', {
       id: { type: 'bigint', primaryKey: true, autoincrement: true },
       account_id: { type: 'integer', nullable: false, references: { table: 'accounts', column: 'id', onDelete: 'cascade' } },
       status: { type: 'string', length: 20 },
       score: { type: 'decimal', precision: 5, scale: 2 },
       started_at: { type: 'datetime', timezone: true, nullable: false, default: { sql: 'CURRENT_TIMESTAMP' } },
     }, { checks: [{ name: 'ck_scans_score', expression: 'score >= 0' }] });
     await op.createIndex('ix_scans_started', 'scans', ['started_at']);
     await op.createIndex('ix_scans_status_lower', 'scans', [{ sql: 'lower(status)' }], { where: "status <> 'done'" });
     await op.createView('pro_accounts', "select id, email from accounts where plan = 'pro'");
   },
   async down(op) {
     await op.dropView('pro_accounts');
     await op.dropTable('scans');
     await op.dropTable('accounts');
   }`,
] as const;

const ALTER = [
  'b2',
  `async up(op) {
     await op.addColumn('scans', 'note', { type: 'text', nullable: false, default: 'none', comment: 'Why it ran' });
     await op.alterColumn('scans', 'status', { type: 'text', nullable: false, default: 'queued', name: 'state' });
     await op.batchAlterTable('scans', (batch) => {
       batch.dropConstraint('ck_scans_score', 'check');
       batch.createUniqueConstraint('uq_scans_account_started', ['account_id', 'started_at']);
     });
   },
   async down(op) {
     await op.batchAlterTable('scans', (batch) => {
       batch.dropConstraint('uq_scans_account_started', 'unique');
       batch.createCheckConstraint('ck_scans_score', 'score >= 0');
     });
     await op.alterColumn('scans', 'state', { type: 'string', length: 20, nullable: true, default: null, name: 'status' });
     await op.dropColumn('scans', 'note');
   }`,
] as const;

describe('schema operations on PostgreSQL', () => {
  it('creates tables with a native enum, keys, checks, indexes and a view; alters them; downgrades to nothing', async () => {
    const env = await project([CREATE_TABLES, ALTER]);
    await upgrade(env, { target: 'a1' });
    expect(await objects()).toEqual([
      'index accounts_email_unique',
      'index accounts_pkey',
      'index ix_scans_started',
      'index ix_scans_status_lower',
      'index scans_pkey',
      'table accounts',
      'table scans',
      'type account_plan',
      'view pro_accounts',
    ]);
    expect(await columns('scans')).toEqual([
      { name: 'id', type: 'bigint', nullable: 'NO', default: "nextval('scans_id_seq'::regclass)" },
      { name: 'account_id', type: 'integer', nullable: 'NO', default: null },
      { name: 'status', type: 'character varying', nullable: 'YES', default: null },
      { name: 'score', type: 'numeric', nullable: 'YES', default: null },
      { name: 'started_at', type: 'timestamp with time zone', nullable: 'NO', default: 'CURRENT_TIMESTAMP' },
    ]);
    expect(await rows("SELECT pg_get_indexdef('ix_scans_status_lower'::regclass) AS definition")).toEqual([
      { definition: "CREATE INDEX ix_scans_status_lower ON public.scans USING btree (lower((status)::text)) WHERE ((status)::text <> 'done'::text)" },
    ]);
    await rows(`INSERT INTO accounts (email, plan) VALUES ('ada@example.com', 'pro'), ('alan@example.com', DEFAULT);
                INSERT INTO scans (account_id, status, score) VALUES (1, 'queued', 1.5), (2, 'done', 2)`);
    expect(await rows('SELECT email FROM pro_accounts')).toEqual([{ email: 'ada@example.com' }]);

    await upgrade(env, { target: 'head' });
    expect(await columns('scans')).toEqual([
      { name: 'id', type: 'bigint', nullable: 'NO', default: "nextval('scans_id_seq'::regclass)" },
      { name: 'account_id', type: 'integer', nullable: 'NO', default: null },
      { name: 'state', type: 'text', nullable: 'NO', default: "'queued'::text" },
      { name: 'score', type: 'numeric', nullable: 'YES', default: null },
      { name: 'started_at', type: 'timestamp with time zone', nullable: 'NO', default: 'CURRENT_TIMESTAMP' },
      { name: 'note', type: 'text', nullable: 'NO', default: "'none'::text" },
    ]);
    expect(await rows("SELECT col_description('scans'::regclass, 6) AS comment")).toEqual([{ comment: 'Why it ran' }]);
    expect(await rows("SELECT conname FROM pg_constraint WHERE conrelid = 'scans'::regclass AND contype IN ('c', 'u') ORDER BY 1")).toEqual([
      { conname: 'uq_scans_account_started' },
    ]);
    expect(await rows('SELECT id, state, note FROM scans ORDER BY id')).toEqual([
      { id: '1', state: 'queued', note: 'none' },
      { id: '2', state: 'done', note: 'none' },
    ]);

    await downgrade(env, { target: 'a1' });
    expect(await columns('scans')).toEqual([
      { name: 'id', type: 'bigint', nullable: 'NO', default: "nextval('scans_id_seq'::regclass)" },
      { name: 'account_id', type: 'integer', nullable: 'NO', default: null },
      { name: 'status', type: 'character varying', nullable: 'YES', default: null },
      { name: 'score', type: 'numeric', nullable: 'YES', default: null },
      { name: 'started_at', type: 'timestamp with time zone', nullable: 'NO', default: 'CURRENT_TIMESTAMP' },
    ]);
    await downgrade(env, { target: 'base' });
    expect(await objects()).toEqual([]);
  });

  it('builds an index concurrently only outside a transaction, refusing it inside one before anything runs', async () => {
    const inTransaction = await project([
      CREATE_TABLES,
      ['b2', `async up(op) { await op.createIndex('ix_scans_score', 'scans', ['score'], { concurrently: true }); }`],
    ]);
    await upgrade(inTransaction, { target: 'a1' });
    const error = await upgrade(inTransaction, { target: 'head' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'MIGRATION_FAILED',
      cause: { code: 'OPERATION_NOT_SUPPORTED', dialect: 'postgresql', reason: 'CONCURRENTLY cannot run inside a transaction block; mark the migration transactional: false' },
    });
    expect(await objects()).not.toContain('index ix_scans_score');
  });

  it('runs a concurrent index build in a transactional: false migration', async () => {
    const env = await project([
      CREATE_TABLES,
      [
        'b2',
        `transactional: false,
         async up(op) { await op.createIndex('ix_scans_score', 'scans', ['score'], { concurrently: true, ifNotExists: true }); },
         async down(op) { await op.dropIndex('ix_scans_score', 'scans', { concurrently: true, ifExists: true }); }`,
      ],
    ]);
    await upgrade(env, { target: 'head' });
    expect(await rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_scans_score'::regclass")).toEqual([{ indisvalid: true }]);
    await downgrade(env, { target: 'a1' });
    expect(await objects()).not.toContain('index ix_scans_score');
  });

  it('fails with SCHEMA_CHECK_FAILED before any statement when the rows break a new NOT NULL or unique rule, naming table, column and count', async () => {
    const failureOf = async (body: string): Promise<unknown> => {
      const env = await project([CREATE_TABLES, ['b2', `async up(op) { ${body} }`]]);
      await upgrade(env, { target: 'a1' });
      await rows(`INSERT INTO accounts (email) VALUES ('ada@example.com'), ('alan@example.com');
                  INSERT INTO scans (account_id, status) VALUES (1, NULL), (1, NULL), (2, 'done')`);
      const error = await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught);
      await downgrade(env, { target: 'base' });
      return (error as { cause?: unknown }).cause;
    };
    expect(await failureOf("await op.alterColumn('scans', 'status', { nullable: false });")).toMatchObject({
      code: 'SCHEMA_CHECK_FAILED',
      failure: 'scans.status holds NULL in 2 rows, and alterColumn makes it NOT NULL',
    });
    expect(await failureOf("await op.createUniqueConstraint('uq_scans_account', 'scans', ['account_id']);")).toMatchObject({
      code: 'SCHEMA_CHECK_FAILED',
      failure: 'scans(account_id) repeats 1 value, and addUnique makes it unique',
    });
    expect(await failureOf("await op.addColumn('scans', 'owner', { type: 'text', nullable: false });")).toMatchObject({
      code: 'SCHEMA_CHECK_FAILED',
      failure: 'scans.owner is a new NOT NULL column without a default, and scans has 3 rows',
    });
  });

  it('changes the type of a column views read: the views (and views over them) are dropped and created again, with options, comments and grants', async () => {
    const env = await project([
      CREATE_TABLES,
      [
        'b2',
        `async up(op) {
           await op.execute('create view scan_states with (security_barrier) as select id, status from scans');
           await op.execute('create view queued_scans as select id from scan_states where status = \\'queued\\'');
           await op.execute('comment on view scan_states is \\'one row per scan\\'');
           await op.execute('grant select on scan_states to public');
         }`,
      ],
      ['c3', `async up(op) { await op.alterColumn('scans', 'status', { type: 'text' }); }, async down(op) { await op.alterColumn('scans', 'status', { type: 'string', length: 20 }); }`],
    ]);
    await upgrade(env, { target: 'b2' });
    await rows("INSERT INTO accounts (email) VALUES ('ada@example.com'); INSERT INTO scans (account_id, status) VALUES (1, 'queued'), (1, 'done')");
    await upgrade(env, { target: 'head' });
    expect(await columns('scans')).toContainEqual({ name: 'status', type: 'text', nullable: 'YES', default: null });
    expect(await rows('SELECT id FROM queued_scans')).toEqual([{ id: '1' }]);
    expect(
      await rows(`SELECT c.reloptions AS options, obj_description(c.oid, 'pg_class') AS comment, has_table_privilege('public', c.oid, 'select') AS public
                    FROM pg_class c WHERE c.relname = 'scan_states'`),
    ).toEqual([{ options: ['security_barrier=true'], comment: 'one row per scan', public: true }]);
    await downgrade(env, { target: 'b2' });
    expect(await columns('scans')).toContainEqual({ name: 'status', type: 'character varying', nullable: 'YES', default: null });
    expect(await rows('SELECT id FROM queued_scans')).toEqual([{ id: '1' }]);
  });
});
