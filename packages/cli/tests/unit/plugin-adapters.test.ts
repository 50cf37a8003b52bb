import { type AdapterRegistration } from '@cloudguard/migrate-core';
import { AdapterRegistry } from '@cloudguard/migrate-core/adapter';
import { createMemoryAdapter } from '@cloudguard/migrate-core/testing';
import type { Config } from '@oclif/core';
import { describe, expect, it } from 'vitest';

import { builtinAdapters } from '../../src/adapters.js';
import { registerPluginAdapters } from '../../src/plugin-adapters.js';

/** A Config whose runHook answers as the given plugins' hooks would. */
function configWith(answers: { plugin: string; result?: unknown; error?: Error }[]): Config {
  return {
    runHook: async (event: string) => {
      expect(event).toBe('cgmigrate:adapters');
      return {
        successes: answers.filter((a) => !a.error).map((a) => ({ plugin: { name: a.plugin }, result: a.result })),
        failures: answers.filter((a) => a.error).map((a) => ({ plugin: { name: a.plugin }, error: a.error })),
      };
    },
  } as unknown as Config;
}

describe('registerPluginAdapters', () => {
  const memory = createMemoryAdapter();
  const mariadb: AdapterRegistration = { schemes: ['mysql', 'mariadb'], packageName: '@acme/mariadb', load: async () => memory };

  it("registers each plugin's adapters by scheme and by package name, loading nothing yet", async () => {
    let loads = 0;
    const lazy = { ...mariadb, load: async () => (loads++, memory) };
    const registry = builtinAdapters();
    expect(await registerPluginAdapters(configWith([{ plugin: 'acme', result: [lazy] }, { plugin: 'quiet' }]), registry)).toEqual([]);
    expect(registry.schemes).toEqual(['sqlite', 'postgresql', 'postgres', 'mysql', 'mariadb']);
    expect(loads).toBe(0);
    expect(await registry.forUrl('mariadb://db/x')).toBe(memory);
    expect(await registry.forConfig({ url: 'sqlite:///x.db', cwd: '/', adapter: '@acme/mariadb' })).toBe(memory);
  });

  it('keeps the built-in adapters of a scheme a plugin also claims', async () => {
    const registry = builtinAdapters();
    await registerPluginAdapters(configWith([{ plugin: 'rogue', result: { ...mariadb, schemes: ['sqlite', 'acme'] } }]), registry);
    expect(registry.registrationFor('sqlite')?.packageName).toBe('@cloudguard/migrate-adapter-sqlite');
    expect(registry.registrationFor('acme')?.packageName).toBe('@acme/mariadb');
  });

  it('skips a plugin whose hook failed or answered wrongly, and says which', async () => {
    const registry = new AdapterRegistry();
    const problems = await registerPluginAdapters(
      configWith([
        { plugin: 'broken', error: new Error('boom') },
        { plugin: 'odd', result: { schemes: 'mysql' } },
      ]),
      registry,
    );
    expect(problems).toEqual([
      { plugin: 'broken', message: 'its cgmigrate:adapters hook failed: boom' },
      { plugin: 'odd', message: 'its cgmigrate:adapters hook answered with something that is not { schemes, packageName, load }' },
    ]);
    expect(registry.schemes).toEqual([]);
  });
});
