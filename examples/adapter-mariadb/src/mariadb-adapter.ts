import type { DialectAdapter } from '@cloudguard/migrate-core/adapter';
import type { AdapterConnection, ConnectOptions } from '@cloudguard/migrate-core/adapter';

import { MARIADB_SCHEMES, parseMariaDbUrl } from './mariadb-url.js';

/**
 * Creates the MariaDB/MySQL dialect adapter for cgmigrate, built on MikroORM 7
 * (`@mikro-orm/mariadb`, mysql2 under Kysely). Nothing heavy loads until
 * {@link DialectAdapter.connect}.
 *
 * URLs: `mysql://user:password@host:3306/database`, `mariadb://…`, and SQLAlchemy's
 * `mysql+pymysql://…` (the driver part is ignored); `?socket=/path` for a Unix socket.
 *
 * What to know about MariaDB (see the README):
 * - **No transactional DDL** (`capabilities.transactionalDdl: false`): MariaDB commits
 *   before and after every `CREATE`/`ALTER`/`DROP`. Each migration's version row is
 *   therefore committed right after it, and a migration that fails half-way leaves
 *   its earlier statements applied: the error says which, and how to recover
 *   (inspect, fix, then `cgmigrate stamp <revision>`).
 * - The version table is Alembic's (`version_num VARCHAR(32)`, primary key), the audit
 *   table core's `cgmigrate_audit`.
 * - Two runners serialise on `GET_LOCK`, asked every 100 ms on a connection of its
 *   own; the server frees it when that connection ends, even if the process is killed.
 * - `inspect` connections are the same as `migrate` ones; no autogenerate.
 * - Offline scripts (`upgrade --sql`, {@link DialectAdapter.renderOffline}) open with a
 *   note on the missing transactional DDL and how to recover from a script that stopped
 *   half-way; string literals assume `NO_BACKSLASH_ESCAPES` is off (MariaDB's default).
 *
 * ### Examples
 * ```ts
 * // cgmigrate.config.ts
 * import { defineConfig } from '@cloudguard/migrate-core';
 * import { mariadbAdapter } from '@cloudguard-examples/migrate-adapter-mariadb';
 *
 * export default defineConfig({ url: process.env.DATABASE_URL, adapter: mariadbAdapter() });
 * ```
 * @throws {InvalidUrlError} from `connect`, for a URL that is not a MariaDB URL or names no database.
 * @throws {DatabaseError} from `connect`, when the server cannot be reached or refuses the connection (the message never contains the password).
 */
export function mariadbAdapter(): DialectAdapter {
  return {
    apiVersion: 1,
    name: 'mariadb',
    schemes: MARIADB_SCHEMES,
    capabilities: { transactionalDdl: false },
    connect: connectMariaDb,
    renderOffline: async (options) => (await import('./mariadb-offline.js')).renderMariaDbOffline(options),
    // node-sql-parser's MySQL grammar reads more of MariaDB's ALTER TABLE than its MariaDB one
    // (`ADD CONSTRAINT … FOREIGN KEY`); the MariaDB grammar reads what is MariaDB's own.
    // Column and index names never differ by case only in MariaDB: compared without case.
    statementReader: async () =>
      (await import('@cloudguard/migrate-adapter-kit/sql-reading')).nodeSqlStatementReader({ grammars: ['mysql', 'mariadb'], identifiers: { caseInsensitive: true } }),
  };
}

async function connectMariaDb(options: ConnectOptions): Promise<AdapterConnection> {
  const location = parseMariaDbUrl(options.url);
  const { MariaDbConnection } = await import('./mariadb-connection.js');
  return MariaDbConnection.open(location, options);
}
