import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { AdapterIncompatibleError, AdapterNotFoundError, ConfigInvalidError } from '../errors.js';
import { urlScheme } from './database-url.js';
import { ADAPTER_API_VERSION, type DialectAdapter } from './dialect-adapter.js';

/** What a module that provides an adapter may export: the adapter itself, as `default` or as `adapter`. */
export type AdapterModule = DialectAdapter | { readonly default?: unknown; readonly adapter?: unknown };

/** How to load the adapter for some URL schemes, without loading it yet. */
export interface AdapterRegistration {
  /** URL schemes served, lower case, without `:` (e.g. `postgresql`, `postgres`). */
  readonly schemes: readonly string[];
  /** The package that provides the adapter, named in errors and matched by a config's `adapter: '<package>'`. */
  readonly packageName: string;
  /** Loads the adapter; called at most once, when a command first needs it. */
  readonly load: () => Promise<AdapterModule>;
}

/**
 * The first-party adapters: the package that serves each URL scheme. Neither core nor
 * the CLI imports them statically; they are loaded by name when a URL needs one.
 */
export const BUILTIN_ADAPTERS: readonly Pick<AdapterRegistration, 'schemes' | 'packageName'>[] = [
  { schemes: ['sqlite'], packageName: '@cloudguard/migrate-adapter-sqlite' },
  { schemes: ['postgresql', 'postgres'], packageName: '@cloudguard/migrate-adapter-postgres' },
];

/**
 * The oclif hook through which CLI plugins provide adapters. A plugin declares it in its
 * `package.json` (`"oclif": { "hooks": { "cgmigrate:adapters": "./dist/hooks/adapters.js" } }`);
 * the hook's default export resolves to one {@link AdapterRegistration} or a list of them.
 */
export const CLI_ADAPTER_HOOK = 'cgmigrate:adapters';

/** What {@link AdapterRegistry.forConfig} reads of a resolved configuration. */
export interface AdapterChoice {
  /** The database URL; its scheme picks the adapter when `adapter` is not set. */
  readonly url: string;
  /** An adapter object, or the name of a package that exports one; wins over the URL's scheme. */
  readonly adapter?: DialectAdapter | string | undefined;
  /** Where a package named by `adapter` is looked for first: the config file's folder, then this. */
  readonly cwd: string;
  readonly configPath?: string | undefined;
}

/**
 * Finds the adapter for a database URL by its scheme. Registrations are lazy so a
 * command that never touches the database never loads a driver.
 *
 * ### Examples
 * ```ts
 * const adapters = new AdapterRegistry();
 * adapters.register({ schemes: ['sqlite'], packageName: '@cloudguard/migrate-adapter-sqlite',
 *   load: () => import('@cloudguard/migrate-adapter-sqlite') });
 * const adapter = await adapters.forUrl('sqlite:///app.db');
 * ```
 */
export class AdapterRegistry {
  readonly #registrations = new Map<string, AdapterRegistration>();
  readonly #byPackage = new Map<string, AdapterRegistration>();
  readonly #loaded = new Map<AdapterRegistration, Promise<DialectAdapter>>();

  /** Registers (or replaces) the adapter for its schemes. */
  register(registration: AdapterRegistration): this {
    for (const scheme of registration.schemes) this.#registrations.set(scheme.toLowerCase(), registration);
    this.#byPackage.set(registration.packageName, registration);
    return this;
  }

  /** Registers an adapter that is already loaded, under its own schemes. */
  add(adapter: DialectAdapter): this {
    return this.register({ schemes: adapter.schemes, packageName: adapter.name, load: async () => adapter });
  }

  /**
   * Registers every registration of `other` that serves a scheme this registry has no
   * adapter for yet; registrations already here win.
   */
  fallBackTo(other: AdapterRegistry): this {
    for (const [scheme, registration] of other.#registrations) {
      if (!this.#registrations.has(scheme)) this.#registrations.set(scheme, registration);
      if (!this.#byPackage.has(registration.packageName)) this.#byPackage.set(registration.packageName, registration);
    }
    return this;
  }

  /** The schemes that have an adapter. */
  get schemes(): readonly string[] {
    return [...this.#registrations.keys()];
  }

  /** The registration serving a scheme, if any. */
  registrationFor(scheme: string): AdapterRegistration | undefined {
    return this.#registrations.get(scheme.toLowerCase());
  }

  /**
   * The adapter for a URL.
   *
   * @throws {InvalidUrlError} when the URL has no scheme.
   * @throws {AdapterNotFoundError} when no adapter serves the scheme or its package cannot be loaded.
   * @throws {AdapterIncompatibleError} when the adapter implements another contract version.
   */
  async forUrl(url: string): Promise<DialectAdapter> {
    const scheme = urlScheme(url);
    const registration = this.#registrations.get(scheme);
    if (!registration) throw new AdapterNotFoundError(scheme, undefined);
    return this.#load(registration, scheme);
  }

  /**
   * The adapter a configuration asks for: its `adapter` object; or, when `adapter`
   * names a package, the registration of that package here, else the package imported
   * from the config file's folder or `cwd`; or the adapter registered for the URL's
   * scheme.
   *
   * ### Examples
   * ```ts
   * const adapter = await registry.forConfig({ url: 'mysql://root@db/app', adapter: '@acme/cgmigrate-mariadb', cwd });
   * ```
   * @throws {AdapterNotFoundError} when nothing serves the scheme, or the named package is not installed.
   * @throws {AdapterIncompatibleError} when the adapter implements another contract version.
   */
  async forConfig(choice: AdapterChoice): Promise<DialectAdapter> {
    const { adapter } = choice;
    if (adapter === undefined) return this.forUrl(choice.url);
    if (typeof adapter !== 'string') return assertCompatibleAdapter(adapter);
    const scheme = urlScheme(choice.url);
    const registered = this.#byPackage.get(adapter);
    if (registered) return this.#load(registered, scheme);
    const searchFrom = [choice.configPath ? path.dirname(choice.configPath) : undefined, choice.cwd];
    return importAdapterPackage(adapter, searchFrom.filter((dir): dir is string => dir !== undefined), scheme);
  }

  #load(registration: AdapterRegistration, scheme: string): Promise<DialectAdapter> {
    let loading = this.#loaded.get(registration);
    if (!loading) {
      loading = loadAdapter(registration, scheme);
      this.#loaded.set(registration, loading);
      // A failed load may succeed later (e.g. after `npm install`): do not remember it.
      loading.catch(() => this.#loaded.delete(registration));
    }
    return loading;
  }
}

async function loadAdapter(registration: AdapterRegistration, scheme: string): Promise<DialectAdapter> {
  let loaded: AdapterModule;
  try {
    loaded = await registration.load();
  } catch (error) {
    throw new AdapterNotFoundError(scheme, registration.packageName, { cause: error });
  }
  return assertCompatibleAdapter(adapterOf(loaded, registration.packageName));
}

/**
 * The adapter a module provides: the module itself when it is one, else its `default`
 * export, else its `adapter` export.
 *
 * @throws {ConfigInvalidError} when the module exports no adapter object.
 */
export function adapterOf(loaded: AdapterModule, packageName: string): DialectAdapter {
  if (isAdapterLike(loaded)) return loaded;
  const exports = loaded as { readonly default?: unknown; readonly adapter?: unknown };
  if (isAdapterLike(exports.default)) return exports.default;
  if (isAdapterLike(exports.adapter)) return exports.adapter;
  throw new ConfigInvalidError(
    undefined,
    `the package ${packageName} exports no dialect adapter (expected a default export or an export named 'adapter' with a connect() method)`,
  );
}

function isAdapterLike(value: unknown): value is DialectAdapter {
  return typeof value === 'object' && value !== null && typeof (value as { connect?: unknown }).connect === 'function';
}

/**
 * Imports the adapter package `packageName` as seen from the first of `searchFrom`
 * (directories, usually the project's) that can resolve it, then from core's own
 * location. Resolving from the project matters when core is installed somewhere the
 * project's packages cannot be seen from (a global CLI, pnpm's isolated layout).
 * Resolution follows the package's `exports` with Node's `require` conditions, so its
 * map needs a `default` (or `require`/`node`) entry, as every cgmigrate package has.
 *
 * ### Examples
 * ```ts
 * const adapter = await importAdapterPackage('@cloudguard/migrate-adapter-sqlite', [process.cwd()], 'sqlite');
 * ```
 * @throws {AdapterNotFoundError} (with `packageName`) when the package is not installed or fails to load.
 * @throws {AdapterIncompatibleError} when it implements another contract version.
 */
export async function importAdapterPackage(
  packageName: string,
  searchFrom: readonly string[],
  scheme: string,
): Promise<DialectAdapter> {
  const registration: AdapterRegistration = {
    schemes: [scheme],
    packageName,
    load: () => importFrom(packageName, searchFrom),
  };
  return loadAdapter(registration, scheme);
}

async function importFrom(packageName: string, searchFrom: readonly string[]): Promise<AdapterModule> {
  for (const dir of searchFrom) {
    const resolved = resolveFrom(packageName, dir);
    if (resolved !== undefined) return (await import(pathToFileURL(resolved).href)) as AdapterModule;
  }
  // Last, as core itself sees it (the package beside core, e.g. in a global install).
  return (await import(packageName)) as AdapterModule;
}

function resolveFrom(packageName: string, dir: string): string | undefined {
  try {
    return createRequire(path.join(path.resolve(dir), 'noop.js')).resolve(packageName);
  } catch {
    return undefined;
  }
}

/**
 * A registry of the first-party adapters ({@link BUILTIN_ADAPTERS}), each imported on
 * first use from the first of `searchFrom` that can resolve it, else from core's own
 * location. Nothing is imported until a URL needs it.
 *
 * ### Examples
 * ```ts
 * const adapter = await builtinAdapterRegistry([process.cwd()]).forUrl('sqlite:///app.db');
 * ```
 */
export function builtinAdapterRegistry(searchFrom: readonly string[], registry = new AdapterRegistry()): AdapterRegistry {
  for (const { schemes, packageName } of BUILTIN_ADAPTERS) {
    registry.register({ schemes, packageName, load: () => importFrom(packageName, searchFrom) });
  }
  return registry;
}

/**
 * Checks that a value implements this version of the adapter contract.
 *
 * @throws {AdapterIncompatibleError}
 */
export function assertCompatibleAdapter(adapter: DialectAdapter): DialectAdapter {
  if (adapter?.apiVersion !== ADAPTER_API_VERSION || typeof adapter.connect !== 'function') {
    throw new AdapterIncompatibleError(adapter?.name ?? 'unknown', adapter?.apiVersion, ADAPTER_API_VERSION);
  }
  return adapter;
}
