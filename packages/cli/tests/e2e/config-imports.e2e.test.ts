import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, tempProject, TRACE_HOOK, versionRows, type RunResult } from './cli.js';

const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
const PACKAGES = fileURLToPath(new URL('../../../', import.meta.url));

const PACKAGE_JSON = JSON.stringify({ name: 'shop', private: true, type: 'module' });

/** `cgmigrate.config.ts` as the docs write it: plain, with core's `defineConfig`, with an adapter factory. */
const CONFIGS = {
  plain: `export default { url: 'sqlite:///shop.db', scriptLocation: 'migrations' };\n`,
  defineConfig: [
    `import { defineConfig } from '@cloudguard/migrate-core';`,
    ``,
    `export default defineConfig({ url: 'sqlite:///shop.db', scriptLocation: 'migrations' });`,
    ``,
  ].join('\n'),
  sqliteAdapter: [
    `import { defineConfig } from '@cloudguard/migrate-core';`,
    `import { sqliteAdapter } from '@cloudguard/migrate-adapter-sqlite';`,
    ``,
    `export default defineConfig({ url: 'sqlite:///shop.db', scriptLocation: 'migrations', adapter: sqliteAdapter({ busyTimeoutMs: 10_000 }) });`,
    ``,
  ].join('\n'),
} as const;
type ConfigName = keyof typeof CONFIGS;

function migration(id: string, down: string | null): string {
  return [
    `import type { Migration } from '@cloudguard/migrate-core';`,
    ``,
    `export default {`,
    `  revision: '${id}',`,
    `  downRevision: ${down === null ? 'null' : `'${down}'`},`,
    `  branchLabels: null,`,
    `  dependsOn: null,`,
    `  message: 'Create t_${id}',`,
    `  async up(op) {`,
    `    await op.execute('CREATE TABLE t_${id} (id INTEGER PRIMARY KEY)');`,
    `    if (process.env.CGM_FAIL === '${id}') await op.execute('INSERT INTO no_such_table VALUES (1)');`,
    `  },`,
    `  async down(op) {`,
    `    await op.execute('DROP TABLE t_${id}');`,
    `  },`,
    `} satisfies Migration;`,
    ``,
  ].join('\n');
}

/** A project with the three configs and two migrations, a1 and b2; its packages are `nodeModules`. */
function writeProject(dir: string, nodeModules: string): void {
  writeFileSync(path.join(dir, 'package.json'), PACKAGE_JSON);
  symlinkSync(nodeModules, path.join(dir, 'node_modules'), 'dir');
  for (const [name, source] of Object.entries(CONFIGS)) writeFileSync(path.join(dir, `${name}.config.ts`), source);
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  writeFileSync(path.join(dir, 'migrations', 'versions', 'a1.ts'), migration('a1', null));
  writeFileSync(path.join(dir, 'migrations', 'versions', 'b2.ts'), migration('b2', 'a1'));
}

/** Runs the CLI with the import tracer; returns the run and the files it loaded, each once (a chunk of the bundle as one). */
async function traced(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<{ run: RunResult; files: string[] }> {
  const traceFile = path.join(cwd, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const run = await cgmigrate(args, { cwd, env: { ...env, CGMIGRATE_TRACE_FILE: traceFile }, nodeArgs: ['--import', TRACE_HOOK] });
  const files = new Set(readFileSync(traceFile, 'utf8').split('\n').filter((url) => url.startsWith('file:')));
  rmSync(traceFile);
  return { run, files: [...files] };
}

/** Files of core or an adapter loaded from the package, not from the fast entry's bundle. */
const unbundledCgmigrate = (files: readonly string[]) => files.filter((url) => /\/(packages\/(core|adapter-[\w-]+)|@cloudguard\/migrate-[\w-]+)\/dist\//.test(url));
const heavy = (files: readonly string[]) => files.filter((url) => /\/node_modules\/(@mikro-orm|kysely)\//.test(url));

describe('a config that imports core or an adapter factory', () => {
  const project = tempProject();
  const cwd = project.dir;

  beforeAll(async () => {
    writeProject(cwd, REPO_NODE_MODULES);
    const up = await cgmigrate(['upgrade', 'head', '-c', 'plain.config.ts'], { cwd });
    expect(up.code, up.stderr).toBe(0);
  });
  afterAll(() => project.cleanup());

  it('adds a handful of modules to a no-op upgrade, and loads neither a second core nor MikroORM or Kysely file by file', async () => {
    const loaded = {} as Record<ConfigName, string[]>;
    for (const name of Object.keys(CONFIGS) as ConfigName[]) {
      const { run, files } = await traced(['upgrade', 'head', '-c', `${name}.config.ts`], cwd);
      expect({ code: run.code, stderr: run.stderr }, name).toEqual({ code: 0, stderr: 'Nothing to do: the database is already at b2.\n' });
      loaded[name] = files;
    }
    const plain = new Set(loaded.plain);
    for (const name of ['defineConfig', 'sqliteAdapter'] as const) {
      const added = loaded[name].filter((url) => !plain.has(url));
      expect(added.length, `${name} adds ${added.join(', ')}`).toBeLessThanOrEqual(10);
      expect(heavy(loaded[name]), name).toEqual([]);
      expect(unbundledCgmigrate(loaded[name]), name).toEqual(unbundledCgmigrate(loaded.plain));
    }
  });

  it("runs the config's adapter as the built-in one: a failing migration is reported alike", async () => {
    const failing = async (name: ConfigName) => {
      rmSync(path.join(cwd, 'fail.db'), { force: true });
      const run = await cgmigrate(['upgrade', 'head', '-c', `${name}.config.ts`, '--url', 'sqlite:///fail.db'], { cwd, env: { CGM_FAIL: 'b2' } });
      return { code: run.code, stdout: run.stdout, stderr: run.stderr.replace(/\b\d+(\.\d+)? m?s\b/g, '<duration>'), versions: versionRows(path.join(cwd, 'fail.db')) };
    };
    const plain = await failing('plain');
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toContain('Running upgrade a1 -> b2, Create t_b2');
    expect(plain.stderr).toContain('no such table: no_such_table');
    expect(await failing('sqliteAdapter')).toEqual(plain);
  });
});

/**
 * A project of its own with core, the adapter kit and the SQLite adapter installed in its `node_modules` as
 * copies (not the CLI's files) of `version`, everything else the repository's.
 */
function projectWithOwnCopies(version: string): { dir: string; cleanup: () => void } {
  const project = tempProject();
  const nodeModules = path.join(project.dir, 'packages');
  mkdirSync(path.join(nodeModules, '@cloudguard'), { recursive: true });
  for (const name of readdirSync(REPO_NODE_MODULES)) {
    if (name !== '@cloudguard' && name !== '.bin') symlinkSync(path.join(REPO_NODE_MODULES, name), path.join(nodeModules, name), 'dir');
  }
  for (const [folder, name] of [['core', 'migrate-core'], ['adapter-kit', 'migrate-adapter-kit'], ['adapter-sqlite', 'migrate-adapter-sqlite']] as const) {
    const copy = path.join(nodeModules, '@cloudguard', name);
    cpSync(path.join(PACKAGES, folder, 'dist'), path.join(copy, 'dist'), { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(PACKAGES, folder, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ ...manifest, version }));
  }
  writeProject(project.dir, nodeModules);
  return project;
}

const copiesLoaded = (files: readonly string[]) => files.filter((url) => url.includes('/packages/@cloudguard/'));

describe('a config that imports core and the adapter from copies of its own', () => {
  const cliVersion = (JSON.parse(readFileSync(path.join(PACKAGES, 'core', 'package.json'), 'utf8')) as { version: string }).version;
  const same = projectWithOwnCopies(cliVersion);
  const other = projectWithOwnCopies('0.0.0-other');
  const reference = tempProject();
  beforeAll(() => writeProject(reference.dir, REPO_NODE_MODULES));
  afterAll(() => {
    for (const project of [same, other, reference]) project.cleanup();
  });

  it("of the CLI's version gets the CLI's own modules (a global install and a project's packages)", async () => {
    const { run, files } = await traced(['upgrade', 'head', '-c', 'sqliteAdapter.config.ts'], same.dir);
    expect(run.code, run.stderr).toBe(0);
    expect(versionRows(path.join(same.dir, 'shop.db'))).toEqual(['b2']);
    expect(copiesLoaded(files)).toEqual([]);
    expect(heavy(files)).toEqual([]);
  });

  it('of another version loads them from the project, and their adapter and errors work with the CLI', async () => {
    const { run, files } = await traced(['upgrade', 'head', '-c', 'sqliteAdapter.config.ts'], other.dir);
    expect(run.code, run.stderr).toBe(0);
    expect(versionRows(path.join(other.dir, 'shop.db'))).toEqual(['b2']);
    const copies = copiesLoaded(files);
    expect(copies.some((url) => url.endsWith('/migrate-core/dist/index.js'))).toBe(true);
    expect(copies.some((url) => url.endsWith('/migrate-adapter-sqlite/dist/index.js'))).toBe(true);
    // An error the other core's adapter raises is told by its brand: the same report as the CLI's own adapter gives.
    const args = ['upgrade', 'head', '-c', 'sqliteAdapter.config.ts', '--url', 'sqlite:///no-such-folder/shop.db'];
    const viaCopy = await cgmigrate(args, { cwd: other.dir });
    const viaOwn = await cgmigrate(args, { cwd: reference.dir });
    expect(viaCopy.stderr).toMatch(/^Error \[DATABASE_ERROR\]: /);
    expect({ code: viaCopy.code, stderr: viaCopy.stderr.replaceAll(other.dir, '<project>') }).toEqual({
      code: viaOwn.code,
      stderr: viaOwn.stderr.replaceAll(reference.dir, '<project>'),
    });
  });
});
