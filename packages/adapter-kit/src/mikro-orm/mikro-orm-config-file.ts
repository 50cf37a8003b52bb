/**
 * Finds and loads a project's MikroORM config as MikroORM 7's own CLI does
 * (`@mikro-orm/cli`'s `CLIHelper.getConfigPaths`, `getConfigFile` and
 * `getConfiguration`), without starting MikroORM: nothing connects, no entity is
 * discovered. Only the options are wanted, for the migrations settings.
 */

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MikroOrmConfigInvalidError, MikroOrmConfigNotFoundError } from '@cloudguard/migrate-core';
import { selectMikroOrmContext } from './mikro-orm-context.js';

/** Where and how to look for the config. */
export interface MikroOrmConfigLookup {
  /** The project directory: MikroORM's CLI looks from its working directory. */
  readonly cwd: string;
  /**
   * The config file to load instead of searching (`--mikro-orm-config`, as MikroORM's own
   * `--config`), relative to `cwd`.
   */
  readonly configPath?: string | undefined;
  /** The context to take from a config that exports several; `MIKRO_ORM_CONTEXT_NAME`, else `default`. */
  readonly contextName?: string | undefined;
  /** The environment MikroORM's CLI reads (`MIKRO_ORM_CLI_CONFIG`, `MIKRO_ORM_CONTEXT_NAME`, …); `process.env` when absent. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** A MikroORM config as loaded: its file, the context taken, and its options merged with `MIKRO_ORM_*` variables. */
export interface LoadedMikroOrmConfig {
  /** The config file (absolute). */
  readonly path: string;
  /** The context the options are of (`default` unless asked otherwise). */
  readonly contextName: string;
  /** The options, with the `MIKRO_ORM_*` environment variables merged over them as MikroORM's CLI merges them. */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * Whether MikroORM's CLI would run this project as TypeScript (`preferTs`, on unless the
   * package.json `mikro-orm.preferTs` or `MIKRO_ORM_CLI_PREFER_TS` says false): it then
   * reads the migrations of `migrations.pathTs` rather than `migrations.path`.
   */
  readonly preferTs: boolean;
}

/** The `mikro-orm` section of the project's package.json, with MikroORM's environment overrides. */
interface CliSettings {
  readonly preferTs: boolean | undefined;
  readonly configPaths: readonly string[];
}

/**
 * The config files MikroORM's CLI tries, in its order: `MIKRO_ORM_CLI_CONFIG`, the
 * package.json's `mikro-orm.configPaths`, `./src/mikro-orm.config.ts` and
 * `./mikro-orm.config.ts` (unless TypeScript is off), then `./dist/mikro-orm.config.js`
 * (`./build/…` without a `dist` folder, `./src/…` without either) and
 * `./mikro-orm.config.js`; relative to `cwd`, duplicates dropped.
 *
 * MikroORM's CLI offers the `.ts` paths only when it could register a TypeScript loader
 * (or runs under one); cgmigrate always can, as Node strips types itself, so only
 * `preferTs: false` leaves them out.
 *
 * ### Examples
 * ```ts
 * await mikroOrmConfigPaths({ cwd: '/srv/app' })
 * // ['./src/mikro-orm.config.ts', './mikro-orm.config.ts', './src/mikro-orm.config.js', './mikro-orm.config.js']
 * ```
 */
export async function mikroOrmConfigPaths(lookup: Pick<MikroOrmConfigLookup, 'cwd' | 'env'>): Promise<string[]> {
  const env = lookup.env ?? process.env;
  const { fs } = await import('@mikro-orm/core/fs-utils');
  const settings = await cliSettings(lookup.cwd, env);
  const typeScript = settings.preferTs !== false;
  const paths: string[] = [];
  const fromEnv = env['MIKRO_ORM_CLI_CONFIG'];
  if (fromEnv) paths.push(fromEnv);
  paths.push(...settings.configPaths);
  if (typeScript) paths.push('./src/mikro-orm.config.ts', './mikro-orm.config.ts');
  const buildDir = fs.pathExists(`${lookup.cwd}/dist`) ? 'dist' : fs.pathExists(`${lookup.cwd}/build`) ? 'build' : 'src';
  paths.push(`./${buildDir}/mikro-orm.config.js`, './mikro-orm.config.js');
  return [...new Set(paths)].filter((candidate) => typeScript || !/\.[mc]?ts$/.test(candidate));
}

/**
 * Finds the MikroORM config (the path given, or the first of {@link mikroOrmConfigPaths}
 * that exists), imports it, takes the context asked for as MikroORM's CLI does (a default
 * export that is an object, a function of the context name, a promise, or an array of
 * contexts: see {@link selectMikroOrmContext}), and merges the `MIKRO_ORM_*` environment
 * variables over it (`MIKRO_ORM_MIGRATIONS_PATH` and the rest).
 *
 * The config is imported with Node's own type stripping, as cgmigrate imports its own
 * config: one that needs a TypeScript loader (legacy decorators on its entities) loads
 * when the process has one (`NODE_OPTIONS='--import tsx'`).
 *
 * ### Examples
 * ```ts
 * const config = await loadMikroOrmConfig({ cwd: process.cwd() });
 * config.options.migrations // { path: './src/migrations', … }
 * ```
 * @throws {MikroOrmConfigNotFoundError} when no candidate file exists.
 * @throws {MikroOrmConfigInvalidError} when it fails to import, or holds no config for the context.
 */
export async function loadMikroOrmConfig(lookup: MikroOrmConfigLookup): Promise<LoadedMikroOrmConfig> {
  const env = lookup.env ?? process.env;
  const { fs } = await import('@mikro-orm/core/fs-utils');
  const candidates = lookup.configPath !== undefined ? [lookup.configPath] : await mikroOrmConfigPaths({ cwd: lookup.cwd, env });
  const found = candidates.map((candidate) => path.resolve(lookup.cwd, candidate)).find((file) => fs.pathExists(file));
  if (found === undefined) throw new MikroOrmConfigNotFoundError(candidates);
  const contextName = lookup.contextName ?? env['MIKRO_ORM_CONTEXT_NAME'] ?? 'default';
  const exported = await importConfig(found);
  const options = await selectMikroOrmContext(exported, contextName, found);
  const { loadEnvironmentVars, Utils } = await import('@mikro-orm/core');
  // As `CLIHelper.getConfiguration` without options of its own: the variables win over the file.
  const merged = Utils.mergeConfig({}, options, loadEnvironmentVars() as Record<string, unknown>) as Record<string, unknown>;
  const settings = await cliSettings(lookup.cwd, env);
  return { path: found, contextName, options: merged, preferTs: settings.preferTs !== false || merged['preferTs'] === true };
}

/** The module's default export (or the module itself without one), awaited, as `CLIHelper.getConfigFile` reads it. */
async function importConfig(file: string): Promise<unknown> {
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return await (module.default ?? module);
  } catch (error) {
    throw new MikroOrmConfigInvalidError(file, `it could not be imported: ${describeThrown(error)}`, { cause: error });
  }
}

/** `CLIHelper.getSettings`: the nearest package.json's `mikro-orm` section, with the environment's overrides. */
async function cliSettings(cwd: string, env: NodeJS.ProcessEnv): Promise<CliSettings> {
  const { fs } = await import('@mikro-orm/core/fs-utils');
  const section = (fs.getPackageConfig(cwd)['mikro-orm'] ?? {}) as { preferTs?: unknown; configPaths?: unknown };
  const bool = (value: string) => ['true', 't', '1'].includes(value.toLowerCase());
  let preferTs = typeof section.preferTs === 'boolean' ? section.preferTs : undefined;
  const preferTsVariable = env['MIKRO_ORM_CLI_PREFER_TS'];
  if (preferTsVariable != null) preferTs = bool(preferTsVariable);
  if (env['MIKRO_ORM_CLI_CONFIG']?.endsWith('.ts')) preferTs = true;
  const configPaths = Array.isArray(section.configPaths) ? section.configPaths.filter((entry): entry is string => typeof entry === 'string') : [];
  return { preferTs, configPaths };
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
