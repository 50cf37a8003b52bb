// @module-tag postgres
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { LockLostError, LockTimeoutError } from '@cloudguard/migrate-core';
import { type AdapterConnection, type MigrationLock } from '@cloudguard/migrate-core/adapter';
import { afterEach, describe, expect, it } from 'vitest';

import { advisoryLockKey } from '../../src/postgres-lock.js';
import { connect, connectOptions, openClient, rejection, useTestDatabase, withClient } from '../support/fixtures.js';

const url = useTestDatabase('cgm_pg_lock');
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

async function lockTimeout(promise: Promise<unknown>): Promise<LockTimeoutError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(LockTimeoutError);
  return error as LockTimeoutError;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts a process that takes the migration lock through the built adapter (`dist/index.js`) and keeps it. */
async function lockInChild(databaseUrl: string): Promise<{ child: ChildProcess; pid: number }> {
  const script = `
    const { default: adapter } = await import('@cloudguard/migrate-adapter-postgres');
    const connection = await adapter.connect(${JSON.stringify(connectOptions(`${databaseUrl}?application_name=child-runner`))});
    await connection.acquireLock({ mode: 'fail' });
    process.stdout.write('locked\\n');
    setInterval(() => {}, 60_000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
  });
  return { child, pid: child.pid! };
}

async function advisoryLocks(databaseUrl: string): Promise<number> {
  const client = await openClient(databaseUrl);
  const { rows } = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
  );
  return rows[0]!.n;
}

describe('PostgreSQL migration lock', () => {
  it('keeps a second connection out until the first releases', async () => {
    const first = await connect(connectOptions(url()));
    const second = await connect(connectOptions(url()));

    const held = await first.acquireLock({ mode: 'fail' });
    const error = await lockTimeout(second.acquireLock({ mode: 'fail' }));
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.waitedMs).toBeLessThan(1000);
    expect(error.holder).toMatch(/^pid \d+, application_name 'cgmigrate', user postgres, client 127\.0\.0\.1:\d+, connected since /);

    await held.release();
    await held.release();
    expect(await advisoryLocks(url())).toBe(0);
    const taken = await second.acquireLock({ mode: 'fail' });
    await taken.release();
  });

  it('waits up to the timeout, naming the holder (pid and application_name), then takes it once free', async () => {
    const holder = await openClient(url(), 'other-deployer');
    // another tool's session holding the same key (the adapter's key for public.alembic_version)
    const key = advisoryLockKey('public', 'alembic_version').toString();
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];

    const inspecting = await connect(connectOptions(url(), { purpose: 'inspect' }));
    const started = performance.now();
    const error = await lockTimeout(inspecting.acquireLock({ mode: 'wait', timeoutMs: 300 }));
    expect(error.waitedMs).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.holder).toContain(`pid ${pid}`);
    expect(error.holder).toContain("application_name 'other-deployer'");
    expect(error.message).toContain(`it is held by pid ${pid}`);

    setTimeout(() => void holder.query('SELECT pg_advisory_unlock($1::bigint)', [key]), 150);
    const taken = await inspecting.acquireLock({ mode: 'wait', timeoutMs: 5000 });
    await taken.release();
  });

  it('never waits in the server: it polls pg_try_advisory_lock', async () => {
    const first = await connect(connectOptions(url()));
    const held = await first.acquireLock({ mode: 'fail' });
    const second = await connect(connectOptions(url()));
    const waiting = lockTimeout(second.acquireLock({ mode: 'wait', timeoutMs: 600 }));
    const observer = await openClient(url());
    await new Promise((resolve) => setTimeout(resolve, 250));
    const { rows } = await observer.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    expect(rows[0]!.n).toBe(0);
    await waiting;
    await held.release();
  });

  it('is keyed on the version table: another table or schema has its own lock', async () => {
    const first = await connect(connectOptions(url()));
    const other = await connect(connectOptions(url(), { versionTable: { name: 'other_version' } }));
    const elsewhere = await connect(connectOptions(url(), { versionTable: { name: 'alembic_version', schema: 'ops' } }));
    const locks = [await first.acquireLock({ mode: 'fail' }), await other.acquireLock({ mode: 'fail' }), await elsewhere.acquireLock({ mode: 'fail' })];
    for (const lock of locks) await lock.release();
  });

  it("does not block the holder's own migrations", async () => {
    const connection = await connect(connectOptions(url()));
    const lock = await connection.acquireLock({ mode: 'fail' });
    try {
      await connection.transaction(async (session) => {
        await connection.versionStore.ensure(session);
        await connection.versionStore.insert(session, 'a1');
      });
      expect(await connection.versionStore.read()).toEqual(['a1']);
    } finally {
      await lock.release();
    }
  });

  it('is held against other processes, and freed when the holder is killed with SIGKILL', async () => {
    const { child } = await lockInChild(url());
    const connection = await connect(connectOptions(url()));
    const error = await lockTimeout(connection.acquireLock({ mode: 'fail' }));
    expect(error.holder).toContain("application_name 'child-runner'");

    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // the server notices the dead socket and ends the session, releasing its locks
    const lock = await connection.acquireLock({ mode: 'wait', timeoutMs: 10_000 });
    await lock.release();
  });

  it('refuses a lock on a closed connection', async () => {
    for (const purpose of ['migrate', 'inspect'] as const) {
      const connection = await connect(connectOptions(url(), { purpose }));
      await connection.close();
      await expect(connection.acquireLock({ mode: 'fail' })).rejects.toMatchObject({ code: 'DATABASE_ERROR' });
    }
  });
});

/** The backend that holds the migration lock of `public.alembic_version`, from `pg_locks`. */
async function lockHolderPid(databaseUrl: string): Promise<number | undefined> {
  const key = BigInt.asUintN(64, advisoryLockKey('public', 'alembic_version'));
  const rows = await withClient(databaseUrl, async (client) =>
    (
      await client.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid = $1::oid AND objid = $2::oid`,
        [(key >> 32n).toString(), (key & 0xffff_ffffn).toString()],
      )
    ).rows,
  );
  return rows[0]?.pid;
}

async function terminate(databaseUrl: string, pid: number): Promise<void> {
  await withClient(databaseUrl, (client) => client.query('SELECT pg_terminate_backend($1)', [pid]));
}

/** Runs `lock.verify` in a transaction of `connection`, as the runner does before it commits. */
function verifyInTransaction(connection: AdapterConnection, lock: MigrationLock): Promise<void> {
  return connection.transaction((session) => lock.verify!(session));
}

async function lockLost(promise: Promise<unknown>): Promise<LockLostError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(LockLostError);
  return error as LockLostError;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL migration lock: never lost in silence', () => {
  it('is held by the session the migrations run on, and verify() passes there, in a transaction and in autocommit', async () => {
    const connection = await connect(connectOptions(url()));
    const lock = await connection.acquireLock({ mode: 'fail' });
    const holder = await lockHolderPid(url());
    const pids = await connection.transaction(async (session) => {
      await lock.verify!(session);
      return session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    });
    expect(pids).toEqual([{ pid: holder }]);
    await connection.autocommit((session) => lock.verify!(session));
    await lock.release();
    expect(await lockHolderPid(url())).toBeUndefined();
  });

  it("keeps its session through the database's idle_session_timeout and idle_in_transaction_session_timeout", async () => {
    const database = await withClient(url(), async (client) => (await client.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d);
    await withClient(url(), (client) =>
      client.query(`ALTER DATABASE "${database}" SET idle_session_timeout = '1s'; ALTER DATABASE "${database}" SET idle_in_transaction_session_timeout = '1s'`),
    );
    try {
      const connection = await connect(connectOptions(url()));
      const lock = await connection.acquireLock({ mode: 'fail' });
      const holder = await lockHolderPid(url());
      await sleep(1500); // idle, between transactions
      await connection.transaction(async (session) => {
        await session.execute('CREATE TABLE marks (id int)');
        await sleep(1500); // idle in the transaction, as while the next migration is imported
        await lock.verify!(session);
      });
      expect(await lockHolderPid(url())).toBe(holder);
      const settings = await connection.autocommit((session) =>
        session.query("SELECT current_setting('idle_session_timeout') AS idle, current_setting('idle_in_transaction_session_timeout') AS in_transaction"),
      );
      expect(settings).toEqual([{ idle: '0', in_transaction: '0' }]);
      await lock.release();
    } finally {
      await withClient(url(), (client) =>
        client.query(`ALTER DATABASE "${database}" RESET idle_session_timeout; ALTER DATABASE "${database}" RESET idle_in_transaction_session_timeout`),
      );
    }
  });

  it('verify() throws LOCK_LOST once the pool has reconnected after its session was terminated (a new backend, without the lock)', async () => {
    const connection = await connect(connectOptions(url()));
    const lock = await connection.acquireLock({ mode: 'fail' });
    const holder = (await lockHolderPid(url()))!;
    await terminate(url(), holder);
    await sleep(200); // pg notices the closed socket; the pool drops the idle client

    const error = await lockLost(verifyInTransaction(connection, lock));
    expect(error.code).toBe('LOCK_LOST');
    expect(error.message).toMatch(
      new RegExp(`^The migration lock was lost: the lock's session \\(pid ${holder}\\) has ended, and the connection now runs on a new session \\(pid \\d+\\) that does not hold the lock`),
    );
    // The lock is free for another runner, and releasing the lost one is harmless.
    const other = await connect(connectOptions(url()));
    const taken = await other.acquireLock({ mode: 'fail' });
    await lock.release();
    expect(await lockHolderPid(url())).toBeDefined();
    await taken.release();
  });

  it('a transaction whose session is terminated while the lock is held fails with LOCK_LOST, and commits nothing', async () => {
    const connection = await connect(connectOptions(url()));
    await connection.autocommit((session) => session.execute('CREATE TABLE marks (id int)'));
    const lock = await connection.acquireLock({ mode: 'fail' });
    const holder = (await lockHolderPid(url()))!;
    const error = await lockLost(
      connection.transaction(async (session) => {
        await session.execute('INSERT INTO marks VALUES (1)');
        await terminate(url(), holder);
        await session.execute('INSERT INTO marks VALUES (2)');
        await lock.verify!(session);
      }),
    );
    expect(error.message).toContain(`the lock's session (pid ${holder}) has ended`);
    expect(await withClient(url(), async (client) => (await client.query('SELECT * FROM marks')).rows)).toEqual([]);
    await lock.release();
  });

  it('verify() throws LOCK_LOST after a migration released the lock itself (pg_advisory_unlock_all(), DISCARD ALL)', async () => {
    const connection = await connect(connectOptions(url()));
    for (const statement of ['SELECT pg_advisory_unlock_all()', 'DISCARD ALL']) {
      const lock = await connection.acquireLock({ mode: 'fail' });
      await connection.autocommit((session) => session.execute(statement));
      const error = await lockLost(verifyInTransaction(connection, lock));
      expect(error.message).toMatch(/no longer holds it: a statement released it/);
      await lock.release();
    }
  });

  it('verify() throws LOCK_LOST after release()', async () => {
    const connection = await connect(connectOptions(url()));
    const lock = await connection.acquireLock({ mode: 'fail' });
    await lock.release();
    await lockLost(verifyInTransaction(connection, lock));
  });

  it('keeps two commands that share one connection apart (advisory locks are re-entrant in a session)', async () => {
    const connection = await connect(connectOptions(url()));
    const first = await connection.acquireLock({ mode: 'fail' });
    const error = await lockTimeout(connection.acquireLock({ mode: 'wait', timeoutMs: 200 }));
    expect(error.holder).toContain(`pid ${(await lockHolderPid(url()))!}`);
    await first.release();
    const second = await connection.acquireLock({ mode: 'fail' });
    await second.release();
  });

  it('an inspect connection holds and verifies the lock on its own session too', async () => {
    const connection = await connect(connectOptions(url(), { purpose: 'inspect' }));
    const lock = await connection.acquireLock({ mode: 'fail' });
    await verifyInTransaction(connection, lock);
    await terminate(url(), (await lockHolderPid(url()))!);
    await sleep(200);
    await lockLost(connection.autocommit((session) => lock.verify!(session)));
    await lock.release();
  });
});
