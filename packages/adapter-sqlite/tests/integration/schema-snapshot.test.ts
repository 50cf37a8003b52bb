import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

import { schemaFilter } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { sqliteAdapter } from '../../src/index.js';
import { connect, connectOptions } from '../support/fixtures.js';

const include = schemaFilter([{ name: 'alembic_version' }, { name: 'cgmigrate_audit' }]);

describe('SQLite for cgmigrate verify', () => {
  it('creates a throwaway database in a folder only this user can enter, and removes it all on drop', async () => {
    const scratch = await sqliteAdapter().createScratchDatabase!({ url: 'sqlite:///app.db', cwd: '/srv' });
    const file = scratch.url.replace(/^sqlite:\/\/\//, '');
    expect(path.basename(file)).toBe('verify.db');
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const connection = await connect(connectOptions(scratch.url, '/'));
    await connection.autocommit((session) => session.execute('CREATE TABLE t (id INTEGER)'));
    await connection.close();
    expect(existsSync(file)).toBe(true);
    await scratch.drop();
    await scratch.drop();
    expect(existsSync(path.dirname(file))).toBe(false);
  });

  it('sees a schema built again in other words as the same, and names a real difference', async () => {
    const scratch = await sqliteAdapter().createScratchDatabase!({ url: 'sqlite://', cwd: '/' });
    try {
      const connection = await connect(connectOptions(scratch.url, '/'));
      const differ = connection.schemaDiffer!;
      const run = (sql: string) => connection.autocommit((session) => session.execute(sql));
      await connection.versionStore.ensure(await connection.autocommit(async (session) => session));
      await run('CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)');
      await run('CREATE INDEX users_name ON users (name)');
      const before = await differ.snapshot!(include);
      expect(before.objects).toEqual(['table users']);

      // A rebuild, as a down() that alters a column writes it: the same table in other words.
      await run('CREATE TABLE users__new ("id" integer PRIMARY KEY,   "name" varchar(50) not null)');
      await run('DROP TABLE users');
      await run('ALTER TABLE users__new RENAME TO users');
      await run('CREATE INDEX users_name ON "users" ("name")');
      const rebuilt = await differ.snapshot!(include);
      expect(await differ.compareSnapshots!(before, rebuilt)).toEqual([]);

      await run('ALTER TABLE users ADD COLUMN email TEXT');
      const changes = await differ.compareSnapshots!(before, await differ.snapshot!(include));
      expect(changes).toMatchObject([{ action: 'add', object: 'column', table: 'users', name: 'email' }]);
    } finally {
      await scratch.drop();
    }
  });
});
