import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../src/config/load-config.js';
import type { MigrateConfig } from '../../src/config/define-config.js';
import { ConfigInvalidError } from '../../src/errors.js';

const failure = async (promise: Promise<unknown>): Promise<ConfigInvalidError> => {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigInvalidError);
  return error as ConfigInvalidError;
};

const vault = (): never => {
  throw new Error('vault unreachable');
};

describe('config values are read once, inside a try', () => {
  it('a getter that throws in an inline config or in overrides is CONFIG_INVALID naming the key', async () => {
    const inline = await failure(loadConfig({ inline: { get url() { return vault(); } } as MigrateConfig }));
    expect(inline.message).toBe("Invalid configuration: reading 'url' threw: vault unreachable");
    const overrides = await failure(loadConfig({ cwd: tmpdir(), env: {}, overrides: { lockRetry: { get backoffMs() { return vault(); } } } }));
    expect(overrides.problem).toBe("reading 'lockRetry.backoffMs' threw: vault unreachable");
  });

  it('validateConfig names a throwing getter instead of letting it escape', () => {
    const config = { get versionTable() { return vault(); } } as MigrateConfig;
    expect(() => validateConfig(config, '/app/cgmigrate.config.ts')).toThrow(
      "Invalid configuration in /app/cgmigrate.config.ts: reading 'versionTable' threw: vault unreachable",
    );
  });

  it('every getter runs once, so validation and use see the same value', async () => {
    let reads = 0;
    const config = await loadConfig({
      cwd: tmpdir(),
      env: {},
      inline: {
        get versionTable() {
          reads += 1;
          return reads === 1 ? 'versions_a' : 42;
        },
      } as unknown as MigrateConfig,
    });
    expect(config.versionTable.name).toBe('versions_a');
    expect(reads).toBe(1);
  });

  it('keeps adapter objects and entities as they are', async () => {
    const adapter = { name: 'x', connect: async () => ({}) };
    const entity = { name: 'E' };
    const config = await loadConfig({ cwd: tmpdir(), env: {}, inline: { adapter: adapter as never, entities: [entity] } });
    expect(config.adapter).toBe(adapter);
    expect(config.entities[0]).toBe(entity);
  });

  it('a config that contains itself is named, not a stack overflow', async () => {
    const lockRetry: Record<string, unknown> = {};
    lockRetry['self'] = lockRetry;
    const error = await failure(loadConfig({ cwd: tmpdir(), env: {}, inline: { lockRetry } as MigrateConfig }));
    expect(error.problem).toBe("copying 'lockRetry.self' threw: it contains itself");
  });

  it('a config file exporting a promise or a function gets what it resolves to; a rejection is named', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-config-'));
    const file = path.join(dir, 'cgmigrate.config.mjs');
    writeFileSync(file, "export default Promise.reject(new Error('vault unreachable'));\n");
    const error = await failure(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(`Invalid configuration in ${file}: its default export, a promise, rejected: vault unreachable`);
  });
});
