import { AdapterRegistry, type AdapterRegistration, type DialectAdapter } from '@cloudguard/migrate-core';

/** The first-party adapters: the package for each URL scheme. */
export const BUILTIN_ADAPTERS: readonly Pick<AdapterRegistration, 'schemes' | 'packageName'>[] = [
  { schemes: ['sqlite'], packageName: '@cloudguard/migrate-adapter-sqlite' },
  { schemes: ['postgresql', 'postgres'], packageName: '@cloudguard/migrate-adapter-postgres' },
];

/**
 * A registry holding the first-party adapters. Nothing is imported until a command
 * asks for the adapter of a URL, so `--help`, `--version`, `init` and `revision`
 * never load MikroORM or a driver.
 *
 * ### Examples
 * ```ts
 * const adapter = await builtinAdapters().forUrl('sqlite:///cloudguard.db');
 * ```
 */
export function builtinAdapters(registry: AdapterRegistry = new AdapterRegistry()): AdapterRegistry {
  for (const { schemes, packageName } of BUILTIN_ADAPTERS) {
    registry.register({ schemes, packageName, load: () => importAdapter(packageName) });
  }
  return registry;
}

// The specifier is data rather than a literal so the CLI type-checks and builds without
// the adapters' declarations; a missing adapter package becomes ADAPTER_NOT_FOUND at run time.
function importAdapter(packageName: string): Promise<DialectAdapter | { readonly default: DialectAdapter }> {
  return import(packageName) as Promise<{ readonly default: DialectAdapter }>;
}
