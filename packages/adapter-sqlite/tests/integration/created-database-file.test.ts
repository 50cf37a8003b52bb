import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DatabaseError, LockTimeoutError } from '@cloudguard/migrate-core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { acquireLockOnDisk } from '../../src/sqlite-database-file.js';
import { acquireSqliteLock, LOCK_FILE_SUFFIX } from '../../src/sqlite-lock.js';
import { sqliteAdapter } from '../../src/index.js';
import { connect, connectOptions, tempDir } from '../support/fixtures.js';

const adapter = sqliteAdapter();
const open = (dir: string) => adapter.connect(connectOptions('sqlite:///app.db', dir));

describe('a database file a migrate connection created', () => {
  it('is removed, with the lock file, when the connection closes with nothing committed', async () => {
    const dir = tempDir();
    const connection = await open(dir);
    expect(existsSync(join(dir, 'app.db'))).toBe(true);
    const lock = await connection.acquireLock({ mode: 'fail' });
    await expect(connection.transaction((session) => session.execute('INSERT INTO missing VALUES (1)'))).rejects.toThrow(/no such table/);
    await lock.release();
    await connection.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stays once something was committed to it', async () => {
    const dir = tempDir();
    const connection = await open(dir);
    await connection.transaction((session) => session.execute('CREATE TABLE kept (id INTEGER)'));
    await connection.close();
    expect(readdirSync(dir).sort()).toEqual(['app.db']);
  });

  it('stays when a migration only set user_version', async () => {
    const dir = tempDir();
    const connection = await open(dir);
    await connection.autocommit((session) => session.execute('PRAGMA user_version = 7'));
    await connection.close();
    expect(readdirSync(dir)).toEqual(['app.db']);
  });

  it('an empty file that existed before is never removed', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.db');
    writeFileSync(file, '');
    const { ino } = statSync(file);
    const connection = await open(dir);
    await connection.close();
    expect(statSync(file).ino).toBe(ino);
    expect(statSync(file).size).toBe(0);
  });

  it('stays while another runner holds the migration lock (it may be using the file)', async () => {
    const dir = tempDir();
    const connection = await open(dir);
    const other = await acquireSqliteLock(Database, join(dir, 'app.db'), { mode: 'fail' });
    try {
      await connection.close();
      expect(existsSync(join(dir, 'app.db'))).toBe(true);
    } finally {
      await other.release();
    }
  });

  it('a runner that opened it before it was removed writes nothing, and says so', async () => {
    const dir = tempDir();
    const creator = await open(dir);
    const late = await connect(connectOptions('sqlite:///app.db', dir));
    await creator.close();
    expect(existsSync(join(dir, 'app.db'))).toBe(false);
    const error: unknown = await late.transaction((session) => session.execute('CREATE TABLE lost (id INTEGER)')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(String((error as Error).cause)).toContain('removed or replaced by another process after this run opened it');
    expect(existsSync(join(dir, 'app.db'))).toBe(false);
  });

  it('a failed open in a missing folder creates nothing', async () => {
    const dir = tempDir();
    await expect(adapter.connect(connectOptions('sqlite:///no/such/dir/app.db', dir))).rejects.toBeInstanceOf(DatabaseError);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('acquireLockOnDisk', () => {
  it('holds the lock on the lock file that is on disk, not on one removed while it waited', async () => {
    const dir = tempDir();
    const databasePath = join(dir, 'app.db');
    const first = await acquireSqliteLock(Database, databasePath, { mode: 'fail' });
    const waiting = acquireLockOnDisk(Database, databasePath, { mode: 'wait', timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 120)); // the waiter has opened the old lock file
    rmSync(`${databasePath}${LOCK_FILE_SUFFIX}`);
    await first.release();
    const second = await waiting;
    try {
      expect(existsSync(`${databasePath}${LOCK_FILE_SUFFIX}`)).toBe(true);
      // A third runner finds the lock taken: the second holds the file on disk.
      await expect(acquireSqliteLock(Database, databasePath, { mode: 'fail' })).rejects.toBeInstanceOf(LockTimeoutError);
    } finally {
      await second.release();
    }
  });
});
