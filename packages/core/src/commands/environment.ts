import { AdapterRegistry } from '../adapter/adapter-registry.js';
import type { AdapterConnection, ConnectOptions, DialectAdapter } from '../adapter/dialect-adapter.js';
import type { ResolvedConfig } from '../config/define-config.js';
import { describeTarget } from '../fleet/fleet-target.js';
import { DatabaseError, isMigrateError, TargetSchemaNotSupportedError } from '../errors.js';
import type { MigrationEventListener } from '../runtime/events.js';
import type { ScriptFileCache } from '../runtime/script-file-cache.js';
import type { LintFinding } from '../lint/lint-revisions.js';
import { describeSkippedFile, ScriptDirectory, type ScriptDirectoryIo, type ScriptDirectoryOptions } from '../script/script-directory.js';

/**
 * What every command works in: the resolved configuration, where adapters come from,
 * and who hears about progress.
 */
export interface MigrationEnvironment {
  readonly config: ResolvedConfig;
  readonly adapters: AdapterRegistry;
  readonly onEvent?: MigrationEventListener | undefined;
  /**
   * Scripts already read, shared by the runs of a fleet: every command takes them instead
   * of reading the script directory again, and `upgrade` reads each file's bytes for its
   * checksum through their cache. `undefined`: each command reads the directory itself.
   */
  readonly preloaded?: PreloadedScripts | undefined;
}

/** A script directory read once for many runs, with the file cache it was read through. */
export interface PreloadedScripts {
  readonly scripts: ScriptDirectory;
  readonly files: ScriptFileCache;
  /**
   * `upgrade --lint`'s findings by what a run is about to do (the revisions it runs, from
   * where, for which dialect and server version): targets at the same revisions share one
   * lint instead of rendering the same migrations again.
   */
  readonly lintResults?: Map<string, Promise<readonly LintFinding[]>> | undefined;
}

/** Options of {@link createEnvironment}. */
export interface EnvironmentOptions {
  /** Adapters by URL scheme; an empty registry when not given (then `config.adapter` must be set). */
  readonly adapters?: AdapterRegistry | undefined;
  readonly onEvent?: MigrationEventListener | undefined;
}

/**
 * Builds the environment commands run in.
 *
 * ### Examples
 * ```ts
 * const env = createEnvironment(await loadConfig(), { adapters, onEvent: (e) => logger.info(e) });
 * await upgrade(env, { target: 'head' });
 * ```
 */
export function createEnvironment(config: ResolvedConfig, options: EnvironmentOptions = {}): MigrationEnvironment {
  return { config, adapters: options.adapters ?? new AdapterRegistry(), onEvent: options.onEvent };
}

/**
 * Reads the script directory of an environment, and warns (`MIGRATION_FILE_SKIPPED`)
 * about each file in `versions/` that looks like code but is not read as a migration.
 *
 * @param io how files are read (`upgrade` keeps their bytes); Node's file system when absent.
 */
export async function loadScripts(env: MigrationEnvironment, io?: ScriptDirectoryIo): Promise<ScriptDirectory> {
  if (env.preloaded) return env.preloaded.scripts;
  const scripts = await ScriptDirectory.load(env.config.scriptLocation, io, scriptDirectoryOptions(env));
  for (const skipped of scripts.skippedFiles) {
    env.onEvent?.({ type: 'warning', code: 'MIGRATION_FILE_SKIPPED', message: describeSkippedFile(skipped) });
  }
  return scripts;
}

/**
 * How the environment's script directory runs migration classes: through the
 * environment's adapter, resolved only when a file that exports a class is imported (so
 * `history` and `current` never load it for that).
 */
export function scriptDirectoryOptions(env: MigrationEnvironment): ScriptDirectoryOptions {
  return { migrationClassAdapter: () => resolveAdapter(env) };
}

/** The adapter for the environment's URL: the configured one (an object or a package name), or the one registered for its scheme. */
export async function resolveAdapter(env: MigrationEnvironment): Promise<DialectAdapter> {
  return env.adapters.forConfig(env.config);
}

/**
 * Opens a connection, runs `work`, and always closes it. A `migrate` connection is
 * given the configured entities ({@link ConnectOptions.entities}).
 *
 * @throws {DatabaseError} when the connection cannot be opened.
 */
export async function withConnection<T>(
  env: MigrationEnvironment,
  adapter: DialectAdapter,
  purpose: ConnectOptions['purpose'],
  work: (connection: AdapterConnection) => Promise<T>,
): Promise<T> {
  const schema = env.config.schema;
  if (schema !== undefined && adapter.capabilities.schemas !== true) {
    throw new TargetSchemaNotSupportedError(describeTarget({ url: env.config.url, schema }), adapter.name);
  }
  let connection: AdapterConnection;
  try {
    connection = await adapter.connect({
      url: env.config.url,
      cwd: env.config.cwd,
      versionTable: env.config.versionTable,
      auditTable: env.config.auditTable,
      purpose,
      ...(schema === undefined ? {} : { schema }),
      // For migrations that ask their ORM for an entity manager; a read-only connection runs none.
      ...(purpose === 'migrate' ? { entities: env.config.entities } : {}),
    });
  } catch (error) {
    if (isMigrateError(error)) throw error;
    throw new DatabaseError(`Connecting to the ${adapter.name} database`, { cause: error });
  }
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

/**
 * Opens the environment's database read-only (an `inspect` connection, which creates
 * nothing), runs `work` on it, and always closes it: for a tool that reads more than the
 * version table, as `import mikro-orm` reads MikroORM's migrations table through the
 * same URL, adapter and schema as every command.
 *
 * ### Examples
 * ```ts
 * const rows = await inspectDatabase(env, (connection) =>
 *   connection.autocommit((session) => session.query('SELECT name FROM mikro_orm_migrations ORDER BY id')),
 * );
 * ```
 * @throws {DatabaseError} when the connection cannot be opened.
 * @throws {TargetSchemaNotSupportedError} when the config names a schema its adapter cannot pin.
 */
export async function inspectDatabase<T>(env: MigrationEnvironment, work: (connection: AdapterConnection) => Promise<T>): Promise<T> {
  return withConnection(env, await resolveAdapter(env), 'inspect', work);
}
