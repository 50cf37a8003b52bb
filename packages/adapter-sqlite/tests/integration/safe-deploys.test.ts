import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { AuditEntry } from '@cloudguard/migrate-core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

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
