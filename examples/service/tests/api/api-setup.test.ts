import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import sqlite from '@cloudguard/migrate-adapter-sqlite';
import { MigrationManager, registerAdapter, upgradeDatabase, type DialectAdapter } from '@cloudguard/migrate-core';
import { createMemoryAdapter } from '@cloudguard/migrate-core/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { tempProject, type TempProject } from '../support/projects.js';

const projects: TempProject[] = [];
const project = (files: Record<string, string> = {}): TempProject => {
  const made = tempProject(files);
  projects.push(made);
  return made;
};
afterEach(() => {
  for (const made of projects.splice(0)) made.cleanup();
});

/** The SQLite adapter, counting the connections it opens by purpose. */
function countingSqlite(): { adapter: DialectAdapter; opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    adapter: { ...sqlite, connect: (options) => (opened.push(options.purpose), sqlite.connect(options)) },
  };
}

describe('configuration, as the CLI resolves it', () => {
  it('finds cgmigrate.config.* in cwd, and lets DATABASE_URL, then the url option, win over its url', async () => {
    const app = project({ 'cgmigrate.config.json': JSON.stringify({ url: 'sqlite:///from-config.db' }) });
    const config = (options: ConstructorParameters<typeof MigrationManager>[0]) => new MigrationManager({ cwd: app.dir, ...options }).config();

    expect(await config({ env: {} })).toMatchObject({
      url: 'sqlite:///from-config.db',
      urlSource: 'config',
      configPath: path.join(app.dir, 'cgmigrate.config.json'),
      scriptLocation: path.join(app.dir, 'migrations'),
    });
    expect(await config({ env: { DATABASE_URL: 'sqlite:///from-env.db' } })).toMatchObject({ url: 'sqlite:///from-env.db', urlSource: 'env' });
    expect(await config({ env: { DATABASE_URL: 'sqlite:///from-env.db' }, url: 'sqlite:///from-option.db' })).toMatchObject({
      url: 'sqlite:///from-option.db',
      urlSource: 'flag',
    });

    await upgradeDatabase({ cwd: app.dir, env: {} });
    expect(existsSync(path.join(app.dir, 'from-config.db'))).toBe(true);
    expect(existsSync(path.join(app.dir, 'cloudguard.db'))).toBe(false);
  });

  it('defaults to sqlite:///cloudguard.db in cwd without a config file or DATABASE_URL', async () => {
    const app = project();
    expect(await new MigrationManager({ cwd: app.dir, env: {} }).config()).toMatchObject({
      url: 'sqlite:///cloudguard.db',
      urlSource: 'default',
      configPath: undefined,
    });
    expect((await upgradeDatabase({ cwd: app.dir, env: {} })).to).toEqual(['b7d9e4']);
    expect(existsSync(path.join(app.dir, 'cloudguard.db'))).toBe(true);
  });

  it('reads an explicit config file, or an inline config instead of any file', async () => {
    const app = project({ 'cgmigrate.config.json': JSON.stringify({ url: 'sqlite:///from-config.db' }) });
    mkdirSync(path.join(app.dir, 'conf'));
    app.write('conf/other.json', JSON.stringify({ url: 'sqlite:///other.db', scriptLocation: '../migrations', versionTable: 'svc_version' }));
    expect(await new MigrationManager({ cwd: app.dir, env: {}, config: 'conf/other.json' }).config()).toMatchObject({
      url: 'sqlite:///other.db',
      configPath: path.join(app.dir, 'conf/other.json'),
      scriptLocation: path.join(app.dir, 'migrations'),
      versionTable: { name: 'svc_version' },
    });
    expect(await new MigrationManager({ cwd: app.dir, env: {}, config: { url: 'sqlite:///inline.db' } }).config()).toMatchObject({
      url: 'sqlite:///inline.db',
      urlSource: 'config',
      configPath: undefined,
    });
  });

  it('refuses a missing config file and an unknown key, with typed errors', async () => {
    const app = project();
    await expect(upgradeDatabase({ cwd: app.dir, env: {}, config: 'nope.json' })).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
      path: path.join(app.dir, 'nope.json'),
    });
    await expect(upgradeDatabase({ cwd: app.dir, env: {}, config: { scriptLocaton: 'x' } as object })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining("unknown key 'scriptLocaton'"),
    });
    expect(existsSync(path.join(app.dir, 'cloudguard.db'))).toBe(false);
  });
});

describe('adapters', () => {
  it('uses an adapter given in the options over the one of the URL scheme', async () => {
    const app = project();
    const { adapter, opened } = countingSqlite();
    await upgradeDatabase({ cwd: app.dir, env: {}, adapter });
    expect(opened).toEqual(['migrate']);
  });

  it('keeps one connection for the calls of a MigrationManager, closes it idempotently, and reopens after close', async () => {
    const app = project();
    const { adapter, opened } = countingSqlite();
    const manager = new MigrationManager({ cwd: app.dir, env: {}, adapter });
    expect(await manager.hasPendingMigrations()).toBe(true); // read-only, before any change: a light connection
    await manager.upgrade();
    await manager.current();
    await manager.history();
    await manager.check();
    await manager.downgrade('-1');
    expect(opened).toEqual(['inspect', 'migrate']);
    await manager.close();
    await manager.close();
    expect((await manager.current()).revisions.map((rev) => rev.id)).toEqual(['a1f3c2']);
    expect(opened).toEqual(['inspect', 'migrate', 'inspect']);
    await manager.close();
  });

  it('runs calls made at once one after another', async () => {
    const app = project();
    await using manager = new MigrationManager({ cwd: app.dir, env: {} });
    const [up, pending] = await Promise.all([manager.upgrade(), manager.pendingRevisions()]);
    expect(up.to).toEqual(['b7d9e4']);
    expect(pending).toEqual([]);
  });

  it('serves a third-party scheme registered with registerAdapter, until it is unregistered', async () => {
    const app = project();
    const memory = createMemoryAdapter();
    const unregister = registerAdapter(memory);
    try {
      expect((await upgradeDatabase({ cwd: app.dir, url: 'memory://svc' })).to).toEqual(['b7d9e4']);
      expect(memory.database('memory://svc').versions).toEqual(['b7d9e4']);
    } finally {
      unregister();
    }
    await expect(upgradeDatabase({ cwd: app.dir, url: 'memory://svc' })).rejects.toMatchObject({
      code: 'ADAPTER_NOT_FOUND',
      scheme: 'memory',
      packageName: undefined,
    });
  });

  it("imports a package named by the config's adapter key from the project, and names a missing one", async () => {
    const app = project({ 'cgmigrate.config.json': JSON.stringify({ adapter: '@cloudguard/migrate-adapter-sqlite' }) });
    expect((await upgradeDatabase({ cwd: app.dir, env: {} })).to).toEqual(['b7d9e4']);
    const missing = project({ 'cgmigrate.config.json': JSON.stringify({ adapter: '@acme/cgmigrate-adapter-nope' }) });
    await expect(upgradeDatabase({ cwd: missing.dir, env: {} })).rejects.toMatchObject({
      code: 'ADAPTER_NOT_FOUND',
      scheme: 'sqlite',
      packageName: '@acme/cgmigrate-adapter-nope',
    });
  });
});

const CORE_DIR = fileURLToPath(new URL('../../../../packages/core', import.meta.url));
const SQLITE_ADAPTER_DIR = fileURLToPath(new URL('../../../../packages/adapter-sqlite', import.meta.url));

/**
 * Core installed in a node_modules the service cannot see into, and the other way round
 * (a global CLI, pnpm's isolated layout): the built-in adapter must be found from the
 * project (`cwd`), and its absence reported with the package to install.
 */
describe('core installed apart from the project', () => {
  const run = (root: string, app: string) => {
    const script = `
      import { upgradeDatabase } from '@cloudguard/migrate-core';
      try {
        const result = await upgradeDatabase({ cwd: ${JSON.stringify(app)}, env: {} });
        console.log(JSON.stringify({ to: result.to }));
      } catch (error) {
        console.log(JSON.stringify({ code: error.code, packageName: error.packageName, message: error.message }));
      }`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as Record<string, unknown>;
  };

  it('reports ADAPTER_NOT_FOUND with the package to install, then finds it once the project has it', () => {
    const home = project();
    const root = path.join(home.dir, 'elsewhere');
    const core = path.join(root, 'node_modules', '@cloudguard', 'migrate-core');
    mkdirSync(core, { recursive: true });
    cpSync(path.join(CORE_DIR, 'package.json'), path.join(core, 'package.json'));
    cpSync(path.join(CORE_DIR, 'dist'), path.join(core, 'dist'), { recursive: true });
    writeFileSync(path.join(root, 'package.json'), '{ "type": "module" }');
    const app = path.join(home.dir, 'app');
    cpSync(path.join(home.dir, 'migrations'), path.join(app, 'migrations'), { recursive: true });

    expect(run(root, app)).toEqual({
      code: 'ADAPTER_NOT_FOUND',
      packageName: '@cloudguard/migrate-adapter-sqlite',
      message: "No database adapter for 'sqlite' (looked for the package @cloudguard/migrate-adapter-sqlite)",
    });
    expect(existsSync(path.join(app, 'cloudguard.db'))).toBe(false);

    mkdirSync(path.join(app, 'node_modules', '@cloudguard'), { recursive: true });
    symlinkSync(SQLITE_ADAPTER_DIR, path.join(app, 'node_modules', '@cloudguard', 'migrate-adapter-sqlite'), 'dir');
    expect(run(root, app)).toEqual({ to: ['b7d9e4'] });
    expect(existsSync(path.join(app, 'cloudguard.db'))).toBe(true);
  });
});
