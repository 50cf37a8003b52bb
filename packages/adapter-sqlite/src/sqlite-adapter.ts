import type {
  AdapterConnection,
  ConnectOptions,
  DialectAdapter,
  MigrationClassSupport,
  StatementLinter,
  StatementLinterOptions,
  StatementReader,
} from '@cloudguard/migrate-core/adapter';

import { DEFAULT_BUSY_TIMEOUT_MS, type ResolvedSqliteOptions, type SqliteAdapterOptions } from './sqlite-options.js';
import { parseSqliteUrl } from './sqlite-url.js';

export type { SqliteAdapterOptions } from './sqlite-options.js';

/**
 * Creates the SQLite dialect adapter: MikroORM 7 (`@mikro-orm/sqlite`, better-sqlite3
 * under Kysely) when migrating, better-sqlite3 alone, read-only, when a command only
 * reads the version table. Nothing heavy loads until {@link DialectAdapter.connect}.
 *
 * URLs are SQLAlchemy's: `sqlite:///relative.db` (relative to the config's directory),
 * `sqlite:////absolute/path.db`, `sqlite://` or `sqlite:///:memory:`.
 *
 * Migrations get a Kysely transaction as `op.db`, and the MikroORM `SqliteConnection`
 * as `op.connection` (the better-sqlite3 `Database` on a read-only connection). A
 * revision file may also export a MikroORM `Migration` class (see `docs/mikro-orm.md`). A
 * statement that fails keeps its driver error, with the SQL attached as
 * `(error as { sql?: string }).sql`. Two runners on one database file serialise on a
 * lock file, `<database>.cgmigrate-lock`, released by the OS if a process dies. A lock
 * file this user cannot write, or one that is not an SQLite database, is refused with
 * `LOCK_UNAVAILABLE` (SQLite would open it read-only, and lock nobody out).
 *
 * ### Examples
 * ```ts
 * // cgmigrate.config.ts
 * import { defineConfig } from '@cloudguard/migrate-core/adapter';
 * import { sqliteAdapter } from '@cloudguard/migrate-adapter-sqlite';
 *
 * export default defineConfig({
 *   url: 'sqlite:///var/app.db',
 *   adapter: sqliteAdapter({ busyTimeoutMs: 10_000 }),
 * });
 * ```
 *
 * @throws {InvalidUrlError} from `connect`, for a URL that is not a SQLite URL.
 * @throws {DatabaseError} from `connect`, when the database cannot be opened (for
 *   instance when its directory does not exist: it is not created).
 */
export function sqliteAdapter(options: SqliteAdapterOptions = {}): DialectAdapter {
  const settings: ResolvedSqliteOptions = {
    busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    foreignKeys: options.foreignKeys ?? false,
  };
  return {
    apiVersion: 1,
    name: 'sqlite',
    schemes: ['sqlite'],
    capabilities: { transactionalDdl: true, inProcess: true },
    connect: (connectOptions) => connectSqlite(connectOptions, settings),
    renderOffline: async (offlineOptions) => (await import('./sqlite-offline.js')).renderSqliteOffline(offlineOptions),
    statementReader: readSqliteStatements,
    statementLinter: lintSqliteStatements,
    createScratchDatabase: async () => (await import('./sqlite-scratch-database.js')).createSqliteScratchDatabase(),
    migrationClasses: sqliteMigrationClasses,
  };
}

/**
 * MikroORM's `Migration` classes as revisions (see the kit's `mikroOrmMigrationClasses`),
 * run on the migrate connection's MikroORM instance. Loaded when core first imports such
 * a class to run, render or lint it: commands that only read revision headers load
 * neither MikroORM nor `@mikro-orm/migrations`.
 */
async function sqliteMigrationClasses(): Promise<MigrationClassSupport> {
  const [{ SqliteDriver }, { mikroOrmMigrationClasses }] = await Promise.all([
    import('@mikro-orm/sqlite'),
    import('@cloudguard/migrate-adapter-kit/mikro-orm'),
  ]);
  return mikroOrmMigrationClasses({ driver: SqliteDriver, dbName: ':memory:' });
}

async function connectSqlite(options: ConnectOptions, settings: ResolvedSqliteOptions): Promise<AdapterConnection> {
  const location = parseSqliteUrl(options.url, options.cwd);
  if (options.purpose === 'inspect') {
    const { SqliteInspectConnection } = await import('./sqlite-inspect-connection.js');
    return SqliteInspectConnection.open(location, options, settings);
  }
  const { SqliteMigrateConnection } = await import('./sqlite-migrate-connection.js');
  return SqliteMigrateConnection.open(location, options, settings);
}

/**
 * SQLite's statement reader, over node-sql-parser's SQLite grammar; what it cannot parse
 * (`DROP INDEX`, which that grammar lacks) goes to its PostgreSQL grammar, whose
 * double-quoted names and DDL are SQLite's too. Names compare without regard to case,
 * as SQLite's do, and `main.` is the default schema.
 */
async function readSqliteStatements(): Promise<StatementReader> {
  const { nodeSqlStatementReader } = await import('@cloudguard/migrate-adapter-kit/sql-reading');
  return nodeSqlStatementReader({ grammars: ['sqlite', 'postgresql'], identifiers: { caseInsensitive: true, defaultSchema: 'main' } });
}

/**
 * SQLite's statement linter (see `sqlite-statement-linter.ts`), over the same grammars,
 * keeping what they read in core's statement cache when it gives one. The URL is only
 * parsed, as offline rendering parses it: the linter needs nothing of it.
 *
 * @throws {InvalidUrlError} for a URL that is not a SQLite URL.
 */
async function lintSqliteStatements(options: StatementLinterOptions): Promise<StatementLinter> {
  parseSqliteUrl(options.url, options.cwd);
  return (await import('./sqlite-statement-linter.js')).sqliteStatementLinter(options.factCache);
}
