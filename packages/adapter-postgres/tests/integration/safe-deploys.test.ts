// @module-tag postgres
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { check, createEnvironment, history, loadConfig, upgrade, type MigrationEvent, type ResolvedConfig } from '@cloudguard/migrate-core';
import { type AuditEntry } from '@cloudguard/migrate-core/adapter';
import { describe, expect, it } from 'vitest';

import { postgresAdapter, type PostgresAdapterOptions } from '../../src/index.js';
import { auditTableDdl } from '../../src/postgres-store-dialect.js';
import { connect, connectOptions, onCleanup, openClient, rejection, useTestDatabase, withClient } from '../support/fixtures.js';

const url = useTestDatabase('cgm_pg_deploys');

const entry = (revision: string, direction: AuditEntry['direction'], at: string, checksum?: string): AuditEntry => ({
  revision,
  direction,
  checksum,
  appliedAt: new Date(at),
  durationMs: 12,
  appliedBy: 'deploy',
  host: 'ci-runner-1',
  toolVersion: '0.1.0',
});

async function tableExists(name: string): Promise<boolean> {
  const { rows } = await withClient(url(), (client) => client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [name]));
  return rows[0]!.found;
}

/** A project whose migrations are `.mjs` files, run by core with this adapter. */
function project(migrations: { id: string; parent: string | null; up: string[] }[]): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-pg-deploys-'));
  onCleanup(() => rmSync(cwd, { recursive: true, force: true }));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  for (const [index, m] of migrations.entries()) {
    const body = m.up.map((sql) => `await op.execute(${JSON.stringify(sql)});`).join(' ');
    writeFileSync(
      path.join(cwd, 'migrations', 'versions', `${index}_${m.id}.mjs`),
      `export default { revision: '${m.id}', downRevision: ${m.parent ? `'${m.parent}'` : 'null'}, async up(op) { ${body} } };\n`,
    );
  }
  return cwd;
}

async function environment(cwd: string, adapterOptions: PostgresAdapterOptions, lockRetry: { attempts: number; backoffMs: number }) {
  const config = await loadConfig({ cwd, env: {}, url: url(), overrides: { adapter: postgresAdapter(adapterOptions) } });
  const events: MigrationEvent[] = [];
  // `lockRetry` is not a config key yet: set on the resolved config, as loadConfig will.
  const env = createEnvironment({ ...config, lockRetry } as ResolvedConfig, { onEvent: (event) => events.push(event) });
  return { env, events };
}

/** Holds `LOCK TABLE … ACCESS EXCLUSIVE` on another session until `release()`. */
async function blockTable(table: string): Promise<{ release: () => Promise<void> }> {
  const blocker = await openClient(url(), 'cgmigrate-test-blocker');
  await blocker.query('BEGIN');
  await blocker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return { release: async () => void (await blocker.query('ROLLBACK')) };
}

const retries = (events: MigrationEvent[]) => events.filter((e) => e.type === 'warning' && e.code === 'LOCK_RETRY');

describe('PostgreSQL audit table', () => {
  it('is created once, records one row per call and returns the newest row of each revision, oldest first', async () => {
    const connection = await connect(connectOptions(url()));
    await connection.transaction(async (session) => {
      await connection.auditStore.ensure(session);
      await connection.auditStore.ensure(session);
    });
    await connection.transaction(async (session) => {
      await connection.auditStore.record(session, entry('a1', 'upgrade', '2024-05-01T10:00:00.000Z', 'aa'));
      await connection.auditStore.record(session, entry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'));
      await connection.auditStore.record(session, entry('a1', 'downgrade', '2024-05-01T10:00:02.000Z', 'ab'));
      await connection.auditStore.record(session, { ...entry('c3', 'stamp', '2024-05-01T10:00:03.123Z'), appliedBy: undefined, host: undefined });
    });
    expect(await connection.auditStore.latest()).toEqual([
      entry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'),
      entry('a1', 'downgrade', '2024-05-01T10:00:02.000Z', 'ab'),
      { ...entry('c3', 'stamp', '2024-05-01T10:00:03.123Z'), appliedBy: undefined, host: undefined },
    ]);
    expect(connection.auditStore.table).toEqual({ name: 'cgmigrate_audit', schema: undefined });
  });

  it('appends many entries in order with recordAll, quotes, commas and nulls included', async () => {
    const connection = await connect(connectOptions(url()));
    const entries = Array.from({ length: 2345 }, (_, i) => entry(`r${i}`, 'upgrade', '2024-05-01T10:00:00.000Z', `c${i}`));
    // Array parameters travel as text: characters that array syntax quotes must come back as they went.
    entries[7] = { ...entries[7]!, appliedBy: 'o\'brien, "ops" {team} \\ NULL', host: undefined, checksum: undefined };
    await connection.transaction(async (session) => {
      await connection.auditStore.ensure(session);
      await connection.auditStore.recordAll!(session, entries);
    });
    expect(await connection.auditStore.latest()).toEqual(entries);
  });

  it('is read, never created, by an inspect connection, and lives in the version table\'s schema', async () => {
    await withClient(url(), (client) => client.query('CREATE SCHEMA ops'));
    const inspect = await connect(connectOptions(url(), { purpose: 'inspect', versionTable: { name: 'alembic_version', schema: 'ops' } }));
    expect(await inspect.auditStore.latest()).toEqual([]);
    expect(await tableExists('ops.cgmigrate_audit')).toBe(false);

    const migrate = await connect(connectOptions(url(), { versionTable: { name: 'alembic_version', schema: 'ops' } }));
    await migrate.transaction((session) => migrate.auditStore.ensure(session));
    expect(await tableExists('ops.cgmigrate_audit')).toBe(true);
    expect(auditTableDdl({ name: 'cgmigrate_audit', schema: 'ops' })[1]).toBe(
      'CREATE INDEX IF NOT EXISTS "cgmigrate_audit_revision_ix" ON "ops"."cgmigrate_audit" (revision, id)',
    );
  });

  it('is written by upgrade in the transaction of each step', async () => {
    const cwd = project([
      { id: 'a1', parent: null, up: ['CREATE TABLE a (id int)'] },
      { id: 'b2', parent: 'a1', up: ['CREATE TABLE b (id int)'] },
    ]);
    const { env } = await environment(cwd, {}, { attempts: 1, backoffMs: 0 });
    await upgrade(env);
    const rows = await withClient(url(), (client) =>
      client.query<{ revision: string; direction: string; checksum: string }>('SELECT revision, direction, checksum FROM cgmigrate_audit ORDER BY id'),
    );
    expect(rows.rows.map((r) => `${r.direction} ${r.revision}`)).toEqual(['upgrade a1', 'upgrade b2']);
    expect(rows.rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('PostgreSQL audit table named by the auditTable config key', () => {
  it('is where upgrade writes, history reads and check compares, in versionTableSchema', async () => {
    await withClient(url(), (client) => client.query('CREATE SCHEMA ops'));
    const cwd = project([
      { id: 'a1', parent: null, up: ['CREATE TABLE a (id int)'] },
      { id: 'b2', parent: 'a1', up: ['CREATE TABLE b (id int)'] },
    ]);
    writeFileSync(path.join(cwd, 'cgmigrate.config.json'), JSON.stringify({ auditTable: 'deploy_log', versionTableSchema: 'ops' }));
    const config = await loadConfig({ cwd, env: {}, url: url(), overrides: { adapter: postgresAdapter() } });
    const env = createEnvironment(config);
    await upgrade(env);

    expect(await tableExists('ops.deploy_log')).toBe(true);
    expect(await tableExists('ops.cgmigrate_audit')).toBe(false);
    expect(await tableExists('public.cgmigrate_audit')).toBe(false);
    const rows = await withClient(url(), (client) => client.query<{ revision: string }>('SELECT revision FROM ops.deploy_log ORDER BY id'));
    expect(rows.rows.map((r) => r.revision)).toEqual(['a1', 'b2']);
    const { revisions } = await history(env, { withAudit: true });
    expect(revisions.map((r) => [r.id, r.appliedAt instanceof Date])).toEqual([['b2', true], ['a1', true]]);

    writeFileSync(path.join(cwd, 'migrations', 'versions', '0_a1.mjs'), "export default { revision: 'a1', downRevision: null, async up() {} };\n");
    expect((await check(env)).problems.map((p) => `${p.code} ${'revision' in p ? p.revision : ''}`)).toEqual(['MIGRATION_EDITED a1']);
  });
});

describe('PostgreSQL lock_timeout', () => {
  it('fails a blocked statement fast with 55P03, which the connection calls a transient lock error', async () => {
    await withClient(url(), (client) => client.query('CREATE TABLE scans (id int)'));
    const blocker = await blockTable('scans');
    const connection = await connect(connectOptions(url()), { lockTimeout: '100ms' });
    const started = performance.now();
    const error = await rejection(connection.transaction((session) => session.execute('ALTER TABLE scans ADD COLUMN duration_ms int')));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({ code: '55P03', sql: 'ALTER TABLE scans ADD COLUMN duration_ms int' });
    expect(connection.isTransientLockError(error)).toBe(true);
    expect(connection.isTransientLockError(Object.assign(new Error('x'), { code: '42P01' }))).toBe(false);
    await blocker.release();
  });

  it('takes the timeouts from the URL too, over the adapter options', async () => {
    await withClient(url(), (client) => client.query('CREATE TABLE scans (id int)'));
    const blocker = await blockTable('scans');
    const connection = await connect(connectOptions(`${url()}?lock_timeout=100ms&statement_timeout=30s`), { lockTimeout: '1min' });
    const timeouts = await connection.transaction((session) =>
      session.query<{ lock: string; statement: string }>(
        "SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement",
      ),
    );
    expect(timeouts).toEqual([{ lock: '100ms', statement: '30s' }]);
    const error = await rejection(connection.transaction((session) => session.execute('ALTER TABLE scans ADD COLUMN x int')));
    expect(error).toMatchObject({ code: '55P03' });
    await blocker.release();
  });

  it('retries the failed transaction, warning each time, and succeeds when the blocker lets go in time', async () => {
    await withClient(url(), (client) => client.query('CREATE TABLE scans (id int)'));
    const cwd = project([
      { id: 'a1', parent: null, up: ['CREATE TABLE findings (id int)'] },
      { id: 'b2', parent: 'a1', up: ['ALTER TABLE scans ADD COLUMN duration_ms int'] },
    ]);
    const { env, events } = await environment(cwd, { lockTimeout: '150ms' }, { attempts: 10, backoffMs: 100 });
    const blocker = await blockTable('scans');
    setTimeout(() => void blocker.release(), 700);
    const result = await upgrade(env);
    expect(result.to).toEqual(['b2']);
    expect(retries(events).length).toBeGreaterThanOrEqual(1);
    expect(retries(events).every((e) => e.type === 'warning' && e.revision === 'b2')).toBe(true);
    expect(await tableExists('findings')).toBe(true);
    const audit = await withClient(url(), (client) => client.query<{ revision: string }>('SELECT revision FROM cgmigrate_audit ORDER BY id'));
    expect(audit.rows.map((r) => r.revision)).toEqual(['a1', 'b2']);
  });

  it('fails with MIGRATION_FAILED naming the revision when the blocker holds on past the last attempt', async () => {
    await withClient(url(), (client) => client.query('CREATE TABLE scans (id int)'));
    const cwd = project([
      { id: 'a1', parent: null, up: ['CREATE TABLE findings (id int)'] },
      { id: 'b2', parent: 'a1', up: ['ALTER TABLE scans ADD COLUMN duration_ms int'] },
    ]);
    const { env, events } = await environment(cwd, { lockTimeout: '100ms' }, { attempts: 3, backoffMs: 50 });
    const blocker = await blockTable('scans');
    const error = await rejection(upgrade(env));
    await blocker.release();
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', completed: [], statement: 'ALTER TABLE scans ADD COLUMN duration_ms int' });
    expect((error as Error).message).toContain('canceling statement due to lock timeout');
    expect((error as Error).cause).toMatchObject({ code: '55P03' });
    expect(retries(events)).toHaveLength(2);
    // The whole run was one transaction: a1 was rolled back with b2, and so were the
    // version and audit tables created in it (as Alembic leaves a database on PostgreSQL).
    expect(await tableExists('findings')).toBe(false);
    expect(await tableExists('alembic_version')).toBe(false);
    expect(await tableExists('cgmigrate_audit')).toBe(false);
  });
});

describe('PostgreSQL sessions of a killed runner', () => {
  it('ask the server to check for a vanished client while a statement runs', async () => {
    const connection = await connect(connectOptions(url()));
    const [row] = await connection.transaction((session) =>
      session.query<{ interval: string; version: number }>(
        "SELECT current_setting('client_connection_check_interval', true) AS interval, current_setting('server_version_num')::int AS version",
      ),
    );
    if (row!.version >= 140000) expect(row!.interval).toBe('1s');
  });
});
