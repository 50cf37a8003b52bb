import { join } from 'node:path';

import { DatabaseError, isMigrateError } from '@cloudguard/migrate-core';
import { type Session } from '@cloudguard/migrate-core/adapter';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';

import { connect, connectOptions, tempDir } from '../support/fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

function count(session: Session, table: string): Promise<number> {
  return session.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).then((rows) => rows[0]?.n ?? -1);
}

describe('SQLite transactions', () => {
  it('rolls back earlier statements when one fails, and lets the driver error through with its SQL', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    await connection.autocommit((session) => session.execute('CREATE TABLE scans (id INTEGER PRIMARY KEY, target TEXT NOT NULL)'));

    const error = await rejection(
      connection.transaction(async (session) => {
        await session.execute('INSERT INTO scans (target) VALUES (?)', ['a']);
        await session.execute('INSERT INTO scans (target) VALUES (?)', [null]);
      }),
    );
    expect(isMigrateError(error)).toBe(false);
    expect(error).toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL', sql: 'INSERT INTO scans (target) VALUES (?)' });
    expect(await connection.autocommit((session) => count(session, 'scans'))).toBe(0);
  });

  it('rolls back DDL', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    const error = await rejection(
      connection.transaction(async (session) => {
        await session.execute('CREATE TABLE findings (id INTEGER PRIMARY KEY)');
        await session.execute('ALTER TABLE nowhere ADD COLUMN x INTEGER');
      }),
    );
    expect(error).toMatchObject({ sql: 'ALTER TABLE nowhere ADD COLUMN x INTEGER' });
    const tables = await connection.autocommit((session) => session.query("SELECT name FROM sqlite_master WHERE name = 'findings'"));
    expect(tables).toEqual([]);
  });

  it('runs a statement without parameters whole, as PostgreSQL does: every statement of it, in the transaction', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    const tablesInside: string[] = [];
    const error = await rejection(
      connection.transaction(async (session) => {
        await session.execute('CREATE TABLE a (x INTEGER); CREATE TABLE b (x INTEGER)');
        tablesInside.push(...(await session.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name));
        await session.execute('CREATE TABLE c (x INTEGER); CREATE TABLE a (x INTEGER)');
      }),
    );
    expect(tablesInside).toEqual(['a', 'b']);
    expect(error).toMatchObject({ sql: 'CREATE TABLE c (x INTEGER); CREATE TABLE a (x INTEGER)' });
    expect((error as Error).message).toContain('table a already exists');
    const left = await connection.autocommit((session) => session.query("SELECT name FROM sqlite_master WHERE type = 'table'"));
    expect(left).toEqual([]);
  });

  it('commits what the work did and returns its result', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    const result = await connection.transaction(async (session) => {
      await session.execute('CREATE TABLE t (flag INTEGER, at TEXT)');
      await session.execute('INSERT INTO t VALUES (?, ?)', [true, new Date('2024-05-01T10:00:00Z')]);
      return session.query<{ flag: number; at: string }>('SELECT * FROM t');
    });
    expect(result).toEqual([{ flag: 1, at: '2024-05-01T10:00:00.000Z' }]);
    await connection.close();

    const db = new Database(join(dir, 'app.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM t').all([])).toEqual([{ n: 1 }]);
    db.close();
  });

  it('inserts 2,000 rows in chunks under the bound-variable limit', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    const columns = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const rows = Array.from({ length: 2000 }, (_, row) => Object.fromEntries(columns.map((c, i) => [c, row * 100 + i])));
    const statements: string[] = [];
    const observed = await connect(
      connectOptions('sqlite:///app.db', dir, { onStatement: (sql) => statements.push(sql) }),
    );
    await connection.autocommit((session) => session.execute(`CREATE TABLE wide (${columns.join(', ')})`));

    await observed.transaction((session) => session.bulkInsert('wide', rows));
    // 2,000 rows × 20 columns = 40,000 variables: more than one statement's worth
    expect(statements.filter((sql) => sql.startsWith('insert into')).length).toBe(2);
    expect(await connection.autocommit((session) => count(session, 'wide'))).toBe(2000);
    expect(await connection.autocommit((session) => session.query('SELECT c19 FROM wide WHERE c0 = 199900'))).toEqual([
      { c19: 199919 },
    ]);
  });

  it('gives migrations a Kysely transaction as db', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    await connection.transaction(async (session) => {
      const db = session.db as Kysely<{ scans: { id: number; target: string } }>;
      await db.schema
        .createTable('scans')
        .addColumn('id', 'integer', (col) => col.primaryKey())
        .addColumn('target', 'text', (col) => col.notNull())
        .execute();
      await db.insertInto('scans').values({ id: 1, target: 'prod' }).execute();
    });
    const rejected = await rejection(
      connection.transaction(async (session) => {
        const db = session.db as Kysely<{ scans: { id: number; target: string } }>;
        await db.schema.alterTable('scans').addColumn('region', 'text').execute();
        await db.insertInto('scans').values({ id: 1, target: 'dup' }).execute();
      }),
    );
    expect(rejected).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(await connection.autocommit((session) => session.query('SELECT * FROM scans'))).toEqual([{ id: 1, target: 'prod' }]);
  });

  it('reports every statement, starting transactions with BEGIN IMMEDIATE', async () => {
    const dir = tempDir();
    const statements: string[] = [];
    const connection = await connect(connectOptions('sqlite:///app.db', dir, { onStatement: (sql) => statements.push(sql) }));
    statements.length = 0;
    await connection.transaction((session) => session.execute('CREATE TABLE t (x)'));
    await rejection(connection.transaction((session) => session.execute('SELECT * FROM nowhere')));
    expect(statements).toEqual(['BEGIN IMMEDIATE', 'CREATE TABLE t (x)', 'commit', 'BEGIN IMMEDIATE', 'SELECT * FROM nowhere', 'rollback']);
  });

  it('makes a second writer wait for the first, then fail with DatabaseError past the busy timeout', async () => {
    const dir = tempDir();
    const first = await connect(connectOptions('sqlite:///app.db', dir));
    const second = await connect(connectOptions('sqlite:///app.db', dir), { busyTimeoutMs: 100 });
    await first.autocommit((session) => session.execute('CREATE TABLE t (x)'));

    let error: unknown;
    await first.transaction(async (session) => {
      await session.execute('INSERT INTO t VALUES (1)');
      // with a deferred BEGIN this transaction would start, and fail only at its first write
      error = await rejection(second.transaction((other) => other.query('SELECT * FROM t')));
    });
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).operation).toBe('Beginning a transaction');
    expect((error as DatabaseError).cause).toMatchObject({ code: 'SQLITE_BUSY' });
    // the failed BEGIN must not keep the connection: a Kysely ControlledTransaction would hang here
    expect(await second.transaction((session) => count(session, 't'))).toBe(1);
  });

  it('runs autocommit statements outside any transaction', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    await rejection(
      connection.autocommit(async (session) => {
        await session.execute('CREATE TABLE t (x)');
        await session.execute('INSERT INTO nowhere VALUES (1)');
      }),
    );
    expect(await connection.autocommit((session) => count(session, 't'))).toBe(0);
  });

  it('leaves foreign keys off unless asked, as SQLAlchemy does', async () => {
    const dir = tempDir();
    const off = await connect(connectOptions('sqlite:///app.db', dir));
    const on = await connect(connectOptions('sqlite:///app.db', dir), { foreignKeys: true });
    expect(await off.autocommit((session) => session.query('PRAGMA foreign_keys'))).toEqual([{ foreign_keys: 0 }]);
    expect(await on.autocommit((session) => session.query('PRAGMA foreign_keys'))).toEqual([{ foreign_keys: 1 }]);
  });

  it('works on an in-memory database', async () => {
    const connection = await connect(connectOptions('sqlite://', tempDir()));
    await connection.transaction(async (session) => {
      await connection.versionStore.ensure(session);
      await connection.versionStore.insert(session, 'a1');
    });
    expect(await connection.versionStore.read()).toEqual(['a1']);
  });

  it('does not create a missing directory: DatabaseError names the path', async () => {
    const dir = tempDir();
    const error = await rejection(connect(connectOptions('sqlite:///no/such/dir/app.db', dir)));
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'DATABASE_ERROR', operation: `Opening SQLite database ${join(dir, 'no/such/dir/app.db')}` });
  });

  it('closes more than once, and refuses work once closed', async () => {
    const connection = await connect(connectOptions('sqlite:///app.db', tempDir()));
    await connection.close();
    await connection.close();
    await expect(connection.autocommit(async () => 1)).rejects.toBeInstanceOf(DatabaseError);
  });
});
