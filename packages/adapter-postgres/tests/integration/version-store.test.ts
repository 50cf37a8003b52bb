// @module-tag postgres
import { VersionTableConflictError } from '@cloudguard/migrate-core';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';

import { ALEMBIC_COLUMNS, ALEMBIC_DDL } from '../support/alembic.js';
import { connect, connectOptions, openClient, rejection, useTestDatabase, withClient } from '../support/fixtures.js';

const url = useTestDatabase('cgm_pg_versions');

async function conflict(promise: Promise<unknown>): Promise<VersionTableConflictError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(VersionTableConflictError);
  return error as VersionTableConflictError;
}

/** The table's columns and constraints as information_schema shows them. */
async function tableShape(client: pg.Client, schema: string, table: string): Promise<unknown> {
  const columns = await client.query(
    `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  const constraints = await client.query(
    `SELECT tc.constraint_name, tc.constraint_type, kcu.column_name
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
      WHERE tc.table_schema = $1 AND tc.table_name = $2 AND tc.constraint_type <> 'CHECK'`,
    [schema, table],
  );
  return { columns: columns.rows, constraints: constraints.rows };
}

async function tableSchemas(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ table_schema: string }>(
    'SELECT table_schema FROM information_schema.tables WHERE table_name = $1 ORDER BY 1',
    [table],
  );
  return rows.map((row) => row.table_schema);
}

describe('PostgreSQL version store', () => {
  it('reads nothing, and creates nothing, before the table exists', async () => {
    const connection = await connect(connectOptions(url()));
    expect(await connection.versionStore.read()).toEqual([]);
    expect(await connection.transaction((session) => connection.versionStore.read(session))).toEqual([]);
    expect(await withClient(url(), (client) => tableSchemas(client, 'alembic_version'))).toEqual([]);
  });

  it('round-trips ensure, insert, update and delete', async () => {
    const connection = await connect(connectOptions(url()));
    const store = connection.versionStore;
    await connection.transaction(async (session) => {
      await store.ensure(session);
      await store.ensure(session);
      await store.insert(session, 'ae1027a6acf');
      await store.insert(session, '3f2a9c1b7d4e');
    });
    expect((await store.read()).sort()).toEqual(['3f2a9c1b7d4e', 'ae1027a6acf']);

    await connection.transaction((session) => store.update(session, 'ae1027a6acf', '27c6a30d7c24'));
    expect((await store.read()).sort()).toEqual(['27c6a30d7c24', '3f2a9c1b7d4e']);

    await connection.transaction((session) => store.delete(session, '3f2a9c1b7d4e'));
    expect(await store.read()).toEqual(['27c6a30d7c24']);
  });

  it('ensures in autocommit mode too', async () => {
    const connection = await connect(connectOptions(url()));
    await connection.autocommit((session) => connection.versionStore.ensure(session));
    await connection.autocommit((session) => connection.versionStore.ensure(session));
    expect(await withClient(url(), (client) => tableSchemas(client, 'alembic_version'))).toEqual(['public']);
  });

  it('throws VersionTableConflictError when the row to delete or update is not there', async () => {
    const connection = await connect(connectOptions(url()));
    const store = connection.versionStore;
    await connection.transaction(async (session) => {
      await store.ensure(session);
      await store.insert(session, 'b');
    });

    const onDelete = await conflict(connection.transaction((session) => store.delete(session, 'a')));
    expect(onDelete).toMatchObject({ code: 'VERSION_TABLE_CONFLICT', table: 'alembic_version', expected: 'a', found: ['b'] });

    const onUpdate = await conflict(connection.transaction((session) => store.update(session, 'a', 'c')));
    expect(onUpdate).toMatchObject({ code: 'VERSION_TABLE_CONFLICT', expected: 'a', found: ['b'] });
    expect(await store.read()).toEqual(['b']);
  });

  it('rejects a second insert of the same version with the primary key', async () => {
    const connection = await connect(connectOptions(url()));
    await connection.transaction((session) => connection.versionStore.ensure(session));
    await connection.transaction((session) => connection.versionStore.insert(session, 'a'));
    const error = await rejection(connection.transaction((session) => connection.versionStore.insert(session, 'a')));
    expect(error).toMatchObject({ code: '23505', constraint: 'alembic_version_pkc' });
  });

  it('creates exactly the table Alembic creates (information_schema compared)', async () => {
    const connection = await connect(connectOptions(url()));
    await connection.transaction((session) => connection.versionStore.ensure(session));
    await withClient(url(), async (client) => {
      await client.query('CREATE SCHEMA alembic');
      await client.query(`SET search_path = alembic; ${ALEMBIC_DDL}`);
      const ours = await tableShape(client, 'public', 'alembic_version');
      expect(ours).toEqual({
        columns: ALEMBIC_COLUMNS,
        constraints: [{ constraint_name: 'alembic_version_pkc', constraint_type: 'PRIMARY KEY', column_name: 'version_num' }],
      });
      expect(ours).toEqual(await tableShape(client, 'alembic', 'alembic_version'));
    });
  });

  it('reads a version table Alembic wrote, and Alembic-style reads see ours', async () => {
    await withClient(url(), async (client) => {
      await client.query(ALEMBIC_DDL);
      await client.query("INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712')");
    });
    const connection = await connect(connectOptions(url()));
    expect(await connection.versionStore.read()).toEqual(['1975ea83b712']);
    await connection.transaction(async (session) => {
      await connection.versionStore.ensure(session);
      await connection.versionStore.update(session, '1975ea83b712', 'ae1027a6acf');
    });
    const rows = await withClient(url(), (client) => client.query('SELECT version_num FROM alembic_version'));
    expect(rows.rows).toEqual([{ version_num: 'ae1027a6acf' }]);
  });

  it('tolerates a concurrent creator', async () => {
    const first = await connect(connectOptions(url()));
    const statements: string[] = [];
    const second = await connect(connectOptions(url(), { onStatement: (sql) => statements.push(sql) }));
    let created!: () => void;
    const createdYet = new Promise<void>((resolve) => (created = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const creating = first.transaction(async (session) => {
      await first.versionStore.ensure(session);
      created();
      await held;
    });
    await createdYet;
    // the second creator's IF NOT EXISTS cannot see the uncommitted table: it waits on the catalog, then fails
    const racing = second.transaction(async (session) => {
      await second.versionStore.ensure(session);
      await second.versionStore.insert(session, 'a1');
    });
    const observer = await openClient(url());
    await expect
      .poll(async () => {
        const { rows } = await observer.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'CREATE TABLE IF NOT EXISTS%'",
        );
        return rows[0]?.n;
      })
      .toBe(1);
    release();
    await creating;
    await racing;
    expect(await second.versionStore.read()).toEqual(['a1']);
    expect(statements).toContain('ROLLBACK TO SAVEPOINT cgmigrate_version_table');
  });

  it('puts the table in versionTable.schema, and finds it only there', async () => {
    await withClient(url(), (client) => client.query('CREATE SCHEMA ops'));
    const connection = await connect(connectOptions(url(), { versionTable: { name: 'alembic_version', schema: 'ops' } }));
    await connection.transaction(async (session) => {
      await connection.versionStore.ensure(session);
      await connection.versionStore.insert(session, 'x1');
    });
    expect(await connection.versionStore.read()).toEqual(['x1']);
    expect(await withClient(url(), (client) => tableSchemas(client, 'alembic_version'))).toEqual(['ops']);

    const unqualified = await connect(connectOptions(url()));
    expect(await unqualified.versionStore.read()).toEqual([]);
  });

  it('reads [] for a version table schema that does not exist', async () => {
    const connection = await connect(connectOptions(url(), { versionTable: { name: 'alembic_version', schema: 'nowhere' } }));
    expect(await connection.versionStore.read()).toEqual([]);
  });

  it("follows ?schema= (search_path) for an unqualified table, as Alembic's would", async () => {
    await withClient(url(), (client) => client.query('CREATE SCHEMA tenant_a'));
    const connection = await connect(connectOptions(`${url()}?schema=tenant_a`));
    await connection.transaction(async (session) => {
      await connection.versionStore.ensure(session);
      await session.execute('CREATE TABLE scans (id int)');
    });
    expect(await withClient(url(), (client) => tableSchemas(client, 'alembic_version'))).toEqual(['tenant_a']);
    expect(await withClient(url(), (client) => tableSchemas(client, 'scans'))).toEqual(['tenant_a']);
  });

  it("applies the adapter's schema option to every session", async () => {
    await withClient(url(), (client) => client.query('CREATE SCHEMA app'));
    const connection = await connect(connectOptions(url()), { schema: 'app' });
    await connection.transaction((session) => session.execute('CREATE TABLE t1 (id int)'));
    await connection.autocommit((session) => session.execute('CREATE TABLE t2 (id int)'));
    expect(await withClient(url(), (client) => tableSchemas(client, 't1'))).toEqual(['app']);
    expect(await withClient(url(), (client) => tableSchemas(client, 't2'))).toEqual(['app']);
  });

  it('honours a custom table name that needs quoting', async () => {
    const connection = await connect(connectOptions(url(), { versionTable: { name: 'Schema Versions' } }));
    await connection.transaction(async (session) => {
      await connection.versionStore.ensure(session);
      await connection.versionStore.insert(session, 'x1');
    });
    expect(await connection.versionStore.read()).toEqual(['x1']);
    const { rows } = await withClient(url(), (client) =>
      client.query("SELECT conname FROM pg_constraint WHERE conrelid = '\"Schema Versions\"'::regclass"),
    );
    expect(rows).toEqual([{ conname: 'Schema Versions_pkc' }]);
  });

  it('reads versions on an inspect connection, which creates nothing', async () => {
    const statements: string[] = [];
    const inspecting = await connect(connectOptions(url(), { purpose: 'inspect', onStatement: (sql) => statements.push(sql) }));
    expect(await inspecting.versionStore.read()).toEqual([]);
    expect(await inspecting.transaction((session) => inspecting.versionStore.read(session))).toEqual([]);
    expect(await withClient(url(), (client) => tableSchemas(client, 'alembic_version'))).toEqual([]);
    expect(statements[0]).toBe('SELECT to_regclass($1) IS NOT NULL AS found');
    // the session is read-only, so not even a stray ensure could create the table
    const error = await rejection(inspecting.transaction((session) => inspecting.versionStore.ensure(session)));
    expect(error).toMatchObject({ code: '25006' });

    const migrating = await connect(connectOptions(url()));
    await migrating.transaction(async (session) => {
      await migrating.versionStore.ensure(session);
      await migrating.versionStore.insert(session, 'ae1027a6acf');
    });
    expect(await inspecting.versionStore.read()).toEqual(['ae1027a6acf']);
  });
});
