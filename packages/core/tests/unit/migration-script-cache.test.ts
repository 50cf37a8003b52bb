import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Migrations that need nothing of the module system run as scripts, from a code cache
 * kept per folder (`MigrationScriptCache`, through `ScriptFileCache`). Like the import
 * tests, each case runs the built modules in a plain Node process (Vitest compiles
 * modules itself), here twice: once compiling the migrations and writing the cache,
 * once from the cache. Both must give what `import()` gives.
 */
const BUILT_FILE_CACHE = pathToFileURL(fileURLToPath(new URL('../../dist/runtime/script-file-cache.js', import.meta.url))).href;

let root: string;
let versions: string;
let cacheDir: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-scripts-')));
  versions = path.join(root, 'migrations', 'versions');
  cacheDir = path.join(root, 'cache');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'p', type: 'module' }));
  writeFileSync(path.join(root, 'migrations', 'helper.ts'), "export const helper: string = 'from helper';\n");
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

interface Loaded {
  /** Per file: its default export's `describe()`, or the error importing it gave. */
  readonly results: Record<string, unknown>;
  readonly stderr: string;
}

/**
 * Lists the folder, imports each file through a `ScriptFileCache` kept in `cacheDir`,
 * calls the default export's `describe()` (awaited) when it has one, and saves the cache
 * as after an upgrade. Warnings are not silenced: the test sees stderr.
 */
function loadAll(): Loaded {
  const script = `
    const { ScriptFileCache } = await import(${JSON.stringify(BUILT_FILE_CACHE)});
    const files = new ScriptFileCache({ compiledScripts: ${JSON.stringify(cacheDir)} });
    const results = {};
    for (const name of files.io.readdir(${JSON.stringify(versions)}).sort()) {
      try {
        const exported = (await files.io.importModule(${JSON.stringify(versions + path.sep)} + name)).default;
        results[name] = typeof exported?.describe === 'function' ? await exported.describe() : exported;
      } catch (error) {
        results[name] = { error: String(error.message).split('\\n')[0] };
      }
    }
    files.saveCompiledScripts('upgrade');
    process.stdout.write(JSON.stringify(results));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the child process failed: ${result.stderr}`);
  return { results: JSON.parse(result.stdout) as Record<string, unknown>, stderr: result.stderr };
}

function write(name: string, text: string): string {
  const file = path.join(versions, name);
  writeFileSync(file, text);
  return file;
}

/** The cache file's entries (file, whether it runs as a script), as the cache wrote them. */
function cacheEntries(): { file: string; script: boolean; uses: string[] }[] {
  const folder = path.join(cacheDir, 'cgmigrate-scripts');
  const [name] = readdirSync(folder);
  const bytes = readFileSync(path.join(folder, name!));
  const magicEnd = bytes.indexOf('\n') + 1;
  const length = bytes.readUInt32LE(magicEnd);
  return JSON.parse(bytes.subarray(magicEnd + 4, magicEnd + 4 + length).toString('utf8')) as { file: string; script: boolean; uses: string[] }[];
}

const TEMPLATE_SHAPED = `/**
 * Create table t
 *
 * Revision ID: a1
 */
import type { Migration } from '@cloudguard/migrate-core';

const started: number = await Promise.resolve(7);

export default {
  revision: 'a1',
  async describe() {
    let strict = false;
    try {
      // @ts-expect-error: assigning to an undeclared name throws in strict mode only
      undeclared = 1;
    } catch {
      strict = true;
    }
    const stack = new Error('here').stack ?? '';
    return { started, strict, topLevelThis: typeof topLevelThis, stackLine: /:(\\d+):\\d+/.exec(stack.split('\\n')[1] ?? '')?.[1] };
  },
} satisfies Partial<Migration> & { describe(): Promise<unknown> };

const topLevelThis = this;
`;

describe('migrations run as scripts', () => {
  it('gives a template-shaped TypeScript migration the semantics of a module, compiled and then from the cache', () => {
    const file = write('a1.ts', TEMPLATE_SHAPED);
    const expected = { started: 7, strict: true, topLevelThis: 'undefined', stackLine: '20' };
    const first = loadAll();
    expect(first.results).toEqual({ 'a1.ts': expected });
    expect(cacheEntries()).toEqual([expect.objectContaining({ file, script: true, uses: ['upgrade'] })]);
    const second = loadAll();
    expect(second.results).toEqual({ 'a1.ts': expected });
    // Stripping types in-process warns that the API is experimental; the user never asked for it.
    expect(first.stderr + second.stderr).toBe('');
  });

  it('imports a migration that uses the module system, and remembers to', () => {
    const file = write(
      'b2.ts',
      "import { helper } from '../helper.ts';\nexport default { describe: () => ({ helper, url: import.meta.url }) };\n",
    );
    const named = write('c3.ts', "export const extra = 1;\nexport default { describe: () => 'named exports too' };\n");
    const declared = write('d4.ts', "export default class { static describe() { return 'a class declaration'; } }\n");
    const expected = {
      'b2.ts': { helper: 'from helper', url: pathToFileURL(file).href },
      'c3.ts': 'named exports too',
      'd4.ts': 'a class declaration',
    };
    expect(loadAll().results).toEqual(expected);
    expect(cacheEntries().map((entry) => [entry.file, entry.script])).toEqual(
      expect.arrayContaining([
        [file, false],
        [named, false],
        [declared, false],
      ]),
    );
    expect(loadAll().results).toEqual(expected);
  });

  it("runs a migration's top-level code once per process, however often it is imported", () => {
    const file = write('a1.ts', "globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;\nexport default { revision: 'a1' };\n");
    const script = `
      const { ScriptFileCache } = await import(${JSON.stringify(BUILT_FILE_CACHE)});
      const files = new ScriptFileCache({ compiledScripts: ${JSON.stringify(cacheDir)} });
      files.io.readdir(${JSON.stringify(versions)});
      const first = await files.io.importModule(${JSON.stringify(file)});
      const second = await files.io.importModule(${JSON.stringify(file)});
      process.stdout.write(JSON.stringify({ evaluations: globalThis.evaluations, same: first.default === second.default }));`;
    const stdout = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).stdout;
    expect(JSON.parse(stdout)).toEqual({ evaluations: 1, same: true });
  });

  it('runs the new text of a migration edited since the cache was written', () => {
    write('a1.ts', "export default { describe: () => 'first' };\n");
    expect(loadAll().results).toEqual({ 'a1.ts': 'first' });
    write('a1.ts', "export default { describe: () => 'edited' };\n");
    expect(loadAll().results).toEqual({ 'a1.ts': 'edited' });
    expect(loadAll().results).toEqual({ 'a1.ts': 'edited' });
  });

  it('ignores a damaged cache file and writes a good one', () => {
    write('a1.ts', "export default { describe: () => 'fine' };\n");
    loadAll();
    const folder = path.join(cacheDir, 'cgmigrate-scripts');
    const cacheFile = path.join(folder, readdirSync(folder)[0]!);
    writeFileSync(cacheFile, readFileSync(cacheFile).subarray(0, 40));
    expect(loadAll().results).toEqual({ 'a1.ts': 'fine' });
    expect(cacheEntries()).toEqual([expect.objectContaining({ script: true })]);
  });

  it('reports a migration that does not compile as import() does', () => {
    write('a1.ts', 'export default { describe() { return ; } ;\n');
    const [viaScriptCache] = Object.values(loadAll().results) as { error: string }[];
    expect(viaScriptCache?.error).toMatch(/SyntaxError|Unexpected|Expected/);
  });

  it('leaves the cache valid when several runners write it at once', async () => {
    for (let index = 0; index < 30; index++) write(`m${String(index).padStart(2, '0')}.ts`, `export default { describe: () => ${index} };\n`);
    const runners = Array.from({ length: 4 }, () => {
      const script = `
        const { ScriptFileCache } = await import(${JSON.stringify(BUILT_FILE_CACHE)});
        const files = new ScriptFileCache({ compiledScripts: ${JSON.stringify(cacheDir)} });
        for (const name of files.io.readdir(${JSON.stringify(versions)})) await files.io.importModule(${JSON.stringify(versions + path.sep)} + name);
        files.saveCompiledScripts('upgrade');`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
      return new Promise<number | null>((resolve) => child.on('exit', resolve));
    });
    expect(await Promise.all(runners)).toEqual([0, 0, 0, 0]);
    expect(cacheEntries()).toHaveLength(30);
    const { results } = loadAll();
    expect(Object.values(results)).toEqual(Array.from({ length: 30 }, (_, index) => index));
    expect(readdirSync(path.join(cacheDir, 'cgmigrate-scripts'))).toHaveLength(1);
  });
});
