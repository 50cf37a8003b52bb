import { AdapterIncompatibleError, AdapterNotFoundError } from '../errors.js';
import { urlScheme } from '../config/database-url.js';
import { ADAPTER_API_VERSION, type DialectAdapter } from './dialect-adapter.js';

/** How to load the adapter for some URL schemes, without loading it yet. */
export interface AdapterRegistration {
  /** URL schemes served, lower case, without `:` (e.g. `postgresql`, `postgres`). */
  readonly schemes: readonly string[];
  /** The package that provides the adapter, named in errors. */
  readonly packageName: string;
  /** Loads the adapter; called at most once, when a command first needs it. */
  readonly load: () => Promise<DialectAdapter | { readonly default: DialectAdapter }>;
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
  readonly #loaded = new Map<AdapterRegistration, Promise<DialectAdapter>>();

  /** Registers (or replaces) the adapter for its schemes. */
  register(registration: AdapterRegistration): this {
    for (const scheme of registration.schemes) this.#registrations.set(scheme.toLowerCase(), registration);
    return this;
  }

  /** Registers an adapter that is already loaded, under its own schemes. */
  add(adapter: DialectAdapter): this {
    return this.register({ schemes: adapter.schemes, packageName: adapter.name, load: async () => adapter });
  }

  /** The schemes that have an adapter. */
  get schemes(): readonly string[] {
    return [...this.#registrations.keys()];
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
    let loading = this.#loaded.get(registration);
    if (!loading) {
      loading = loadAdapter(registration, scheme);
      this.#loaded.set(registration, loading);
    }
    return loading;
  }
}

async function loadAdapter(registration: AdapterRegistration, scheme: string): Promise<DialectAdapter> {
  let loaded: DialectAdapter | { readonly default: DialectAdapter };
  try {
    loaded = await registration.load();
  } catch (error) {
    throw new AdapterNotFoundError(scheme, registration.packageName, { cause: error });
  }
  const adapter = 'default' in loaded && !('connect' in loaded) ? loaded.default : (loaded as DialectAdapter);
  return assertCompatibleAdapter(adapter);
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
