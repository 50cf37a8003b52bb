import { AdapterRegistry, type AdapterRegistration } from '../adapter/adapter-registry.js';
import type { DialectAdapter } from '../adapter/dialect-adapter.js';

// Kept on globalThis under a registered symbol, so that a second copy of core (a CLI
// plugin's, a bundled dependency's) sees the same registrations.
const SLOT = Symbol.for('@cloudguard/migrate-core/registered-adapters');

type Slot = { [SLOT]?: Map<string, AdapterRegistration> };

function registrations(): Map<string, AdapterRegistration> {
  const holder = globalThis as Slot;
  holder[SLOT] ??= new Map();
  return holder[SLOT];
}

/**
 * Registers a dialect adapter for its URL schemes, for every {@link upgradeDatabase},
 * {@link checkMigrations} and {@link MigrationManager} of this process that is not
 * given an adapter explicitly. A registration wins over the built-in adapter of the
 * same scheme. Give an adapter object, or a lazy registration that imports it when a
 * URL first needs it.
 *
 * ### Examples
 * ```ts
 * import { registerAdapter, upgradeDatabase } from '@cloudguard/migrate-core';
 * import { mariadbAdapter } from '@acme/cgmigrate-adapter-mariadb';
 *
 * const unregister = registerAdapter(mariadbAdapter());
 * await upgradeDatabase({ url: 'mysql://app@db/cloudguard' });
 * unregister();
 *
 * // lazily: nothing is imported until a mysql:// URL is used
 * registerAdapter({ schemes: ['mysql', 'mariadb'], packageName: '@acme/cgmigrate-adapter-mariadb',
 *   load: () => import('@acme/cgmigrate-adapter-mariadb') });
 * ```
 * @returns a function that removes this registration again (and only this one).
 */
export function registerAdapter(adapter: DialectAdapter | AdapterRegistration): () => void {
  const registration: AdapterRegistration =
    'connect' in adapter ? { schemes: adapter.schemes, packageName: adapter.name, load: async () => adapter } : adapter;
  const table = registrations();
  const schemes = registration.schemes.map((scheme) => scheme.toLowerCase());
  for (const scheme of schemes) table.set(scheme, registration);
  return () => {
    for (const scheme of schemes) if (table.get(scheme) === registration) table.delete(scheme);
  };
}

/** The adapters registered with {@link registerAdapter}, as a registry (a snapshot). */
export function registeredAdapters(): AdapterRegistry {
  const registry = new AdapterRegistry();
  for (const [scheme, registration] of registrations()) registry.register({ ...registration, schemes: [scheme] });
  return registry;
}
