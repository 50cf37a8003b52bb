import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { check, createEnvironment, history, loadConfig, upgrade } from '@cloudguard/migrate-core';
import { type AuditEntry } from '@cloudguard/migrate-core/adapter';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { sqliteAdapter } from '../../src/index.js';
import { connect, connectOptions, tempDir } from '../support/fixtures.js';

const entry = (revision: string, direction: AuditEntry['direction'], at: string, checksum?: string): AuditEntry => ({
  revision,
  direction,
  checksum,
  appliedAt: new Date(at),
  durationMs: 7,
  appliedBy: 'deploy',
  host: 'ci-runner-1',
  toolVersion: '0.1.0',
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('SQLite audit table', () => {
  it('is created once, records one row per call and returns the newest row of each revision, oldest first', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    await connection.transaction(async (session) => {
      await connection.auditStore.ensure(session);
      await connection.auditStore.ensure(session);
      await connection.auditStore.record(session, entry('a1', 'upgrade', '2024-05-01T10:00:00.000Z', 'aa'));
      await connection.auditStore.record(session, entry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'));
      await connection.auditStore.record(session, entry('a1', 'downgrade', '2024-05-01T10:00:02.000Z', 'ab'));
      await connection.auditStore.record(session, { ...entry('c3', 'stamp', '2024-05-01T10:00:03.123Z'), host: undefined });
    });
    expect(await connection.auditStore.latest()).toEqual([
      entry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'),
      entry('a1', 'downgrade', '2024-05-01T10:00:02.000Z', 'ab'),
      { ...entry('c3', 'stamp', '2024-05-01T10:00:03.123Z'), host: undefined },
    ]);
    expect(connection.auditStore.table).toEqual({ name: 'cgmigrate_audit', schema: undefined });
  });

  it('appends many entries in order with recordAll, more than one INSERT holds', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    const entries = Array.from({ length: 2345 }, (_, i) => entry(`r${i}`, 'upgrade', '2024-05-01T10:00:00.000Z', `c${i}`));
    await connection.transaction(async (session) => {
      await connection.auditStore.ensure(session);
      await connection.auditStore.recordAll!(session, entries);
    });
    expect(await connection.auditStore.latest()).toEqual(entries);
  });

  it('is read, never created, by an inspect connection', async () => {
    const dir = tempDir();
    const migrate = await connect(connectOptions('sqlite:///app.db', dir));
    await migrate.transaction((session) => migrate.versionStore.ensure(session));
    const inspect = await connect(connectOptions('sqlite:///app.db', dir, { purpose: 'inspect' }));
    expect(await inspect.auditStore.latest()).toEqual([]);
    const db = new Database(join(dir, 'app.db'), { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'cgmigrate_audit'").all([])).toEqual([]);
    db.close();
    const missing = await connect(connectOptions('sqlite:///missing.db', dir, { purpose: 'inspect' }));
    expect(await missing.auditStore.latest()).toEqual([]);
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
  });

  it('calls SQLITE_BUSY a transient lock error, also when it is the cause of a failed BEGIN', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir), { busyTimeoutMs: 50 });
    await connection.autocommit((session) => session.execute('CREATE TABLE t (id INTEGER)'));
    const writer = new Database(join(dir, 'app.db'));
    writer.exec('BEGIN IMMEDIATE');
    try {
      const error = await rejection(connection.transaction((session) => session.execute('INSERT INTO t VALUES (1)')));
      expect(error).toMatchObject({ code: 'DATABASE_ERROR', cause: { code: 'SQLITE_BUSY' } });
      expect(connection.isTransientLockError(error)).toBe(true);
      expect(connection.isTransientLockError(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT' }))).toBe(false);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });
});

describe('SQLite audit table named by the auditTable config key', () => {
  it('is where upgrade writes, history reads and check compares', async () => {
    const cwd = tempDir();
    const versions = join(cwd, 'migrations', 'versions');
    mkdirSync(versions, { recursive: true });
    const migration = (id: string, parent: string | null, sql: string) =>
      `export default { revision: '${id}', downRevision: ${parent ? `'${parent}'` : 'null'}, async up(op) { await op.execute('${sql}'); } };\n`;
    writeFileSync(join(versions, '0_a1.mjs'), migration('a1', null, 'CREATE TABLE a (id INTEGER)'));
    writeFileSync(join(versions, '1_b2.mjs'), migration('b2', 'a1', 'CREATE TABLE b (id INTEGER)'));
    writeFileSync(join(cwd, 'cgmigrate.config.json'), JSON.stringify({ url: 'sqlite:///app.db', auditTable: 'deploy_log' }));
    const env = createEnvironment(await loadConfig({ cwd, env: {}, overrides: { adapter: sqliteAdapter() } }));
    await upgrade(env);

    const db = new Database(join(cwd, 'app.db'), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all([]) as { name: string }[];
    const logged = db.prepare('SELECT revision, direction FROM deploy_log ORDER BY id').all([]);
    db.close();
    expect(tables.map((t) => t.name)).toEqual(['a', 'alembic_version', 'b', 'deploy_log']);
    expect(logged).toEqual([
      { revision: 'a1', direction: 'upgrade' },
      { revision: 'b2', direction: 'upgrade' },
    ]);
    const { revisions } = await history(env, { withAudit: true });
    expect(revisions.map((r) => [r.id, r.appliedAt instanceof Date])).toEqual([
      ['b2', true],
      ['a1', true],
    ]);

    writeFileSync(join(versions, '0_a1.mjs'), migration('a1', null, 'CREATE TABLE a (id INTEGER, name TEXT)'));
    expect((await check(env)).problems.map((p) => `${p.code} ${'revision' in p ? p.revision : ''}`)).toEqual(['MIGRATION_EDITED a1']);
  });
});
