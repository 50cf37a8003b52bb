import { ConfigInvalidError } from '@cloudguard/migrate-core/adapter';
import type { MikroORM } from '@mikro-orm/core';
import { BasePostgreSqlPlatform } from '@mikro-orm/postgresql';

/**
 * The database a MikroORM instance connects to, as a cgmigrate URL
 * (`postgresql://user:password@host:port/dbName`), read as MikroORM's connection reads it:
 * `host`, `port`, `user`, `password` and `dbName`, each over the part of `clientUrl` (or
 * MikroORM's default, `postgresql://postgres@127.0.0.1:5432`). The URL holds the password:
 * cgmigrate shows it only with the password hidden. Driver options (TLS…) are not carried.
 *
 * ### Examples
 * ```ts
 * postgresOrmDatabaseUrl(orm) // 'postgresql://app:s3cret@db:5432/app' for { host: 'db', user: 'app', password: 's3cret', dbName: 'app' }
 * ```
 * @throws {ConfigInvalidError} when the ORM is not on PostgreSQL, or its password is a function.
 */
export function postgresOrmDatabaseUrl(orm: MikroORM): string {
  const { config } = orm;
  if (!(config.getPlatform() instanceof BasePostgreSqlPlatform)) {
    throw new ConfigInvalidError(
      undefined,
      `the MikroORM config uses ${config.getDriver().constructor.name}, not PostgreSQL: register cgmigrateMigrator() from the adapter of its database ` +
        '(@cloudguard/migrate-adapter-sqlite/mikro-orm for SQLite), or set url in cgmigrate.config.ts',
    );
  }
  const password = config.get('password');
  if (typeof password === 'function') {
    throw new ConfigInvalidError(
      undefined,
      "the MikroORM config's password is a function, which cgmigrate cannot call for a connection of its own: set url in cgmigrate.config.ts, or DATABASE_URL",
    );
  }
  const client = new URL(config.get('clientUrl') || config.getPlatform().getDefaultClientUrl());
  const decoded = (part: string) => decodeURIComponent(part);
  const host = config.get('host') ?? decoded(client.hostname);
  const port = config.get('port') ?? (client.port === '' ? undefined : Number(client.port));
  const user = config.get('user') ?? decoded(client.username);
  const secret = password ?? decoded(client.password);
  const database = config.get('dbName') ?? decoded(client.pathname.replace(/^\//, ''));

  const credentials = user === '' ? '' : `${encodeURIComponent(user)}${secret === '' ? '' : `:${encodeURIComponent(secret)}`}@`;
  // A Unix-socket directory is a `host` parameter, as libpq reads it; an IPv6 address is bracketed.
  const socket = host.startsWith('/');
  const authority = socket ? '' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const hostParameter = socket ? `?host=${encodeURIComponent(host)}` : '';
  return `postgresql://${credentials}${authority}${port === undefined || socket ? '' : `:${port}`}/${encodeURIComponent(database)}${hostParameter}`;
}
