import path from 'node:path';

import { defineEntity, MikroORM, p, type Options } from '@mikro-orm/sqlite';
import { describe, expect, it } from 'vitest';

import { sqliteOrmDatabaseUrl } from '../../src/sqlite-orm-url.js';
import { parseSqliteUrl } from '../../src/sqlite-url.js';

const Scan = defineEntity({ name: 'Scan', properties: { id: p.integer().primary() } });

/** A MikroORM instance that never opens its file: the URL is read from its configuration alone. */
const orm = (options: Partial<Options>) => new MikroORM({ entities: [Scan], discovery: { skipSyncDiscovery: true }, logger: () => {}, ...options } as Options);

describe('sqliteOrmDatabaseUrl', () => {
  it('is the file the ORM opens: dbName against the working directory, as better-sqlite3 opens it', () => {
    const url = sqliteOrmDatabaseUrl(orm({ dbName: 'data/app.db' }));
    expect(url).toBe(`sqlite:////${path.resolve('data/app.db').slice(1)}`);
    // Read back from anywhere, it is the same file.
    expect(parseSqliteUrl(url, '/elsewhere')).toEqual({ kind: 'file', path: path.resolve('data/app.db') });
  });

  it('escapes what a URL would misread in the path', () => {
    const url = sqliteOrmDatabaseUrl(orm({ dbName: '/srv/app #1/50%?.db' }));
    expect(parseSqliteUrl(url, '/')).toEqual({ kind: 'file', path: '/srv/app #1/50%?.db' });
  });

  it('refuses an in-memory database, which a connection of cgmigrate\'s own would not see', () => {
    expect(() => sqliteOrmDatabaseUrl(orm({ dbName: ':memory:' }))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining("in memory (dbName ':memory:')") }),
    );
  });

  it('refuses an ORM on another database, naming the adapter to use', () => {
    // What the function reads of an ORM on PostgreSQL: a platform of another kind, and its driver's name.
    const postgres = { config: { getPlatform: () => ({}), getDriver: () => ({ constructor: { name: 'PostgreSqlDriver' } }) } };
    expect(() => sqliteOrmDatabaseUrl(postgres as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('@cloudguard/migrate-adapter-postgres/mikro-orm') }),
    );
  });
});
