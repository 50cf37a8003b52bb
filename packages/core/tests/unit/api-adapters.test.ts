import { describe, expect, it } from 'vitest';

import { AdapterRegistry, adapterOf, builtinAdapterRegistry } from '../../src/adapter/adapter-registry.js';
import { progressListener } from '../../src/api/progress.js';
import { registerAdapter, registeredAdapters } from '../../src/api/register-adapter.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';

describe('AdapterRegistry.forConfig', () => {
  const memory = createMemoryAdapter();

  it('prefers the config adapter object, then a registration by package name, then the URL scheme', async () => {
    const other = createMemoryAdapter({ name: 'other' });
    const registry = new AdapterRegistry().add(memory).register({ schemes: [], packageName: '@acme/other', load: async () => other });
    expect(await registry.forConfig({ url: 'memory://x', cwd: '/' })).toBe(memory);
    expect(await registry.forConfig({ url: 'memory://x', cwd: '/', adapter: other })).toBe(other);
    expect(await registry.forConfig({ url: 'memory://x', cwd: '/', adapter: '@acme/other' })).toBe(other);
  });

  it('names the package it could not import', async () => {
    await expect(new AdapterRegistry().forConfig({ url: 'mysql://db/x', cwd: '/', adapter: '@acme/not-installed' })).rejects.toMatchObject({
      code: 'ADAPTER_NOT_FOUND',
      scheme: 'mysql',
      packageName: '@acme/not-installed',
    });
  });

  it('refuses an adapter of another contract version', async () => {
    const old = { ...memory, apiVersion: 0 } as unknown as typeof memory;
    await expect(new AdapterRegistry().forConfig({ url: 'memory://x', cwd: '/', adapter: old })).rejects.toMatchObject({
      code: 'ADAPTER_INCOMPATIBLE',
      apiVersion: 0,
      supported: 1,
    });
  });

  it('knows the built-in packages by scheme without importing them', () => {
    expect(builtinAdapterRegistry(['/nowhere']).schemes).toEqual(['sqlite', 'postgresql', 'postgres']);
    expect(builtinAdapterRegistry(['/nowhere']).registrationFor('postgres')?.packageName).toBe('@cloudguard/migrate-adapter-postgres');
  });

  it('lets registrations already present win over those it falls back to', async () => {
    const first = createMemoryAdapter({ name: 'first' });
    const second = createMemoryAdapter({ name: 'second' });
    const registry = new AdapterRegistry().add(first).fallBackTo(new AdapterRegistry().add(second));
    expect((await registry.forUrl('memory://x')).name).toBe('first');
  });
});

describe('adapterOf', () => {
  it('takes the module, its default export or its adapter export', () => {
    const memory = createMemoryAdapter();
    expect(adapterOf(memory, 'x')).toBe(memory);
    expect(adapterOf({ default: memory }, 'x')).toBe(memory);
    expect(adapterOf({ adapter: memory }, 'x')).toBe(memory);
    expect(() => adapterOf({ default: 42 }, '@acme/x')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('@acme/x') }));
  });
});

describe('registerAdapter', () => {
  it('registers process-wide by scheme and unregisters only its own registration', async () => {
    const first = createMemoryAdapter({ name: 'first' });
    const second = createMemoryAdapter({ name: 'second' });
    const removeFirst = registerAdapter(first);
    const removeSecond = registerAdapter(second);
    removeFirst();
    expect((await registeredAdapters().forUrl('memory://x')).name).toBe('second');
    removeSecond();
    expect(registeredAdapters().schemes).not.toContain('memory');
  });
});

describe('progressListener', () => {
  it('is absent when nobody listens, and gives a logger one line per event', () => {
    expect(progressListener(undefined, undefined)).toBeUndefined();
    const lines: string[] = [];
    const listen = progressListener(undefined, { info: (m) => lines.push(`I ${m}`), warn: (m) => lines.push(`W ${m}`) })!;
    const step = { direction: 'upgrade', revision: 'a1', from: [], to: ['a1'], message: 'Init', transactional: true, path: undefined } as const;
    listen({ type: 'step-start', step });
    listen({ type: 'step-end', step, durationMs: 3 });
    listen({ type: 'warning', code: 'MIGRATION_EDITED', message: 'edited' });
    expect(lines).toEqual(['I Running upgrade  -> a1, Init', 'W edited']);
  });
});
