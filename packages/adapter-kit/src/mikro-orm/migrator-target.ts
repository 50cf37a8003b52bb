import path from 'node:path';

import { loadConfig, redactUrl, registeredAdapters, sameDatabaseUrl, type MigrateConfig, type MigrationApiOptions, type ResolvedConfig, type RevisionFormat } from '@cloudguard/migrate-core';
import { AdapterRegistry, builtinAdapterRegistry } from '@cloudguard/migrate-core/adapter';
import type { MikroORM } from '@mikro-orm/core';

/**
 * Which cgmigrate configuration and database `orm.migrator` runs with: the API's options
 * (see `MigrationApiOptions`). Without any, the service's `cgmigrate.config.ts` is found
 * from `process.cwd()`, as `upgradeDatabase()` finds it.
 */
export type CgmigrateMigratorOptions = Pick<MigrationApiOptions, 'cwd' | 'config' | 'url' | 'env' | 'adapter' | 'stepTimeout' | 'signal' | 'logger' | 'onEvent'> & {
  /**
   * The format of the files `orm.migrator.create()` (`mikro-orm migration:create`) writes:
   * `mikro-orm` (the default), MikroORM's `Migration` class as its own generator writes it,
   * with the graph fields as static members; or `cgmigrate`, the project's revision template.
   */
  readonly revisionFormat?: RevisionFormat | undefined;
};

/** What a dialect's extension knows of the ORM it is registered on. */
export interface OrmMigratorDialect {
  /** The package the extension is imported from, for messages: `@cloudguard/migrate-adapter-sqlite`. */
  readonly packageName: string;
  /**
   * The database the ORM connects to, as a cgmigrate URL (it may hold the ORM's password),
   * for a cgmigrate configuration that gives no URL.
   *
   * @throws {ConfigInvalidError} when the ORM is of another dialect, or its database cannot be reached from a connection of cgmigrate's own.
   */
  databaseUrl(orm: MikroORM): string;
}

/** The configuration one `orm.migrator` call runs with. */
export interface MigratorTarget {
  /** The options of the call's `MigrationManager`. */
  readonly api: MigrationApiOptions;
  readonly config: ResolvedConfig;
  /**
   * Set when cgmigrate's URL (from the options, `DATABASE_URL` or the config file) names
   * another database than the ORM's: both, passwords hidden.
   */
  readonly otherDatabase?: { readonly migrated: string; readonly orm: string } | undefined;
}

/**
 * Resolves the cgmigrate configuration as the API does, except for the URL when nothing
 * gives one (no `url` option, no `DATABASE_URL`, none in the config file): then it is
 * the ORM's own database, so that `orm.migrator` migrates the database the service uses
 * rather than `sqlite:///cloudguard.db`.
 *
 * ### Examples
 * ```ts
 * const { api, config } = await resolveMigratorTarget(orm, dialect, { config: './cgmigrate.config.ts' });
 * ```
 * @throws {ConfigNotFoundError} when `config` names a file that does not exist.
 * @throws {ConfigInvalidError} when the config is invalid, or the ORM's database cannot be turned into a URL.
 */
export async function resolveMigratorTarget(
  orm: MikroORM,
  dialect: OrmMigratorDialect,
  options: CgmigrateMigratorOptions,
  overrides: MigrateConfig = {},
): Promise<MigratorTarget> {
  const load = (url: string | undefined) =>
    loadConfig({
      cwd: options.cwd ?? process.cwd(),
      configPath: typeof options.config === 'string' ? options.config : undefined,
      inline: typeof options.config === 'object' ? options.config : undefined,
      url,
      env: options.env ?? process.env,
      overrides: { adapter: options.adapter, stepTimeout: options.stepTimeout, ...overrides },
    });
  const api = { ...options };
  const config = await load(options.url);
  if (config.urlSource === 'default') {
    const url = dialect.databaseUrl(orm);
    return { api: { ...api, url }, config: await load(url) };
  }
  return { api, config, otherDatabase: otherDatabase(orm, dialect, config) };
}

function otherDatabase(orm: MikroORM, dialect: OrmMigratorDialect, config: ResolvedConfig): MigratorTarget['otherDatabase'] {
  let ormUrl: string;
  try {
    ormUrl = dialect.databaseUrl(orm);
  } catch {
    // The ORM's database has no URL (in memory, a password callback): nothing to compare.
    return undefined;
  }
  if (sameDatabaseUrl(config.url, ormUrl, config.cwd)) return undefined;
  return { migrated: redactUrl(config.url), orm: redactUrl(ormUrl) };
}

/**
 * Where the commands that the `MigrationManager` does not offer (autogenerate) find their
 * adapter: as the API does, from `registerAdapter`'s registrations, then the built-in
 * packages imported from the project.
 */
export function migratorAdapters(config: ResolvedConfig): AdapterRegistry {
  const projectDirs = config.configPath ? [path.dirname(config.configPath), config.cwd] : [config.cwd];
  return new AdapterRegistry().fallBackTo(registeredAdapters()).fallBackTo(builtinAdapterRegistry(projectDirs));
}
