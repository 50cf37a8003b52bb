import { ConfigInvalidError, type AdapterConnection, type ConnectOptions, type DialectAdapter } from '@cloudguard/migrate-core';

import { parsePostgresUrl, POSTGRES_DURATION, type PostgresLocation } from './postgres-url.js';

/** A PostgreSQL duration: milliseconds, or a string with a unit (`'500ms'`, `'5s'`, `'1min'`). `0` means no limit. */
export type PostgresDuration = number | `${number}${'' | 'us' | 'ms' | 's' | 'min' | 'h' | 'd'}`;

/** Options of {@link postgresAdapter}. */
export interface PostgresAdapterOptions {
  /**
   * How long a statement waits for a table lock before failing with PostgreSQL's
   * `lock_not_available` (55P03), set with `SET LOCAL lock_timeout` at the start of
   * every transaction. A migration's `ALTER TABLE` then fails fast instead of queuing
   * behind a long query, and holding up every query queued behind it. Default: the
   * server's (usually no limit). A URL's `?lock_timeout=` wins over it, so that a
   * deploy can set it in `DATABASE_URL`. A transaction that fails on it is retried by
   * core (its `lockRetry` policy: 3 attempts, 500 ms then 1 s, by default).
   */
  readonly lockTimeout?: PostgresDuration | undefined;
  /** Longest a statement may run (`SET LOCAL statement_timeout`). Default: the server's. A URL's `?statement_timeout=` wins over it. */
  readonly statementTimeout?: PostgresDuration | undefined;
  /**
   * The schema migrations run in: every session's `search_path` is set to it. A URL's
   * `?schema=` or `?options=-csearch_path%3D…` wins over this. The version table's own
   * schema is core's `versionTableSchema`.
   */
  readonly schema?: string | undefined;
}

/** {@link PostgresAdapterOptions} checked, with durations as PostgreSQL literals. */
export interface ResolvedPostgresOptions {
  /** `lock_timeout` and `statement_timeout`, in that order, for those that are set. */
  readonly timeouts: ReadonlyMap<string, string>;
  readonly schema: string | undefined;
}

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
 * ### Examples
 * ```ts
 * // cgmigrate.config.ts
 * import { defineConfig } from '@cloudguard/migrate-core';
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

function resolveOptions(options: PostgresAdapterOptions): ResolvedPostgresOptions {
  const timeouts = new Map<string, string>();
  const lockTimeout = toDuration('lockTimeout', options.lockTimeout);
  const statementTimeout = toDuration('statementTimeout', options.statementTimeout);
  if (lockTimeout !== undefined) timeouts.set('lock_timeout', lockTimeout);
  if (statementTimeout !== undefined) timeouts.set('statement_timeout', statementTimeout);
  if (options.schema === '') throw new ConfigInvalidError(undefined, 'postgresAdapter: schema must not be empty');
  return { timeouts, schema: options.schema };
}

/** Checked here because the value ends up inside a `SET` statement. */
function toDuration(option: string, value: PostgresDuration | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return `${value}ms`;
  } else if (POSTGRES_DURATION.test(value)) {
    return value;
  }
  throw new ConfigInvalidError(
    undefined,
    `postgresAdapter: ${option} must be a whole number of milliseconds or a duration such as '5s' or '500ms', not ${JSON.stringify(value)}`,
  );
}
