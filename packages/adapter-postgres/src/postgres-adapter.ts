import type { AdapterConnection, ConnectOptions, DialectAdapter, MigrationClassSupport } from '@cloudguard/migrate-core/adapter';

import { resolveOptions, type PostgresAdapterOptions, type ResolvedPostgresOptions } from './postgres-options.js';
import { sessionSchema } from './postgres-target-schema.js';
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
 * Schemas: `?schema=`, a `search_path` in `?options=`, or the factory's `schema` option
 * (which either of the URL's wins over) sets the `search_path` every session starts
 * with. A fleet target `<url>#<schema>` (core's `ConnectOptions.schema`; the adapter
 * declares `capabilities.schemas`) pins the connection to that one schema instead: it
 * wins over the factory's `schema`, a URL that names a different one is refused, and the
 * schema must exist. The `search_path` is a startup parameter of each session the
 * connection opens (the migrations' pool, the short-lived session that cancels a
 * statement), never a `SET`, so no session of one target ever runs with another's. The
 * migration lock is keyed on the version table's schema and name, so targets in two
 * schemas of one database migrate at once while two runners on one schema take turns.
 *
 * Migrations get a Kysely transaction as `op.db` and MikroORM's `PostgreSqlConnection`
 * as `op.connection` (the pg `Client` on an inspect connection); a revision file may
 * also export a MikroORM `Migration` class (see `docs/mikro-orm.md`). `?` placeholders are
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
 * @throws {InvalidUrlError} from `connect`, for a URL that is not a PostgreSQL URL, or
 *   whose `?schema=` or `search_path` is not the target's schema.
 * @throws {TargetSchemaNotFoundError} from `connect`, when the target's schema does not exist.
 * @throws {DatabaseError} from `connect`, when the server cannot be reached or refuses
 *   the connection (the message never contains the password).
 */
export function postgresAdapter(options: PostgresAdapterOptions = {}): DialectAdapter {
  const settings = resolveOptions(options);
  return {
    apiVersion: 1,
    name: 'postgresql',
    schemes: ['postgresql', 'postgres'],
    capabilities: { transactionalDdl: true, schemas: true },
    connect: (connectOptions) => connectPostgres(connectOptions, settings),
    renderOffline: async (offlineOptions) => (await import('./postgres-offline.js')).renderPostgresOffline(offlineOptions, settings),
    statementReader: async () => (await import('./postgres-statement-reader.js')).postgresStatementReader(),
    statementLinter: async (linterOptions) => (await import('./postgres-statement-linter.js')).postgresStatementLinter(linterOptions, settings),
    createScratchDatabase: async (scratchOptions) => (await import('./postgres-scratch-database.js')).createPostgresScratchDatabase(scratchOptions),
    migrationClasses: postgresMigrationClasses,
  };
}

/**
 * MikroORM's `Migration` classes as revisions (see the kit's `mikroOrmMigrationClasses`),
 * run on the migrate connection's MikroORM instance. Loaded when core first imports such
 * a class to run, render or lint it: commands that only read revision headers load
 * neither MikroORM nor `@mikro-orm/migrations`. Offline, a class's `this.config` names
 * the database `postgres`: no URL is read there.
 */
async function postgresMigrationClasses(): Promise<MigrationClassSupport> {
  const [{ PostgreSqlDriver }, { mikroOrmMigrationClasses }] = await Promise.all([
    import('@mikro-orm/postgresql'),
    import('@cloudguard/migrate-adapter-kit/mikro-orm'),
  ]);
  return mikroOrmMigrationClasses({ driver: PostgreSqlDriver, dbName: 'postgres' });
}

async function connectPostgres(options: ConnectOptions, adapterSettings: ResolvedPostgresOptions): Promise<AdapterConnection> {
  const location = parsePostgresUrl(options.url);
  const schema = sessionSchema(location, options.url, options.schema, adapterSettings.schema);
  const settings = { ...withUrlTimeouts(adapterSettings, location), schema };
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
