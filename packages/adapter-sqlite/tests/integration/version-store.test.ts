import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { VersionTableConflictError } from '@cloudguard/migrate-core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { ALEMBIC_DDL } from '../support/alembic.js';
import { connect, connectOptions, tempDir } from '../support/fixtures.js';

function tableSql(file: string, table = 'alembic_version'): string | undefined {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").all([table])[0];
    return (row as { sql: string } | undefined)?.sql;
  } finally {
    db.close();
  }
}

async function conflict(promise: Promise<unknown>): Promise<VersionTableConflictError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VersionTableConflictError);
  return error as VersionTableConflictError;
}

describe('SQLite version store', () => {
  it('reads nothing, and creates nothing, before the table exists', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    expect(await connection.versionStore.read()).toEqual([]);
    expect(await connection.transaction((session) => connection.versionStore.read(session))).toEqual([]);
    expect(tableSql(join(dir, 'app.db'))).toBeUndefined();
  });

  it('round-trips ensure, insert, update and delete', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
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

  it('throws VersionTableConflictError when the row to delete or update is not there', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    const store = connection.versionStore;
    await connection.transaction(async (session) => {
      await store.ensure(session);
      await store.insert(session, 'b');
    });

    const onDelete = await conflict(connection.transaction((session) => store.delete(session, 'a')));
    expect(onDelete.code).toBe('VERSION_TABLE_CONFLICT');
    expect(onDelete.table).toBe('alembic_version');
    expect(onDelete.expected).toBe('a');
    expect(onDelete.found).toEqual(['b']);
    expect(onDelete.message).toBe('Version table alembic_version was expected to hold a but holds b');

    const onUpdate = await conflict(connection.transaction((session) => store.update(session, 'a', 'c')));
    expect(onUpdate).toMatchObject({ code: 'VERSION_TABLE_CONFLICT', expected: 'a', found: ['b'] });
    expect(await store.read()).toEqual(['b']);
  });

  it("creates exactly the table Alembic creates (sqlite_master.sql compared)", async () => {
    const dir = tempDir();
    const ours = join(dir, 'ours.db');
    const alembics = join(dir, 'alembic.db');
    const connection = await connect(connectOptions(`sqlite:///${'ours.db'}`, dir));
    await connection.transaction((session) => connection.versionStore.ensure(session));

    const alembic = new Database(alembics);
    alembic.exec(ALEMBIC_DDL);
    alembic.close();

    expect(tableSql(ours)).toBe(ALEMBIC_DDL.trim());
    expect(tableSql(ours)).toBe(tableSql(alembics));
  });

  it('reads a version table Alembic wrote, and Alembic-style reads see ours', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.db');
    const alembic = new Database(file);
    alembic.exec(ALEMBIC_DDL);
    alembic.prepare("INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712')").run([]);
    alembic.close();

    const connection = await connect(connectOptions('sqlite:///app.db', dir));
    expect(await connection.versionStore.read()).toEqual(['1975ea83b712']);
    await connection.transaction(async (session) => {
      await connection.versionStore.ensure(session);
      await connection.versionStore.update(session, '1975ea83b712', 'ae1027a6acf');
    });
    await connection.close();

    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT version_num FROM alembic_version').all([])).toEqual([{ version_num: 'ae1027a6acf' }]);
    reader.close();
  });

  it('honours a custom table name that needs quoting', async () => {
    const dir = tempDir();
    const connection = await connect(connectOptions('sqlite:///app.db', dir, { versionTable: { name: 'Schema Versions' } }));
    const store = connection.versionStore;
    await connection.transaction(async (session) => {
      await store.ensure(session);
      await store.insert(session, 'x1');
    });
    expect(await store.read()).toEqual(['x1']);
    expect(tableSql(join(dir, 'app.db'), 'Schema Versions')).toBe(
      'CREATE TABLE "Schema Versions" (\n\tversion_num VARCHAR(32) NOT NULL, \n' +
        '\tCONSTRAINT "Schema Versions_pkc" PRIMARY KEY (version_num)\n)',
    );
  });

  it('reads versions on an inspect connection', async () => {
    const dir = tempDir();
    const migrating = await connect(connectOptions('sqlite:///app.db', dir));
    await migrating.transaction(async (session) => {
      await migrating.versionStore.ensure(session);
      await migrating.versionStore.insert(session, 'ae1027a6acf');
    });
    await migrating.close();

    const inspecting = await connect(connectOptions('sqlite:///app.db', dir, { purpose: 'inspect' }));
    expect(await inspecting.versionStore.read()).toEqual(['ae1027a6acf']);
  });

  it('creates no file when inspecting a database that does not exist', async () => {
    const dir = tempDir();
    const statements: string[] = [];
    const connection = await connect(
      connectOptions('sqlite:///missing.db', dir, { purpose: 'inspect', onStatement: (sql) => statements.push(sql) }),
    );
    expect(await connection.versionStore.read()).toEqual([]);
    expect(await connection.transaction((session) => connection.versionStore.read(session))).toEqual([]);
    await expect(connection.autocommit((session) => session.execute('CREATE TABLE t (x)'))).rejects.toThrow(/readonly/);
    await connection.close();
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
    expect(statements[0]).toMatch(/^SELECT name FROM sqlite_master/);
  });
});
