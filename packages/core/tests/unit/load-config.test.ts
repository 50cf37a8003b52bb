import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

const project = (files: Record<string, string>): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
};

describe('loadConfig', () => {
  it('defaults everything when there is no config file', async () => {
    const cwd = project({});
    const config = await loadConfig({ cwd, env: {} });
    expect(config).toMatchObject({
      url: 'sqlite:///cloudguard.db',
      urlSource: 'default',
      configPath: undefined,
      scriptLocation: path.join(cwd, 'migrations'),
      versionTable: { name: 'alembic_version' },
      auditTable: { name: 'cgmigrate_audit', schema: undefined },
      fileTemplate: '%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s',
      transactionPerMigration: false,
    });
  });

  it('takes the URL from the flag, then DATABASE_URL, then the file', async () => {
    const cwd = project({ 'cgmigrate.config.ts': `export default { url: 'sqlite:///file.db', versionTable: 'v' } satisfies object;` });
    expect(await loadConfig({ cwd, env: {} })).toMatchObject({ url: 'sqlite:///file.db', urlSource: 'config', versionTable: { name: 'v' } });
    expect(await loadConfig({ cwd, env: { DATABASE_URL: 'sqlite:///env.db' } })).toMatchObject({ url: 'sqlite:///env.db', urlSource: 'env' });
    expect(await loadConfig({ cwd, env: { DATABASE_URL: 'sqlite:///env.db' }, url: 'sqlite:///flag.db' })).toMatchObject({
      url: 'sqlite:///flag.db',
      urlSource: 'flag',
    });
  });

  it('reads JSON and resolves scriptLocation against the config file', async () => {
    const cwd = project({ 'cgmigrate.config.json': JSON.stringify({ scriptLocation: 'db/migrations' }) });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.scriptLocation).toBe(path.join(cwd, 'db/migrations'));
    expect(config.configPath).toBe(path.join(cwd, 'cgmigrate.config.json'));
  });

  it('names a missing --config file', async () => {
    const cwd = project({});
    await expect(loadConfig({ cwd, configPath: 'nope.ts', env: {} })).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
      path: path.join(cwd, 'nope.ts'),
    });
  });

  it('refuses unknown keys and wrong types, naming the file and key', async () => {
    const typo = project({ 'cgmigrate.config.json': JSON.stringify({ scriptLocaton: 'x' }) });
    await expect(loadConfig({ cwd: typo, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining("unknown key 'scriptLocaton'"),
    });
    const wrong = project({ 'cgmigrate.config.json': JSON.stringify({ transactionPerMigration: 'yes' }) });
    await expect(loadConfig({ cwd: wrong, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining("'transactionPerMigration' must be true or false"),
    });
  });

  it('takes shadowUrl (for verify) as a database URL, and refuses anything else without printing it', async () => {
    const shadow = project({ 'cgmigrate.config.json': JSON.stringify({ shadowUrl: 'postgresql://ci:pw@db/app_shadow' }) });
    expect((await loadConfig({ cwd: shadow, env: {} })).shadowUrl).toBe('postgresql://ci:pw@db/app_shadow');
    expect((await loadConfig({ cwd: project({}), env: {} })).shadowUrl).toBeUndefined();
    const wrong = project({ 'cgmigrate.config.json': JSON.stringify({ shadowUrl: 'app_shadow:pw' }) });
    const refused = loadConfig({ cwd: wrong, env: {} });
    await expect(refused).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining("'shadowUrl' must be a database URL") });
    await expect(refused).rejects.toMatchObject({ message: expect.not.stringContaining('pw') });
  });

  it('says which key is unknown and which are known, and which package an import could not find', async () => {
    const typo = project({ 'cgmigrate.config.json': JSON.stringify({ scriptLocaton: 'x' }) });
    await expect(loadConfig({ cwd: typo, env: {} })).rejects.toMatchObject({
      key: 'scriptLocaton',
      knownKeys: expect.arrayContaining(['url', 'scriptLocation', 'entities']),
      missingPackage: undefined,
    });
    const imports = project({ 'cgmigrate.config.ts': "import { defineConfig } from '@cloudguard/no-such-package';\nexport default defineConfig({});\n" });
    await expect(loadConfig({ cwd: imports, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      missingPackage: '@cloudguard/no-such-package',
      key: undefined,
    });
    // A missing relative file is not a package to install.
    const relative = project({ 'cgmigrate.config.ts': "import './nowhere.ts';\nexport default {};\n" });
    await expect(loadConfig({ cwd: relative, env: {} })).rejects.toMatchObject({ code: 'CONFIG_INVALID', missingPackage: undefined });
  });

  it('passes the autogenerate table filters through, and refuses a filter of the wrong kind', async () => {
    const cwd = project({ 'cgmigrate.config.json': JSON.stringify({ excludeTables: ['legacy_users'] }) });
    expect((await loadConfig({ cwd, env: {} })).schemaFilter).toEqual({
      includeTables: undefined,
      excludeTables: ['legacy_users'],
      includeObject: undefined,
    });
    const wrong = project({ 'cgmigrate.config.json': JSON.stringify({ includeTables: 'scans' }) });
    await expect(loadConfig({ cwd: wrong, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining("'includeTables' must be an array of table names"),
    });
  });

  it('passes expectedHeads through, and refuses an empty list, a repeated entry or a non-string', async () => {
    expect((await loadConfig({ cwd: project({}), env: {} })).expectedHeads).toBeUndefined();
    const cwd = project({ 'cgmigrate.config.json': JSON.stringify({ expectedHeads: ['core', 'ae10'] }) });
    expect((await loadConfig({ cwd, env: {} })).expectedHeads).toEqual(['core', 'ae10']);
    for (const bad of [[], ['core', 'core'], ['core', 3], 'core', [''], [' core']]) {
      const wrong = project({ 'cgmigrate.config.json': JSON.stringify({ expectedHeads: bad }) });
      await expect(loadConfig({ cwd: wrong, env: {} })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining(
          "'expectedHeads' must be a non-empty array of branch labels or revision ids, each once (e.g. ['core', 'reporting'])",
        ),
      });
    }
  });

  it('names the audit table from auditTable, in the version table schema, and refuses a bad name', async () => {
    const cwd = project({ 'cgmigrate.config.json': JSON.stringify({ auditTable: 'deploy_log', versionTableSchema: 'ops' }) });
    expect((await loadConfig({ cwd, env: {} })).auditTable).toEqual({ name: 'deploy_log', schema: 'ops' });
    for (const bad of ['', 42, 'x'.repeat(51)]) {
      const wrong = project({ 'cgmigrate.config.json': JSON.stringify({ auditTable: bad }) });
      await expect(loadConfig({ cwd: wrong, env: {} })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        path: path.join(wrong, 'cgmigrate.config.json'),
        message: expect.stringContaining("'auditTable' must be a non-empty table name of at most 50 bytes"),
      });
    }
  });

  it('reports a config file that fails to load', async () => {
    const cwd = project({ 'cgmigrate.config.mjs': 'export default {' });
    await expect(loadConfig({ cwd, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      path: path.join(cwd, 'cgmigrate.config.mjs'),
    });
  });
});
