import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { LockLostError, LockTimeoutError, LockUnavailableError } from '@cloudguard/migrate-core';
import { afterEach, describe, expect, it } from 'vitest';

import { HOLDER_FILE_SUFFIX, LOCK_FILE_SUFFIX } from '../../src/sqlite-lock.js';
import { connect, connectOptions, tempDir } from '../support/fixtures.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

async function lockTimeout(promise: Promise<unknown>): Promise<LockTimeoutError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LockTimeoutError);
  return error as LockTimeoutError;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts a process that takes the migration lock through the built adapter and keeps it. */
async function lockInChild(url: string, cwd: string): Promise<ChildProcess> {
  const script = `
    const { default: adapter } = await import('@cloudguard/migrate-adapter-sqlite');
    const connection = await adapter.connect(${JSON.stringify(connectOptions(url, cwd))});
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
  return child;
}

describe('SQLite migration lock', () => {
  it('keeps a second connection out until the first releases', async () => {
    const dir = tempDir();
    const first = await connect(connectOptions('sqlite:///app.db', dir));
    const second = await connect(connectOptions('sqlite:///app.db', dir));

    const held = await first.acquireLock({ mode: 'fail' });
    const error = await lockTimeout(second.acquireLock({ mode: 'fail' }));
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.waitedMs).toBe(0);
    expect(error.holder).toMatch(new RegExp(`^pid ${process.pid} on \\S+ \\(user [^)]+\\), holding it since \\d{4}-\\d\\d-\\d\\dT`));
    expect(error.message).toContain(`; it is held by pid ${process.pid} on `);

    await held.release();
    await held.release();
    const taken = await second.acquireLock({ mode: 'fail' });
    await taken.release();
  });

  it('waits up to the timeout', async () => {
    const dir = tempDir();
    const first = await connect(connectOptions('sqlite:///app.db', dir));
    const second = await connect(connectOptions('sqlite:///app.db', dir, { purpose: 'inspect' }));
    const held = await first.acquireLock({ mode: 'fail' });

    const started = performance.now();
    const error = await lockTimeout(second.acquireLock({ mode: 'wait', timeoutMs: 150 }));
    expect(error.waitedMs).toBeGreaterThanOrEqual(140);
    expect(performance.now() - started).toBeLessThan(1000);

    setTimeout(() => void held.release(), 100);
    const taken = await second.acquireLock({ mode: 'wait', timeoutMs: 5000 });
    await taken.release();
  });

  it("does not block the holder's own writes", async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir), { busyTimeoutMs: 100 });
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
    expect(existsSync(join(dir, `app.db${LOCK_FILE_SUFFIX}`))).toBe(true);
    expect(existsSync(join(dir, `app.db${LOCK_FILE_SUFFIX}-journal`))).toBe(false);
  });

  it('is held against other processes, and freed when the holder is killed', async () => {
    const dir = tempDir();
    const child = await lockInChild('sqlite:///app.db', dir);
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    expect((await lockTimeout(connection.acquireLock({ mode: 'fail' }))).holder).toMatch(new RegExp(`^pid ${child.pid} on `));

    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // The killed holder's note stays behind until the next holder releases the lock.
    expect(existsSync(join(dir, `app.db${LOCK_FILE_SUFFIX}${HOLDER_FILE_SUFFIX}`))).toBe(true);
    const lock = await connection.acquireLock({ mode: 'fail' });
    await lock.release();
    expect(existsSync(join(dir, `app.db${LOCK_FILE_SUFFIX}${HOLDER_FILE_SUFFIX}`))).toBe(false);
  });

  it.each(['migrate', 'inspect'] as const)("closing a connection (%s) removes a killed holder's note, and leaves a live holder's", async (purpose) => {
    const dir = tempDir();
    const note = join(dir, `app.db${LOCK_FILE_SUFFIX}${HOLDER_FILE_SUFFIX}`);
    const killed = await lockInChild('sqlite:///app.db', dir);
    const exited = new Promise((resolve) => killed.on('exit', resolve));
    killed.kill('SIGKILL');
    await exited;
    const live = await lockInChild('sqlite:///app.db', dir);
    const liveNote = readFileSync(note, 'utf8');

    await (await connect(connectOptions('sqlite:///app.db', dir, { purpose }))).close();
    expect(readFileSync(note, 'utf8')).toBe(liveNote);

    const stopped = new Promise((resolve) => live.on('exit', resolve));
    live.kill('SIGKILL');
    await stopped;
    await (await connect(connectOptions('sqlite:///app.db', dir, { purpose }))).close();
    expect(existsSync(note)).toBe(false);
    expect(existsSync(join(dir, `app.db${LOCK_FILE_SUFFIX}`))).toBe(true);
  });

  it('needs no lock file for an in-memory database', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite://', dir));
    const lock = await connection.acquireLock({ mode: 'fail' });
    await lock.release();
    expect(existsSync(join(dir, `:memory:${LOCK_FILE_SUFFIX}`))).toBe(false);
  });

  it('refuses a lock file that is not an SQLite database with LOCK_UNAVAILABLE saying it may be removed, and leaves it alone', async () => {
    const dir = tempDir();
    const lockPath = join(dir, `app.db${LOCK_FILE_SUFFIX}`);
    writeFileSync(lockPath, 'these bytes were left here by something else, and they are not an SQLite database at all\n');
    for (const purpose of ['migrate', 'inspect'] as const) {
      const connection = await connect(connectOptions('sqlite:///app.db', dir, { purpose }));
      const error: unknown = await connection.acquireLock({ mode: 'fail' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LockUnavailableError);
      expect((error as LockUnavailableError).code).toBe('LOCK_UNAVAILABLE');
      expect((error as Error).message).toBe(
        `Cannot take the migration lock ${lockPath}: it is not a cgmigrate lock file (SQLite: file is not a database); ` +
          'remove it once no cgmigrate run is using the database',
      );
    }
    expect(readFileSync(lockPath, 'utf8')).toContain('not an SQLite database');
  });

  it('verify() passes while the lock is held, and throws LOCK_LOST once released, or when the lock file is removed or replaced', async () => {
    const dir = tempDir();
    const lockPath = join(dir, `app.db${LOCK_FILE_SUFFIX}`);
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    const lost = async (promise: Promise<void>): Promise<string> => {
      const error: unknown = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LockLostError);
      return (error as Error).message;
    };

    const lock = await connection.acquireLock({ mode: 'fail' });
    await connection.transaction((session) => lock.verify!(session));
    await connection.autocommit((session) => lock.verify!(session));
    await lock.release();
    expect(await lost(connection.transaction((session) => lock.verify!(session)))).toContain('the lock was released before the run ended');

    const removed = await connection.acquireLock({ mode: 'fail' });
    rmSync(lockPath);
    expect(await lost(connection.transaction((session) => removed.verify!(session)))).toContain(
      `the lock file ${lockPath} was removed while this run held it`,
    );
    await removed.release();

    const replaced = await connection.acquireLock({ mode: 'fail' });
    writeFileSync(`${lockPath}.new`, '');
    renameSync(`${lockPath}.new`, lockPath);
    expect(await lost(connection.transaction((session) => replaced.verify!(session)))).toContain('was replaced by another file');
    await replaced.release();
  });
});
