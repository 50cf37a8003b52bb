import { defineEntity, MikroORM, p, type Options } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';

import { postgresOrmDatabaseUrl } from '../../src/postgres-orm-url.js';
import { parsePostgresUrl } from '../../src/postgres-url.js';

const Scan = defineEntity({ name: 'Scan', properties: { id: p.integer().primary() } });

/** A MikroORM instance that never connects: the URL is read from its configuration alone. */
const orm = (options: Partial<Options>) => new MikroORM({ entities: [Scan], discovery: { skipSyncDiscovery: true }, logger: () => {}, ...options } as Options);

describe('postgresOrmDatabaseUrl', () => {
  it('is the clientUrl the ORM connects with, each part overridden by host, port, user, password and dbName', () => {
    expect(postgresOrmDatabaseUrl(orm({ clientUrl: 'postgresql://app:s3cret@db.internal:6432/app' }))).toBe('postgresql://app:s3cret@db.internal:6432/app');
    expect(postgresOrmDatabaseUrl(orm({ clientUrl: 'postgresql://app@db:5432/app', dbName: 'other', password: 'p@ss:/w' }))).toBe(
      'postgresql://app:p%40ss%3A%2Fw@db:5432/other',
    );
    expect(postgresOrmDatabaseUrl(orm({ host: 'db', user: 'deploy', dbName: 'cloudguard' }))).toBe('postgresql://deploy@db:5432/cloudguard');
  });

  it('starts from MikroORM\'s default server when only dbName is given, as the ORM does', () => {
    expect(postgresOrmDatabaseUrl(orm({ dbName: 'cloudguard' }))).toBe('postgresql://postgres@127.0.0.1:5432/cloudguard');
  });

  it('writes a Unix-socket directory as libpq\'s host parameter and brackets an IPv6 address, both read back by the adapter', () => {
    const socket = postgresOrmDatabaseUrl(orm({ host: '/var/run/postgresql', user: 'app', dbName: 'app' }));
    expect(parsePostgresUrl(socket)).toMatchObject({ host: '/var/run/postgresql', user: 'app', database: 'app' });
    const ipv6 = postgresOrmDatabaseUrl(orm({ host: '::1', port: 5433, dbName: 'app' }));
    expect(parsePostgresUrl(ipv6)).toMatchObject({ host: '::1', port: 5433, database: 'app' });
  });

  it('refuses a password given as a function, without calling it', () => {
    let called = false;
    const password = () => {
      called = true;
      return 'token';
    };
    expect(() => postgresOrmDatabaseUrl(orm({ dbName: 'app', password }))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('password is a function') }),
    );
    expect(called).toBe(false);
  });

  it('refuses an ORM on another database, naming the adapter to use', () => {
    // What the function reads of an ORM on SQLite: a platform of another kind, and its driver's name.
    const sqlite = { config: { getPlatform: () => ({}), getDriver: () => ({ constructor: { name: 'SqliteDriver' } }) } };
    expect(() => postgresOrmDatabaseUrl(sqlite as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('@cloudguard/migrate-adapter-sqlite/mikro-orm') }),
    );
  });
});
