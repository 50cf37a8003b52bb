import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Core used as a library (`upgradeDatabase` in a service) changes nothing process-wide
 * about Node's module system: no module hooks (`module.registerHooks`, `module.register`)
 * and no compile cache. It runs the built package in a plain Node process that counts
 * those calls, as a service would load it.
 */
const BUILT_CORE = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;
const BUILT_MEMORY_ADAPTER = pathToFileURL(fileURLToPath(new URL('../../dist/testing/memory-adapter.js', import.meta.url))).href;

let root: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-library-')));
  const versions = path.join(root, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'service', type: 'module' }));
  writeFileSync(path.join(root, 'migrations', 'names.ts'), "export const table: string = 'account';\n");
  // One migration that runs as a script, one that needs the module system (it imports a helper).
  writeFileSync(
    path.join(versions, '1_a1.ts'),
    "export default { revision: 'a1', downRevision: null, async up(op) { await op.execute('create table plain (id int)'); } };\n",
  );
  writeFileSync(
    path.join(versions, '2_b2.ts'),
    "import { table } from '../names.ts';\nexport default { revision: 'b2', downRevision: 'a1', async up(op) { await op.execute(`create table ${table} (id int)`); } };\n",
  );
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('core as a library', () => {
  it('upgrades without installing module hooks or turning on a compile cache', () => {
    const script = `
      import module from 'node:module';
      const calls = [];
      for (const name of ['registerHooks', 'register', 'enableCompileCache']) {
        const original = module[name];
        if (typeof original === 'function') module[name] = function (...args) { calls.push(name); return original.apply(this, args); };
      }
      const { upgradeDatabase } = await import(${JSON.stringify(BUILT_CORE)});
      const { createMemoryAdapter } = await import(${JSON.stringify(BUILT_MEMORY_ADAPTER)});
      const adapter = createMemoryAdapter();
      const result = await upgradeDatabase({ cwd: ${JSON.stringify(root)}, url: 'memory://service', adapter, config: { scriptLocation: 'migrations' } });
      process.stdout.write(JSON.stringify({ applied: result.steps.map((step) => step.revision), calls, compileCache: module.getCompileCacheDir?.() ?? null }));`;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_COMPILE_CACHE: '', CGMIGRATE_NO_CACHE: '' },
    });
    expect(JSON.parse(stdout)).toEqual({ applied: ['a1', 'b2'], calls: [], compileCache: null });
  });
});
