import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * `importMigrationSource` hands Node the text the runner already read. It must run in a
 * plain Node process (Vitest compiles `import()` itself), so each case runs the built
 * module in a child process and prints what the migration module exported.
 */
const BUILT = pathToFileURL(fileURLToPath(new URL('../../dist/script/migration-import.js', import.meta.url))).href;
const BUILT_FILE_CACHE = pathToFileURL(fileURLToPath(new URL('../../dist/runtime/script-file-cache.js', import.meta.url))).href;

let root: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-import-')));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/**
 * What importing `file` (with `source` as the text already read) exports, as JSON; in a
 * process that opted in to the module hook, as the CLI does, unless `optIn` is false.
 */
function importInNode(file: string, source: string, optIn = true): { value: unknown; url: string; helper?: unknown } {
  const script = `
    const { importMigrationSource, useModuleHooksForMigrations } = await import(${JSON.stringify(BUILT)});
    if (${optIn}) useModuleHooksForMigrations();
    const module = await importMigrationSource(${JSON.stringify(file)}, ${JSON.stringify(source)});
    process.stdout.write(JSON.stringify(module.default));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], { encoding: 'utf8' });
  return JSON.parse(stdout) as { value: unknown; url: string; helper?: unknown };
}

function project(type: 'module' | undefined): string {
  const versions = path.join(root, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(root, 'package.json'), JSON.stringify(type ? { name: 'p', type } : { name: 'p' }));
  writeFileSync(path.join(root, 'migrations', 'helper.ts'), "export const helper: string = 'from helper';\n");
  return versions;
}

const onDisk = (value: string): string =>
  `import { helper } from '../helper.ts';\nexport default { value: ${JSON.stringify(value)} as string, url: import.meta.url, helper };\n`;

describe('importMigrationSource', () => {
  it('compiles the text it is given in an ES module scope, with the URL and relative imports Node would give the file', () => {
    const file = path.join(project('module'), 'a.ts');
    writeFileSync(file, onDisk('read from disk'));
    const result = importInNode(file, onDisk('already read'));
    expect(result).toEqual({ value: 'already read', url: pathToFileURL(file).href, helper: 'from helper' });
  });

  it('installs no module hook in a program that did not opt in (a service using the API): Node reads the file itself', () => {
    const file = path.join(project('module'), 'a.ts');
    writeFileSync(file, onDisk('read from disk'));
    expect(importInNode(file, onDisk('already read'), false)).toEqual({ value: 'read from disk', url: pathToFileURL(file).href, helper: 'from helper' });
  });

  it('leaves a .ts file outside an ES module scope to Node, which reads it itself', () => {
    const file = path.join(project(undefined), 'a.ts');
    writeFileSync(file, onDisk('read from disk'));
    expect(importInNode(file, onDisk('already read')).value).toBe('read from disk');
  });

  it('leaves a symbolic link to Node, so the module keeps the URL of the file it points to', () => {
    const versions = project('module');
    mkdirSync(path.join(root, 'migrations', 'kept'));
    const target = path.join(root, 'migrations', 'kept', 'real.ts');
    writeFileSync(target, onDisk('read from disk'));
    const link = path.join(versions, 'a.ts');
    symlinkSync(target, link);
    const result = importInNode(link, onDisk('already read'));
    expect(result).toEqual({ value: 'read from disk', url: pathToFileURL(target).href, helper: 'from helper' });
  });

  it('through ScriptFileCache, a listed symbolic link still keeps the URL of its target', () => {
    const versions = project('module');
    mkdirSync(path.join(root, 'migrations', 'kept'));
    const target = path.join(root, 'migrations', 'kept', 'real.ts');
    writeFileSync(target, onDisk('linked'));
    symlinkSync(target, path.join(versions, 'b.ts'));
    writeFileSync(path.join(versions, 'a.ts'), onDisk('regular'));
    const script = `
      const { ScriptFileCache } = await import(${JSON.stringify(BUILT_FILE_CACHE)});
      const files = new ScriptFileCache();
      const names = files.io.readdir(${JSON.stringify(versions)}).sort();
      const modules = [];
      for (const name of names) modules.push((await files.io.importModule(${JSON.stringify(versions + path.sep)} + name)).default);
      process.stdout.write(JSON.stringify(modules));`;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(stdout)).toEqual([
      { value: 'regular', url: pathToFileURL(path.join(versions, 'a.ts')).href, helper: 'from helper' },
      { value: 'linked', url: pathToFileURL(target).href, helper: 'from helper' },
    ]);
  });

  it('takes an .mts file in any scope', () => {
    const file = path.join(project(undefined), 'a.mts');
    writeFileSync(file, onDisk('read from disk'));
    expect(importInNode(file, onDisk('already read')).value).toBe('already read');
  });

  it('gives each module the URL pathToFileURL gives its file, whether or not the folder or name needs escaping', () => {
    const plain = project('module');
    const escaped = path.join(root, 'migrations', 'old #2 100%', 'ünïcode ?');
    mkdirSync(escaped, { recursive: true });
    const files = [
      path.join(plain, '20240101_a1_create_users.ts'),
      path.join(plain, '20240102_b2_add-email.v2.ts'),
      path.join(plain, 'c3 with space #x.ts'),
      path.join(escaped, '20240103_d4_plain.ts'),
      path.join(escaped, '20240104_e5_plain.ts'),
    ];
    const exportUrl = 'export default { url: import.meta.url };\n';
    for (const file of files) writeFileSync(file, exportUrl);
    const script = `
      const { importMigrationSource, useModuleHooksForMigrations } = await import(${JSON.stringify(BUILT)});
      useModuleHooksForMigrations();
      const urls = [];
      for (const file of ${JSON.stringify(files)}) urls.push((await importMigrationSource(file, ${JSON.stringify(exportUrl)})).default.url);
      process.stdout.write(JSON.stringify(urls));`;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(stdout)).toEqual(files.map((file) => pathToFileURL(file).href));
  });
});
