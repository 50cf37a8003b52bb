import { type AdapterRegistration } from '@cloudguard/migrate-core';
import { CLI_ADAPTER_HOOK, type AdapterRegistry } from '@cloudguard/migrate-core/adapter';
import type { Config } from '@oclif/core';

/** What a plugin's `cgmigrate:adapters` hook may return: one registration, several, or nothing. */
export type AdapterHookResult = AdapterRegistration | readonly AdapterRegistration[] | undefined;

declare module '@oclif/core' {
  interface Hooks {
    /**
     * Asked by every command that may open a database: each installed plugin that
     * declares it in `oclif.hooks` answers with the adapters it provides. The hook
     * should only describe them; `load()` imports the adapter when a URL needs it.
     */
    'cgmigrate:adapters': { options: Record<string, never>; return: AdapterHookResult };
  }
}

/** A plugin's hook that failed or answered with something that is not a registration. */
export interface PluginAdapterProblem {
  readonly plugin: string;
  readonly message: string;
}

/**
 * Registers the adapters that installed oclif plugins provide by answering the
 * `cgmigrate:adapters` hook (see `docs/writing-an-adapter.md`), and returns the
 * problems of plugins whose hook failed or answered wrongly (those are skipped). A
 * registration only describes the adapter: nothing of it is imported until a URL of
 * one of its schemes is used.
 *
 * Adapters already in `registry` (the built-in ones) keep their schemes; a plugin's
 * adapter for the same scheme is still reachable by naming its package in the config
 * file's `adapter` key.
 *
 * ### Examples
 * ```ts
 * const problems = await registerPluginAdapters(this.config, builtinAdapters());
 * ```
 */
export async function registerPluginAdapters(config: Config, registry: AdapterRegistry): Promise<PluginAdapterProblem[]> {
  const { successes, failures } = await config.runHook(CLI_ADAPTER_HOOK, {});
  const problems: PluginAdapterProblem[] = failures.map(({ plugin, error }) => ({
    plugin: plugin.name,
    message: `its ${CLI_ADAPTER_HOOK} hook failed: ${error.message}`,
  }));
  const taken = new Set(registry.schemes);
  for (const { plugin, result } of successes) {
    if (result === undefined) continue;
    for (const registration of Array.isArray(result) ? result : [result]) {
      if (!isRegistration(registration)) {
        problems.push({
          plugin: plugin.name,
          message: `its ${CLI_ADAPTER_HOOK} hook answered with something that is not { schemes, packageName, load }`,
        });
        continue;
      }
      const free = registration.schemes.map((scheme) => scheme.toLowerCase()).filter((scheme) => !taken.has(scheme));
      registry.register({ ...registration, schemes: free });
      for (const scheme of free) taken.add(scheme);
    }
  }
  return problems;
}

function isRegistration(value: unknown): value is AdapterRegistration {
  const candidate = value as Partial<AdapterRegistration> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    Array.isArray(candidate.schemes) &&
    candidate.schemes.every((scheme) => typeof scheme === 'string') &&
    typeof candidate.packageName === 'string' &&
    typeof candidate.load === 'function'
  );
}
