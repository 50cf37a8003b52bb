// @module-tag postgres
import { schemaFilter } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { postgresAdapter } from '../../src/index.js';
import { withDatabase } from '../../src/postgres-url.js';
import { connect, connectOptions, useTestDatabase, withClient } from '../support/fixtures.js';

const include = schemaFilter([{ name: 'alembic_version' }, { name: 'cgmigrate_audit' }]);

describe('PostgreSQL for cgmigrate verify', () => {
  const url = useTestDatabase('cgm_pg_snapshot');

  it('creates a throwaway database on the configured server and drops it, sessions on it and all', async () => {
    const scratch = await postgresAdapter().createScratchDatabase!({ url: url(), cwd: '/' });
    const name = /\/(cgmigrate_verify_[0-9a-f]{12})$/.exec(scratch.url)?.[1];
    expect(name).toBeDefined();
    const exists = () => withClient(url(), async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount);
    expect(await exists()).toBe(1);
    // A session left open on it, as a run that was killed leaves one.
    const connection = await postgresAdapter().connect(connectOptions(scratch.url));
    await connection.autocommit((session) => session.execute('CREATE TABLE t (id integer)'));
    await scratch.drop();
    await scratch.drop();
    expect(await exists()).toBe(0);
    await connection.close().catch(() => {});
  });

  it('creates it from the maintenance database when the configured one does not exist yet', async () => {
    const scratch = await postgresAdapter().createScratchDatabase!({ url: withDatabase(url(), 'cgm_not_created_yet'), cwd: '/' });
    await scratch.drop();
  });

  it('snapshots the schema so that column order does not count, and names what a down left', async () => {
    const connection = await connect(connectOptions(url()));
    const differ = connection.schemaDiffer!;
    const run = (sql: string) => connection.autocommit((session) => session.execute(sql));
    await connection.autocommit((session) => connection.versionStore.ensure(session));
    await run('CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, note text)');
    const before = await differ.snapshot!(include);
    expect(before.objects).toEqual(['table users']);

    // A down that drops and adds a column back: the same table, its columns in another order.
    await run('ALTER TABLE users DROP COLUMN name');
    await run('ALTER TABLE users ADD COLUMN name text NOT NULL');
    expect(await differ.compareSnapshots!(before, await differ.snapshot!(include))).toEqual([]);

    await run("CREATE TYPE mood AS ENUM ('happy', 'sad')");
    await run('ALTER TABLE users ADD COLUMN email text');
    const after = await differ.snapshot!(include);
    expect(after.objects).toEqual(['enum type mood', 'table users']);
    expect(await differ.compareSnapshots!(before, after)).toMatchObject([
      { action: 'add', object: 'column', table: 'users', name: 'email' },
      { action: 'add', object: 'enum', name: 'mood' },
    ]);
  });
});

describe('PostgreSQL snapshots decided by MikroORM introspection', () => {
  const url = useTestDatabase('cgm_pg_introspect');

  it('sees the same schema where only the catalog text differs, and names a real difference as the catalog does', async () => {
    const connection = await connect(connectOptions(url()));
    const differ = connection.schemaDiffer!;
    const run = (sql: string) => connection.autocommit((session) => session.execute(sql));
    await connection.autocommit((session) => connection.versionStore.ensure(session));
    await run('CREATE TABLE users (id integer PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())');
    await run('CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id))');
    const catalogBefore = await differ.snapshot!(include);
    const before = await differ.introspect!(include);
    expect(before.objects).toEqual(['table posts', 'table users']);

    // What a down that recreates what its up dropped may write: the same default and the same
    // foreign key in other words (MikroORM reads RESTRICT and NO ACTION alike).
    await run('ALTER TABLE users ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP');
    await run('ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey');
    await run('ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT');
    const catalog = await differ.compareSnapshots!(catalogBefore, await differ.snapshot!(include));
    expect(catalog.map((change) => `${change.object} ${change.name}`).sort()).toEqual(['column created_at', 'foreign_key posts_user_id_fkey']);
    expect(await differ.compareSnapshots!(before, await differ.introspect!(include))).toEqual([]);

    await run('ALTER TABLE users ADD COLUMN email text');
    await run('CREATE SEQUENCE invoice_numbers');
    await run('DROP TABLE posts');
    expect(await differ.compareSnapshots!(before, await differ.introspect!(include))).toMatchObject([
      { action: 'add', object: 'column', table: 'users', name: 'email' },
      { action: 'remove', object: 'table', name: 'posts' },
      { action: 'add', object: 'sequence', name: 'invoice_numbers' },
    ]);
  });
});
