import v8 from 'node:v8';

import { AdapterRegistry, BUILTIN_ADAPTERS, type AdapterModule } from '@cloudguard/migrate-core/adapter';
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

/**
 * The first-party adapter packages, each imported by a literal specifier: the CLI depends
 * on them, and the fast entry's bundle (`scripts/bundle-fast-entry.ts`) takes them in
 * as lazy chunks of its own.
 */
const BUILTIN_LOADERS: Readonly<Record<string, () => Promise<AdapterModule>>> = {
  '@cloudguard/migrate-adapter-sqlite': () => import('@cloudguard/migrate-adapter-sqlite'),
  '@cloudguard/migrate-adapter-postgres': () => {
    keepParserOnBaselineTier();
    return import('@cloudguard/migrate-adapter-postgres');
  },
};

/**
 * libpg-query, the PostgreSQL parser the lint reads SQL with, is WebAssembly whose grammar
 * is one huge function. Once it has parsed a few statements, V8's tiering compiles that
 * function again with its optimizing compiler in background threads: more than 500 MB of
 * memory for a few hundred milliseconds (docs/benchmarks/fleet.md), for a parser that reads
 * a few statements per migration. A tiering budget no lint reaches keeps it on the baseline
 * compiler. The CLI owns its process, so it sets the flag, once the PostgreSQL adapter is
 * needed and before the parser is compiled (setting it at start-up would slow every other
 * command); core and the adapters, which run inside services, never touch V8's flags.
 */
function keepParserOnBaselineTier(): void {
  v8.setFlagsFromString('--wasm-tiering-budget=2000000000');
}

// A first-party adapter core lists but the CLI does not know yet is imported by name; a missing
// package then becomes ADAPTER_NOT_FOUND at run time.
function importAdapter(packageName: string): Promise<AdapterModule> {
  const load = BUILTIN_LOADERS[packageName];
  return load ? load() : (import(packageName) as Promise<AdapterModule>);
}
