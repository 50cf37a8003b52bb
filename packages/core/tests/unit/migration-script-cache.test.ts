import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import module from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_REVISION_TEMPLATE, renderRevisionTemplate } from '../../src/script/revision-template.js';
import { eraseTemplateTypes } from '../../src/script/template-types.js';

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
 * as after a command of `use` that ran every file. Warnings are not silenced: the test
 * sees stderr.
 */
function loadAll(use: 'upgrade' | 'downgrade' = 'upgrade', env: NodeJS.ProcessEnv = process.env): Loaded {
  const script = `
    const { ScriptFileCache } = await import(${JSON.stringify(BUILT_FILE_CACHE)});
    const files = new ScriptFileCache({ compiledScripts: ${JSON.stringify(cacheDir)} });
    const results = {};
    const ran = [];
    for (const name of files.io.readdir(${JSON.stringify(versions)}).sort()) {
      ran.push(${JSON.stringify(versions + path.sep)} + name);
      try {
        const exported = (await files.io.importModule(${JSON.stringify(versions + path.sep)} + name)).default;
        results[name] = typeof exported?.describe === 'function' ? await exported.describe() : exported;
      } catch (error) {
        results[name] = { error: String(error.message).split('\\n')[0] };
      }
    }
    files.saveCompiledScripts(${JSON.stringify(use)}, ran);
    process.stdout.write(JSON.stringify(results));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`the child process failed: ${result.stderr}`);
  return { results: JSON.parse(result.stdout) as Record<string, unknown>, stderr: result.stderr };
}

function write(name: string, text: string): string {
  const file = path.join(versions, name);
  writeFileSync(file, text);
  return file;
}

/** The folder's one cache file. */
function cacheFile(): string {
  const folder = path.join(cacheDir, 'cgmigrate-scripts');
  const names = readdirSync(folder);
  expect(names).toHaveLength(1);
  return path.join(folder, names[0]!);
}

interface CacheEntry {
  readonly file: string;
  readonly textSha256: string;
  readonly cacheSha256: string;
  readonly cacheBytes: number;
  readonly uses: string[];
}

/** The cache file's entries (file, the SHA-256 of the script text, after which commands), as the cache wrote them; none without a cache file. */
function cacheEntries(): CacheEntry[] {
  const folder = path.join(cacheDir, 'cgmigrate-scripts');
  if (!existsSync(folder) || readdirSync(folder).length === 0) return [];
  const bytes = readFileSync(cacheFile());
  const magicEnd = bytes.indexOf('\n') + 1;
  const length = bytes.readUInt32LE(magicEnd);
  return (JSON.parse(bytes.subarray(magicEnd + 4, magicEnd + 4 + length).toString('utf8')) as { entries: CacheEntry[] }).entries;
}

/** When the cache file was last replaced (its inode changes with every rename into place). */
function cacheIdentity(): string {
  const stats = statSync(cacheFile());
  return `${stats.ino}:${stats.mtimeMs}`;
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
    expect(cacheEntries()).toEqual([expect.objectContaining({ file, uses: ['upgrade'] })]);
    const written = cacheIdentity();
    const second = loadAll();
    expect(second.results).toEqual({ 'a1.ts': expected });
    // Everything came from the cache, up to date: nothing to write.
    expect(cacheIdentity()).toBe(written);
    // Stripping types in-process warns that the API is experimental; the user never asked for it.
    expect(first.stderr + second.stderr).toBe('');
  });

  it('imports a migration that uses the module system, and keeps nothing of it', () => {
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
    expect(cacheEntries().map((entry) => entry.file)).not.toEqual(expect.arrayContaining([file, named, declared]));
    expect(loadAll().results).toEqual(expected);
  });

  it("runs a migration's top-level code once per process, however often it is imported", () => {
    const file = write('a1.ts', "globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;\nexport default { revision: 'a1' };\n");
    const script = `
      const { ScriptFileCache } = await import(${JSON.stringify(BUILT_FILE_CACHE)});
      const files = new ScriptFileCache({ compiledScripts: ${JSON.stringify(cacheDir)} });
      files.io.readdir(${JSON.stringify(versions)});
      const first = await files.io.importModule(${JSON.stringify(file)});
      const again = await files.io.importModule(${JSON.stringify(file)});
      files.saveCompiledScripts('upgrade');
      // A second run in the same process (a service that upgrades, then downgrades) has a cache of its own.
      const next = new ScriptFileCache({ compiledScripts: ${JSON.stringify(cacheDir)} });
      next.io.readdir(${JSON.stringify(versions)});
      const later = await next.io.importModule(${JSON.stringify(file)});
      process.stdout.write(JSON.stringify({ evaluations: globalThis.evaluations, same: first.default === again.default && first.default === later.default }));`;
    const stdout = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).stdout;
    expect(JSON.parse(stdout)).toEqual({ evaluations: 1, same: true });
    expect(cacheEntries()).toEqual([expect.objectContaining({ file })]);
  });

  it('runs the new text of a migration edited since the cache was written', () => {
    write('a1.ts', "export default { describe: () => 'first' };\n");
    expect(loadAll().results).toEqual({ 'a1.ts': 'first' });
    write('a1.ts', "export default { describe: () => 'edited' };\n");
    expect(loadAll().results).toEqual({ 'a1.ts': 'edited' });
    expect(loadAll().results).toEqual({ 'a1.ts': 'edited' });
  });

  it('ignores a cache file that is cut short or altered, and writes a good one', () => {
    // other() does not run in the first process, so V8's code cache lacks it and compiles it from the text.
    write('a1.ts', "export default { describe() { return process.env['CALL_OTHER'] ? this.other() : 'fine'; }, other() { return 'okay'; } };\n");
    loadAll();
    const good = readFileSync(cacheFile());
    writeFileSync(cacheFile(), good.subarray(0, 40));
    expect(loadAll().results).toEqual({ 'a1.ts': 'fine' });
    expect(cacheEntries()).toEqual([expect.objectContaining({ uses: ['upgrade'] })]);
    // The same length, one byte of V8's code cache changed (V8 would take it): its digest no longer matches.
    const altered = Buffer.from(readFileSync(cacheFile()));
    altered[altered.length - 8]! ^= 0x01;
    writeFileSync(cacheFile(), altered);
    const written = cacheIdentity();
    process.env['CALL_OTHER'] = '1';
    try {
      expect(loadAll().results).toEqual({ 'a1.ts': 'okay' });
    } finally {
      delete process.env['CALL_OTHER'];
    }
    expect(cacheIdentity()).not.toBe(written);
  });

  it('records which commands ran each script, and drops the files that are gone', () => {
    const a1 = write('a1.ts', "export default { describe: () => 'a1' };\n");
    const b2 = write('b2.ts', "export default { describe: () => 'b2' };\n");
    loadAll('upgrade');
    loadAll('downgrade');
    expect(cacheEntries()).toEqual([
      expect.objectContaining({ file: a1, uses: ['upgrade', 'downgrade'] }),
      expect.objectContaining({ file: b2, uses: ['upgrade', 'downgrade'] }),
    ]);
    const written = cacheIdentity();
    loadAll('upgrade');
    expect(cacheIdentity()).toBe(written);
    unlinkSync(b2);
    expect(loadAll('upgrade').results).toEqual({ 'a1.ts': 'a1' });
    expect(cacheEntries().map((entry) => entry.file)).toEqual([a1]);
  });

  it('reports a migration that does not compile as import() does', () => {
    // An .mjs file is not stripped of types, so the script compiler is the first to see the mistake.
    const file = write('a1.mjs', 'export default { describe() { return 1 +; } };\n');
    const viaImport = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `try { await import(${JSON.stringify(pathToFileURL(file).href)}); } catch (error) { process.stdout.write(error.message); }`],
      { encoding: 'utf8' },
    ).stdout;
    expect(viaImport).not.toBe('');
    expect(loadAll().results).toEqual({ 'a1.mjs': { error: viaImport.split('\n')[0] } });
    expect(cacheEntries().map((entry) => entry.file)).not.toContain(file);
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

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The cache file of the versions folder, as the cache names it. */
function cacheFileName(): string {
  return path.join(cacheDir, 'cgmigrate-scripts', `${sha256(versions).slice(0, 32)}.bin`);
}

const FROM_THE_FILE = "export default { describe: () => 'from the file' };\n";

describe('positions in stack traces', () => {
  it("are the file's own, on the export default line too, as import() gives them", () => {
    const failing = (line: string) =>
      `${line}{ describe() { const o = undefined; try { o.x; } catch (error) { return String(error.stack).split('\\n').find((frame) => frame.includes('versions')); } } };\n`;
    write('a1.ts', `const pad: number = 0;\n${failing('export default ')}`);
    write('b2.ts', `const pad: number = 0;\n${failing('export  default\t')}`);
    const column = failing('export default ').indexOf('o.x') + 3; // 1-based, at the property read
    const frames = (results: Record<string, unknown>) => Object.values(results).map((frame) => String(frame).replace(/^.*versions\//, ''));

    const compiled = loadAll().results;
    const fromCache = loadAll().results;
    const imported = loadAll('upgrade', { ...process.env, CGMIGRATE_NO_CACHE: '1' }).results;

    expect(frames(imported)).toEqual([`a1.ts:2:${column})`, `b2.ts:2:${column + 1})`]);
    expect(frames(compiled)).toEqual(frames(imported));
    expect(frames(fromCache)).toEqual(frames(imported));
    expect(cacheEntries()).toHaveLength(2); // they did run as scripts
  });
});

describe('what runs is the file read in this run', () => {
  it('never runs a text the cache holds, even one recorded under the file\'s own checksum (a forged format-3 entry)', () => {
    const file = write('a1.ts', FROM_THE_FILE);
    const marker = path.join(root, 'payload-ran');
    // Format 3 kept each script's text and trusted it when the recorded checksum was the file's SHA-256.
    const EXPORTS = '__cgmigrate_exports__';
    const PREFIX = `(async function (${EXPORTS}) {"use strict";\n`;
    const SUFFIX = '\n})';
    const DEFAULT_EXPORT = /^([ \t]*)export[ \t]+default\b(?!\s*(?:function\b|class\b|async\s+function\b))/m;
    const magic = `cgmigrate-scripts 3 ${sha256([PREFIX, SUFFIX, EXPORTS, DEFAULT_EXPORT.source, /\bexport\b/g.source, /\bimport\b/.source].join('\0')).slice(0, 16)}\n`;
    const payload = Buffer.from(
      `${PREFIX}process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n${EXPORTS}.default = { describe: () => 'from the cache' };${SUFFIX}`,
    );
    const header = Buffer.from(
      JSON.stringify({
        entries: [{ file, checksum: sha256(readFileSync(file)), script: true, textBytes: payload.length, cacheBytes: 0, uses: [], sha256: sha256(payload) }],
      }),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    mkdirSync(path.dirname(cacheFileName()), { recursive: true, mode: 0o700 });
    writeFileSync(cacheFileName(), Buffer.concat([Buffer.from(magic), length, header, payload]), { mode: 0o600 });

    expect(loadAll().results).toEqual({ 'a1.ts': 'from the file' });
    expect(existsSync(marker)).toBe(false);
    // The forged file is replaced by V8's code cache of the file's own text.
    expect(readFileSync(cacheFileName()).includes('from the cache')).toBe(false);
    expect(cacheEntries()).toEqual([expect.objectContaining({ file, uses: ['upgrade'] })]);
  });

  it('creates its folders 0700 and its files 0600, whatever the umask', () => {
    write('a1.ts', FROM_THE_FILE);
    const umask = process.umask(0);
    try {
      loadAll();
    } finally {
      process.umask(umask);
    }
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(cacheDir, 'cgmigrate-scripts')).mode & 0o777).toBe(0o700);
    expect(statSync(cacheFileName()).mode & 0o777).toBe(0o600);
  });

  it('does not use a folder other users can write, another user owns, or that is a symbolic link', () => {
    write('a1.ts', FROM_THE_FILE);
    const folder = path.join(cacheDir, 'cgmigrate-scripts');
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o777);
    expect(loadAll().results).toEqual({ 'a1.ts': 'from the file' });
    expect(readdirSync(folder)).toEqual([]);

    chmodSync(folder, 0o700);
    chmodSync(cacheDir, 0o775);
    expect(loadAll().results).toEqual({ 'a1.ts': 'from the file' });
    expect(readdirSync(folder)).toEqual([]);
    chmodSync(cacheDir, 0o700);

    if (process.getuid?.() === 0) {
      spawnSync('chown', ['65534', folder]);
      expect(loadAll().results).toEqual({ 'a1.ts': 'from the file' });
      expect(readdirSync(folder)).toEqual([]);
    }

    rmSync(folder, { recursive: true });
    const elsewhere = path.join(root, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, folder);
    expect(loadAll().results).toEqual({ 'a1.ts': 'from the file' });
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('neither reads nor writes a cache file through a symbolic link', () => {
    write('a1.ts', FROM_THE_FILE);
    mkdirSync(path.dirname(cacheFileName()), { recursive: true, mode: 0o700 });
    const target = path.join(root, 'target.bin');
    writeFileSync(target, 'not a cache file');
    symlinkSync(target, cacheFileName());
    expect(loadAll().results).toEqual({ 'a1.ts': 'from the file' });
    expect(readFileSync(target, 'utf8')).toBe('not a cache file');
    expect(cacheEntries()).toEqual([expect.objectContaining({ uses: ['upgrade'] })]);
  });

  it('keeps nothing at all with CGMIGRATE_NO_CACHE=1', () => {
    write('a1.ts', FROM_THE_FILE);
    expect(loadAll('upgrade', { ...process.env, CGMIGRATE_NO_CACHE: '1' }).results).toEqual({ 'a1.ts': 'from the file' });
    expect(existsSync(cacheDir)).toBe(false);
  });
});

describe('eraseTemplateTypes', () => {
  const rendered = (upgrades: string): string =>
    renderRevisionTemplate(DEFAULT_REVISION_TEMPLATE, {
      revision: 'ae1027a6acf',
      downRevisions: ['1975ea83b712'],
      branchLabels: [],
      dependsOn: [],
      message: 'Add a column',
      createDate: new Date('2024-01-01T00:00:00Z'),
      upgrades,
    });

  it("gives exactly what Node's type stripper gives for a migration the revision template wrote", () => {
    const stripQuietly = (source: string) => {
      const emitWarning = process.emitWarning;
      process.emitWarning = () => {};
      try {
        return module.stripTypeScriptTypes(source);
      } finally {
        process.emitWarning = emitWarning;
      }
    };
    for (const body of [
      "    await op.execute('alter table account add column email text');",
      "    await op.execute(`update account set n = n + 1 where id >= ${'$'}{1}`);\n    // a comment: satisfies nothing",
      '    // nothing yet',
    ]) {
      const source = rendered(body);
      expect(eraseTemplateTypes(source)).toBe(stripQuietly(source));
    }
  });

  it('leaves a file with a < to Node (type arguments read as comparisons otherwise), and one with nothing to erase', () => {
    expect(eraseTemplateTypes(rendered("    await op.execute('delete from t where n < 3');"))).toBeUndefined();
    expect(eraseTemplateTypes(FROM_THE_FILE)).toBeUndefined();
  });

  it('runs a template-shaped migration with TypeScript of its own through Node\'s stripper', () => {
    write(
      'a1.ts',
      "import type { Migration } from '@cloudguard/migrate-core';\nconst label: string = 'annotated';\nexport default { describe: () => label } satisfies Migration;\n",
    );
    expect(loadAll().results).toEqual({ 'a1.ts': 'annotated' });
    expect(loadAll().results).toEqual({ 'a1.ts': 'annotated' });
  });
});
