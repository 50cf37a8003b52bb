import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { ConfigInvalidError } from '@cloudguard/migrate-core/adapter';
import type { MikroORM } from '@mikro-orm/core';
import { SqlitePlatform } from '@mikro-orm/sqlite';

/**
 * The SQLite file a MikroORM instance uses, as a cgmigrate URL (`sqlite:////abs/path.db`):
 * its `dbName`, relative to the working directory as better-sqlite3 opens it.
 *
 * ### Examples
 * ```ts
 * sqliteOrmDatabaseUrl(orm) // 'sqlite:////srv/app/app.db' for dbName 'app.db' in /srv/app
 * ```
 * @throws {ConfigInvalidError} when the ORM is not on SQLite, or its database is in memory (cgmigrate's connection would open another).
 */
export function sqliteOrmDatabaseUrl(orm: MikroORM): string {
  if (!(orm.config.getPlatform() instanceof SqlitePlatform)) {
    throw new ConfigInvalidError(
      undefined,
      `the MikroORM config uses ${orm.config.getDriver().constructor.name}, not SQLite: register cgmigrateMigrator() from the adapter of its database ` +
        '(@cloudguard/migrate-adapter-postgres/mikro-orm for PostgreSQL), or set url in cgmigrate.config.ts',
    );
  }
  const dbName = orm.config.get('dbName');
  if (dbName === undefined || dbName === '' || dbName === ':memory:') {
    throw new ConfigInvalidError(
      undefined,
      `the MikroORM config's SQLite database is in memory (dbName '${dbName ?? ''}'), which a connection of cgmigrate's own cannot reach: give it a file, or set url in cgmigrate.config.ts`,
    );
  }
  return `sqlite:///${pathToFileURL(path.resolve(dbName)).pathname}`;
}
