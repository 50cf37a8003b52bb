// @module-tag mariadb
import { fileURLToPath } from 'node:url';

import { LockLostError } from '@cloudguard/migrate-core';
import { type AdapterConnection } from '@cloudguard/migrate-core/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestMariaDbDatabase, type TestMariaDbDatabase } from '../../../../tools/test-db/mariadb.js';
import { mariadbAdapter } from '../../src/index.js';
import { lockName } from '../../src/mariadb-lock.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

let db: TestMariaDbDatabase;
beforeAll(async () => {
  db = await createTestMariaDbDatabase('cgm_mariadb_lock');
});
afterAll(async () => {
  await db.drop();
});

async function connect(): Promise<AdapterConnection> {
  return mariadbAdapter().connect({ url: db.url, cwd: PACKAGE_DIR, versionTable: { name: 'alembic_version' }, purpose: 'migrate' });
}

/** The server connection that holds the migration lock, from `IS_USED_LOCK`. */
async function lockHolder(): Promise<number | null> {
  const [row] = await db.query<{ id: number | null }>('SELECT IS_USED_LOCK(?) AS id', [lockName(db.name, 'alembic_version')]);
  return row?.id === null || row?.id === undefined ? null : Number(row.id);
}

describe('MariaDB migration lock: never lost in silence', () => {
  it("verify() passes while the lock's connection holds it, and throws LOCK_LOST once that connection is killed", async () => {
    const connection = await connect();
    try {
      const lock = await connection.acquireLock({ mode: 'fail' });
      const holder = (await lockHolder())!;
      await connection.transaction((session) => lock.verify!(session));

      await db.query(`KILL ${holder}`);
      const error = await connection.transaction((session) => lock.verify!(session)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LockLostError);
      expect((error as Error).message).toMatch(new RegExp(`^The migration lock was lost: the lock's connection \\(${holder}\\) has ended`));
      expect(await lockHolder()).toBeNull();
      await lock.release();
    } finally {
      await connection.close();
    }
  });
});

describe('MariaDB migration lock: a waiting runner is told who holds it', () => {
  it('calls onHeld with the holding connection while it waits, and takes the lock once it is released', async () => {
    const first = await connect();
    const second = await connect();
    try {
      const held = await first.acquireLock({ mode: 'fail' });
      const holder = (await lockHolder())!;
      const told: (string | undefined)[] = [];
      const waiting = second.acquireLock({ mode: 'wait', timeoutMs: 10_000 }, (description) => told.push(description));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(told[0]).toMatch(new RegExp(`^connection ${holder}, user root`));
      await held.release();
      const lock = await waiting;
      expect(await lockHolder()).not.toBe(holder);
      await lock.release();
    } finally {
      await first.close();
      await second.close();
    }
  });
});
