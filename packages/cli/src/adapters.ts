import { AdapterRegistry, BUILTIN_ADAPTERS, type AdapterModule } from '@cloudguard/migrate-core';
import type { Config } from '@oclif/core';

import { registerPluginAdapters, type PluginAdapterProblem } from './plugin-adapters.js';

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

/**
 * The adapters a command can use: the first-party ones, then those of installed
 * plugins (the `cgmigrate:adapters` hook). `warn` hears about plugins whose hook failed.
 *
 * ### Examples
 * ```ts
 * const adapters = await cliAdapters(this.config, (line) => this.warn(line));
 * ```
 */
export async function cliAdapters(config: Config, warn: (message: string) => void): Promise<AdapterRegistry> {
  const registry = builtinAdapters();
  const problems: PluginAdapterProblem[] = await registerPluginAdapters(config, registry);
  for (const problem of problems) warn(`Plugin ${problem.plugin} provides no adapter: ${problem.message}`);
  return registry;
}

// The specifier is data rather than a literal so the CLI type-checks and builds without
// the adapters' declarations; a missing adapter package becomes ADAPTER_NOT_FOUND at run time.
function importAdapter(packageName: string): Promise<AdapterModule> {
  return import(packageName) as Promise<AdapterModule>;
}
