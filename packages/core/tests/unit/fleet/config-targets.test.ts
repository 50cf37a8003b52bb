import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { MigrateConfig } from '../../../src/config/define-config.js';
import { loadConfig } from '../../../src/config/load-config.js';

let cwd: string;

beforeEach(() => {
  cwd = realpathSync(mkdtempSync(path.join(tmpdir(), 'cgmigrate-config-targets-')));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const EXPECTED =
  "a targets file, a URL or glob ('sqlite:///tenants/*.db', 'postgresql://db/app#tenant_*'), a list of URLs or { url, schema?, name? } objects, { query, controlUrl }, or a function returning a list";

describe('the targets of the config', () => {
  it.each([
    ['a targets file', 'targets.txt'],
    ['a glob', 'sqlite:///tenants/*.db'],
    ['a list', ['postgresql://db/a', { url: 'postgresql://db/b', schema: 't1', name: 'b' }]],
    ['a query', { query: 'SELECT url FROM tenants', controlUrl: 'sqlite:///control.db' }],
  ])('may be %s', async (_, targets) => {
    const config = await loadConfig({ cwd, env: {}, inline: { targets: targets as MigrateConfig['targets'] } });
    expect(config.targets).toEqual(targets);
  });

  it('may be a function, kept as it is', async () => {
    const targets = async () => ['postgresql://db/a'];
    expect((await loadConfig({ cwd, env: {}, inline: { targets } })).targets).toBe(targets);
  });

  it('are absent unless configured', async () => {
    expect((await loadConfig({ cwd, env: {} })).targets).toBeUndefined();
  });

  it.each([
    ['a number', 42, EXPECTED],
    ['true', true, EXPECTED],
    ['an empty string', '  ', EXPECTED],
    ['a list holding a number', ['postgresql://db/a', 7], `${EXPECTED} (entry 1 is neither)`],
    ['a list holding an object without url', [{ name: 'a' }], `${EXPECTED} (entry 0 is neither)`],
    ['a query without controlUrl', { query: 'SELECT url FROM tenants' }, `${EXPECTED} (an object needs query and controlUrl strings)`],
  ])('are refused as %s with CONFIG_INVALID', async (_, targets, expected) => {
    await expect(loadConfig({ cwd, env: {}, inline: { targets: targets as unknown as MigrateConfig['targets'] } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(`'targets' must be ${expected}`),
    });
  });

  it('are refused in a config file too, which the error names', async () => {
    writeFileSync(path.join(cwd, 'cgmigrate.config.json'), JSON.stringify({ targets: 3 }));
    await expect(loadConfig({ cwd, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      path: path.join(cwd, 'cgmigrate.config.json'),
      message: expect.stringContaining(`'targets' must be ${EXPECTED}`),
    });
  });
});
