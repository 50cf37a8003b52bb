import type { AdapterConnection, ConnectOptions, DialectAdapter } from '@cloudguard/migrate-core/adapter';

import { resolveOptions, type PostgresAdapterOptions, type ResolvedPostgresOptions } from './postgres-options.js';
import { parsePostgresUrl, type PostgresLocation } from './postgres-url.js';

export type { PostgresAdapterOptions, PostgresDuration } from './postgres-options.js';

/**
 * Creates the PostgreSQL dialect adapter: MikroORM 7 (`@mikro-orm/postgresql`, pg under
 * Kysely) when migrating, pg alone with one read-only client when a command only reads
 * the version table. Nothing heavy loads until {@link DialectAdapter.connect}.
 *
 * URLs are libpq's, SQLAlchemy's and Prisma's: `postgresql://user:password@host:5432/db`,
 * `postgres://…`, `postgresql+psycopg2://…` (the driver is ignored), with `?sslmode=`,
 * `?schema=`, `?options=-csearch_path%3D…`, `?application_name=` (default `cgmigrate`)
 * and `?host=/var/run/postgresql` for a Unix socket.
 *
 * Migrations get a Kysely transaction as `op.db` and MikroORM's `PostgreSqlConnection`
 * as `op.connection` (the pg `Client` on an inspect connection). `?` placeholders are
 * translated to `$1…`. A statement that fails keeps its pg error (with PostgreSQL's
 * `code`), with the SQL attached as `(error as { sql?: string }).sql`. Two runners
 * serialise on a session advisory lock keyed on the version table, taken on the
 * session the migrations run on: the server frees it when that session ends (even if
 * the process is killed), and the run checks it still holds it before every commit and
 * every `transactional: false` migration (`LOCK_LOST` otherwise).
 *
 * `cgmigrate lint` reads each statement with PostgreSQL's own parser (see
 * `postgres-statement-linter.ts`); `lockTimeout`, or the URL's `?lock_timeout=`, is the
 * lock_timeout its `MISSING_LOCK_TIMEOUT` rule looks for.
 *
 * ### Examples
 * ```ts
 * // cgmigrate.config.ts
 * import { defineConfig } from '@cloudguard/migrate-core/adapter';
 * import { postgresAdapter } from '@cloudguard/migrate-adapter-postgres';
 *
 * export default defineConfig({
 *   url: process.env.DATABASE_URL,
 *   adapter: postgresAdapter({ lockTimeout: '5s', statementTimeout: '15min' }),
 * });
 * ```
 *
 * @throws {ConfigInvalidError} when a timeout is not a PostgreSQL duration, or `schema` is empty.
 * @throws {InvalidUrlError} from `connect`, for a URL that is not a PostgreSQL URL.
 * @throws {DatabaseError} from `connect`, when the server cannot be reached or refuses
 *   the connection (the message never contains the password).
 */
export function postgresAdapter(options: PostgresAdapterOptions = {}): DialectAdapter {
  const settings = resolveOptions(options);
  return {
    apiVersion: 1,
    name: 'postgresql',
    schemes: ['postgresql', 'postgres'],
    capabilities: { transactionalDdl: true },
    connect: (connectOptions) => connectPostgres(connectOptions, settings),
    renderOffline: async (offlineOptions) => (await import('./postgres-offline.js')).renderPostgresOffline(offlineOptions, settings),
    statementReader: async () => (await import('./postgres-statement-reader.js')).postgresStatementReader(),
    statementLinter: async (linterOptions) => (await import('./postgres-statement-linter.js')).postgresStatementLinter(linterOptions, settings),
    createScratchDatabase: async (scratchOptions) => (await import('./postgres-scratch-database.js')).createPostgresScratchDatabase(scratchOptions),
  };
}

async function connectPostgres(options: ConnectOptions, adapterSettings: ResolvedPostgresOptions): Promise<AdapterConnection> {
  const location = parsePostgresUrl(options.url);
  const settings = withUrlTimeouts(adapterSettings, location);
  if (options.purpose === 'inspect') {
    const { PostgresInspectConnection } = await import('./postgres-inspect-connection.js');
    return PostgresInspectConnection.open(location, options, settings);
  }
  const { PostgresMigrateConnection } = await import('./postgres-migrate-connection.js');
  return PostgresMigrateConnection.open(location, options, settings);
}

/** The URL's `?lock_timeout=` and `?statement_timeout=` win over the factory's options. */
function withUrlTimeouts(settings: ResolvedPostgresOptions, location: PostgresLocation): ResolvedPostgresOptions {
  if (location.timeouts.size === 0) return settings;
  const timeouts = new Map(settings.timeouts);
  for (const [name, value] of location.timeouts) timeouts.set(name, value);
  return { ...settings, timeouts };
}
