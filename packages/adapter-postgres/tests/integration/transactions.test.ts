// @module-tag postgres
import { DatabaseError, isMigrateError } from '@cloudguard/migrate-core';
import { type Session } from '@cloudguard/migrate-core/adapter';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';

import { NativeSession } from '../../src/postgres-session.js';
import { connect, connectOptions, openClient, rejection, useTestDatabase, withClient } from '../support/fixtures.js';

const url = useTestDatabase('cgm_pg_transactions');

function count(session: Session, table: string): Promise<number> {
  return session.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`).then((rows) => rows[0]?.n ?? -1);
}

async function tableExists(name: string): Promise<boolean> {
  const { rows } = await withClient(url(), (client) => client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [name]));
  return rows[0]!.found;
}

describe('PostgreSQL transactions', () => {
  it('rolls back earlier DDL when a statement fails, and lets the pg error through with its SQL', async () => {
    const connection = await connect(connectOptions(url()));
    const error = await rejection(
      connection.transaction(async (session) => {
        await session.execute('CREATE TABLE findings (id int PRIMARY KEY)');
        await session.execute('INSERT INTO findings (id) VALUES (?), (?)', [1, 2]);
        await session.execute('ALTER TABLE nowhere ADD COLUMN x int');
      }),
    );
    expect(isMigrateError(error)).toBe(false);
    expect(error).toMatchObject({ code: '42P01', sql: 'ALTER TABLE nowhere ADD COLUMN x int' });
    expect(await tableExists('findings')).toBe(false);
  });

  it('commits what the work did and returns its result, binding values as pg does', async () => {
    const connection = await connect(connectOptions(url()));
    const result = await connection.transaction(async (session) => {
      await session.execute('CREATE TABLE t (flag boolean, at timestamptz, label text)');
      await session.execute("INSERT INTO t VALUES (?, ?, ?) -- a comment's ?", [true, new Date('2024-05-01T10:00:00Z'), "it's ?"]);
      return session.query<{ flag: boolean; at: Date; label: string }>("SELECT flag, at, label FROM t WHERE label <> '?'");
    });
    expect(result).toEqual([{ flag: true, at: new Date('2024-05-01T10:00:00Z'), label: "it's ?" }]);
    expect(await withClient(url(), (client) => client.query('SELECT count(*)::int AS n FROM t'))).toMatchObject({ rows: [{ n: 1 }] });
  });

  it('attaches the SQL to a placeholder-count mismatch too', async () => {
    const connection = await connect(connectOptions(url()));
    const error = await rejection(connection.autocommit((session) => session.query('SELECT ?', [1, 2])));
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ sql: 'SELECT ?' });
  });

  it('runs several statements in one call when there are no parameters', async () => {
    const connection = await connect(connectOptions(url()));
    await connection.transaction((session) =>
      session.execute(`
        CREATE TABLE a (id int);
        CREATE FUNCTION touch() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
        INSERT INTO a VALUES (1);`),
    );
    expect(await connection.autocommit((session) => count(session, 'a'))).toBe(1);
  });

  it('inserts rows in chunks under the 65,535-parameter limit', async () => {
    const statements: string[] = [];
    const connection = await connect(connectOptions(url(), { onStatement: (sql) => statements.push(sql) }));
    const columns = Array.from({ length: 20 }, (_, i) => `c${i}`);
    await connection.autocommit((session) => session.execute(`CREATE TABLE wide (${columns.map((c) => `${c} int`).join(', ')})`));
    const rows = Array.from({ length: 4000 }, (_, row) => Object.fromEntries(columns.map((c, i) => [c, row * 100 + i])));

    statements.length = 0;
    await connection.transaction((session) => session.bulkInsert('wide', rows));
    // 4,000 rows × 20 columns = 80,000 parameters: two statements
    expect(statements.filter((sql) => sql.startsWith('insert into')).length).toBe(2);
    expect(await connection.autocommit((session) => count(session, 'wide'))).toBe(4000);
    expect(await connection.autocommit((session) => session.query('SELECT c19 FROM wide WHERE c0 = ?', [399900]))).toEqual([{ c19: 399919 }]);
  });

  it('bulk-inserts into a schema-qualified table, missing columns taking their default', async () => {
    const connection = await connect(connectOptions(url()));
    await connection.autocommit((session) => session.execute("CREATE TABLE d (id int, note text DEFAULT 'none')"));
    await connection.transaction((session) => session.bulkInsert('public.d', [{ id: 1, note: 'x' }, { id: 2 }]));
    expect(await connection.autocommit((session) => session.query('SELECT id, note FROM d ORDER BY id'))).toEqual([
      { id: 1, note: 'x' },
      { id: 2, note: 'none' },
    ]);
  });

  it("bulk-inserts through the inspect connection's native session with the same SQL shape", async () => {
    const client = await openClient(url());
    await client.query("CREATE TABLE n (id int, note text DEFAULT 'none')");
    const statements: string[] = [];
    const session = new NativeSession(client, (sql) => statements.push(sql), false);
    await session.bulkInsert('n', [{ id: 1, note: "it's" }, { id: 2 }]);
    expect(statements).toEqual(['insert into "n" ("id", "note") values ($1, $2), ($3, DEFAULT)']);
    expect(await session.query('SELECT * FROM n WHERE id > ? ORDER BY id', [0])).toEqual([
      { id: 1, note: "it's" },
      { id: 2, note: 'none' },
    ]);
  });

  it('gives migrations a Kysely transaction as db', async () => {
    const connection = await connect(connectOptions(url()));
    type Db = Kysely<{ scans: { id: number; target: string; region?: string } }>;
    await connection.transaction(async (session) => {
      const db = session.db as Db;
      await db.schema
        .createTable('scans')
        .addColumn('id', 'integer', (col) => col.primaryKey())
        .addColumn('target', 'text', (col) => col.notNull())
        .execute();
      await db.insertInto('scans').values({ id: 1, target: 'prod' }).execute();
    });
    const rejected = await rejection(
      connection.transaction(async (session) => {
        const db = session.db as Db;
        await db.schema.alterTable('scans').addColumn('region', 'text').execute();
        await db.insertInto('scans').values({ id: 1, target: 'dup' }).execute();
      }),
    );
    expect(rejected).toMatchObject({ code: '23505', sql: 'insert into "scans" ("id", "target") values ($1, $2)' });
    expect(await connection.autocommit((session) => session.query('SELECT * FROM scans'))).toEqual([{ id: 1, target: 'prod' }]);
  });

  it('runs execute, query and db on the one connection of the transaction, reporting each statement once', async () => {
    const statements: string[] = [];
    const connection = await connect(connectOptions(url(), { onStatement: (sql) => statements.push(sql) }));
    const seen = await connection.transaction(async (session) => {
      await session.execute('CREATE TEMP TABLE notes (id int) ON COMMIT DROP');
      await (session.db as Kysely<{ notes: { id: number } }>).insertInto('notes').values({ id: 1 }).execute();
      await session.execute('INSERT INTO notes VALUES (?)', [2]);
      // A temporary table dropped at commit: only this session's transaction sees it.
      return { rows: await session.query('SELECT id FROM notes ORDER BY id'), several: await session.query('SELECT 1; SELECT 2') };
    });
    expect(seen).toEqual({ rows: [{ id: 1 }, { id: 2 }], several: [] });
    expect(statements.filter((sql) => sql.includes('notes'))).toEqual([
      'CREATE TEMP TABLE notes (id int) ON COMMIT DROP',
      'insert into "notes" ("id") values ($1)',
      'INSERT INTO notes VALUES ($1)',
      'SELECT id FROM notes ORDER BY id',
    ]);
  });

  it('runs CREATE INDEX CONCURRENTLY in autocommit, and PostgreSQL refuses it in a transaction', async () => {
    const connection = await connect(connectOptions(url()));
    await connection.autocommit((session) => session.execute('CREATE TABLE big (id int)'));
    const refused = await rejection(connection.transaction((session) => session.execute('CREATE INDEX CONCURRENTLY big_a ON big (id)')));
    expect(refused).toMatchObject({ code: '25001' });
    await connection.autocommit((session) => session.execute('CREATE INDEX CONCURRENTLY big_b ON big (id)'));
    expect(await tableExists('big_b')).toBe(true);
  });

  it('commits each autocommit statement on its own', async () => {
    const connection = await connect(connectOptions(url()));
    await rejection(
      connection.autocommit(async (session) => {
        await session.execute('CREATE TABLE kept (x int)');
        await session.execute('INSERT INTO nowhere VALUES (1)');
      }),
    );
    expect(await tableExists('kept')).toBe(true);
  });

  it('fails fast with lock_timeout (55P03) instead of queuing behind a lock', async () => {
    const connection = await connect(connectOptions(url()), { lockTimeout: '200ms', statementTimeout: 10_000 });
    await connection.autocommit((session) => session.execute('CREATE TABLE busy (id int)'));
    const holder = await openClient(url());
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE busy IN ACCESS EXCLUSIVE MODE');

    const started = performance.now();
    const error = await rejection(connection.transaction((session) => session.execute('ALTER TABLE busy ADD COLUMN x int')));
    expect(error).toMatchObject({ code: '55P03', sql: 'ALTER TABLE busy ADD COLUMN x int' });
    expect(performance.now() - started).toBeLessThan(5000);

    const inAutocommit = await rejection(connection.autocommit((session) => session.execute('ALTER TABLE busy ADD COLUMN y int')));
    expect(inAutocommit).toMatchObject({ code: '55P03' });
    await holder.query('ROLLBACK');
  });

  it('sets the timeouts with SET LOCAL in transactions, and SET … RESET around autocommit work', async () => {
    const statements: string[] = [];
    const connection = await connect(connectOptions(url(), { onStatement: (sql) => statements.push(sql) }), {
      lockTimeout: '5s',
      statementTimeout: 60_000,
    });
    statements.length = 0;
    const inside = await connection.transaction((session) => session.query("SELECT current_setting('lock_timeout') AS lock"));
    const during = await connection.autocommit((session) => session.query("SELECT current_setting('statement_timeout') AS st"));
    expect(inside).toEqual([{ lock: '5s' }]);
    expect(during).toEqual([{ st: '1min' }]);
    expect(statements.slice(0, 5)).toEqual([
      'begin',
      "SET LOCAL lock_timeout = '5s'",
      "SET LOCAL statement_timeout = '60000ms'",
      "SELECT current_setting('lock_timeout') AS lock",
      'commit',
    ]);
    expect(statements.slice(5, 10)).toEqual([
      "SET lock_timeout = '5s'",
      "SET statement_timeout = '60000ms'",
      "SELECT current_setting('statement_timeout') AS st",
      'RESET lock_timeout',
      'RESET statement_timeout',
    ]);
    const plain = await connect(connectOptions(url()));
    expect(await plain.autocommit((session) => session.query('SHOW lock_timeout'))).toEqual([{ lock_timeout: '0' }]);
  });

  it("reports itself as cgmigrate in pg_stat_activity, unless the URL names the application", async () => {
    const named = await connect(connectOptions(url()));
    expect(await named.autocommit((session) => session.query("SELECT current_setting('application_name') AS name"))).toEqual([
      { name: 'cgmigrate' },
    ]);
    const custom = await connect(connectOptions(`${url()}?application_name=deploy-bot`, { purpose: 'inspect' }));
    expect(await custom.autocommit((session) => session.query("SELECT current_setting('application_name') AS name"))).toEqual([
      { name: 'deploy-bot' },
    ]);
  });

  it('recovers when the server ends its session', async () => {
    const connection = await connect(connectOptions(url()));
    const [row] = await connection.autocommit((session) => session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'));
    const pid = row!.pid;
    await withClient(url(), async (client) => {
      await client.query('SELECT pg_terminate_backend($1)', [pid]);
      // pg_terminate_backend only signals the backend: wait until it is gone, or the first
      // transaction below may still reach it and the second one meet it dying.
      await expect
        .poll(async () => (await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount, { timeout: 5000 })
        .toBe(0);
    });
    // the first try may fail on the dead connection (DatabaseError if at BEGIN); it must not hang or poison the pool
    await connection.transaction((session) => session.query('SELECT 1')).catch((error: unknown) => {
      expect(error).toBeInstanceOf(Error);
    });
    expect(await connection.transaction((session) => session.query('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
  });

  it('never shows the password of an unreachable server', async () => {
    for (const purpose of ['migrate', 'inspect'] as const) {
      const error = await rejection(connect(connectOptions('postgresql://u:s3cret@127.0.0.1:1/x', { purpose })));
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ code: 'DATABASE_ERROR', operation: 'Connecting to PostgreSQL database x on 127.0.0.1:1 as u' });
      expect(JSON.stringify(error)).not.toContain('s3cret');
      expect(String(error)).not.toContain('s3cret');
      expect(String((error as DatabaseError).cause)).not.toContain('s3cret');
    }
  });

  it('closes more than once, and refuses work once closed', async () => {
    for (const purpose of ['migrate', 'inspect'] as const) {
      const connection = await connect(connectOptions(url(), { purpose }));
      await connection.close();
      await connection.close();
      await expect(connection.autocommit(async () => 1)).rejects.toBeInstanceOf(DatabaseError);
    }
  });
});
