import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_DIR, HeaderIndex, isFileStamp, type FileStamp } from '../../src/script/header-index.js';
import { DEFAULT_REVISION_TEMPLATE, renderRevisionTemplate } from '../../src/script/revision-template.js';
import { openHeaderIndex, ScriptDirectory, type ScriptDirectoryIo } from '../../src/script/script-directory.js';

let location: string;
let versions: string;
let reads: string[];

/** Reads through the real file system, recording every migration file read. */
const io: ScriptDirectoryIo = {
  readdir: (dir) => readdirSync(dir),
  readFile: (file) => {
    reads.push(path.basename(file));
    return readFileSync(file, 'utf8');
  },
  importModule: (file) => import(pathToFileURL(file).href),
  openHeaderIndex: (dir) => HeaderIndex.open(dir),
};

function writeRevision(name: string, revision: string, down: string | null, message = `Revision ${revision}`): void {
  const source = renderRevisionTemplate(DEFAULT_REVISION_TEMPLATE, {
    revision,
    downRevisions: down === null ? [] : [down],
    branchLabels: [],
    dependsOn: [],
    message,
    createDate: new Date('2024-01-01T00:00:00Z'),
  });
  writeFileSync(path.join(versions, name), source);
}

const indexFile = (): string => path.join(location, CACHE_DIR, 'headers.json');

/** As if the index had been written well after the files: none of them is racily clean. */
function ageFilesBeforeIndex(): void {
  const later = new Date(Date.now() + 10_000);
  utimesSync(indexFile(), later, later);
}

beforeEach(() => {
  location = mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-header-index-'));
  versions = path.join(location, 'versions');
  mkdirSync(versions);
  writeRevision('a.ts', 'aaaa01', null);
  writeRevision('b.ts', 'bbbb02', 'aaaa01');
  writeRevision('c.ts', 'cccc03', 'bbbb02');
  reads = [];
});

afterEach(() => {
  rmSync(location, { recursive: true, force: true });
});

describe('HeaderIndex through ScriptDirectory.load', () => {
  it('reads every file once, then only stats them while they are unchanged', async () => {
    const first = await ScriptDirectory.load(location, io);
    expect(reads.sort()).toEqual(['a.ts', 'b.ts', 'c.ts']);
    ageFilesBeforeIndex();

    reads = [];
    const second = await ScriptDirectory.load(location, io);
    expect(reads).toEqual([]);
    expect(second.map.heads).toEqual(first.map.heads);
    expect([...second.map].map((r) => [r.id, r.downRevisions, r.message, r.path])).toEqual(
      [...first.map].map((r) => [r.id, r.downRevisions, r.message, r.path]),
    );
  });

  it('keeps the header of a migration class, whose message is its name, like any other', async () => {
    const source = "import { Migration } from '@mikro-orm/migrations';\nexport class Migration20241116000004 extends Migration {\n  static revision = 'dddd04';\n  static downRevision = 'cccc03';\n}\n";
    writeFileSync(path.join(versions, 'd.ts'), source);
    await ScriptDirectory.load(location, io);
    ageFilesBeforeIndex();

    reads = [];
    const scripts = await ScriptDirectory.load(location, io);
    expect(reads).toEqual([]);
    expect(scripts.map.get('dddd04')).toMatchObject({ downRevisions: ['cccc03'], message: 'Migration20241116000004' });
  });

  it('caches no header of a migration class it cannot read, and reports it on every run', async () => {
    writeFileSync(path.join(versions, 'd.ts'), "export class Migration4 extends Migration {\n  static revision = 'dddd04';\n}\n");
    await expect(ScriptDirectory.load(location, io)).rejects.toMatchObject({ code: 'MALFORMED_MIGRATION', migrationClass: 'Migration4' });
    reads = [];
    await expect(ScriptDirectory.load(location, io)).rejects.toMatchObject({ code: 'MALFORMED_MIGRATION' });
    expect(reads).toContain('d.ts');
  });

  it('reads an edited file again and sees its new header', async () => {
    await ScriptDirectory.load(location, io);
    ageFilesBeforeIndex();
    writeRevision('c.ts', 'cccc03', 'aaaa01', 'Now a branch from a');
    // The edit lands after the index was written.
    const evenLater = new Date(Date.now() + 20_000);
    utimesSync(path.join(versions, 'c.ts'), evenLater, evenLater);

    reads = [];
    const scripts = await ScriptDirectory.load(location, io);
    expect(reads).toEqual(['c.ts']);
    expect(scripts.map.get('cccc03').downRevisions).toEqual(['aaaa01']);
    expect(scripts.map.get('cccc03').message).toBe('Now a branch from a');
    expect(scripts.map.heads).toEqual(['bbbb02', 'cccc03']);
  });

  it('does not trust a file whose times are not older than the index (racily clean, as in git)', async () => {
    await ScriptDirectory.load(location, io);
    // The index written in the same clock tick as the files: all of them could have changed unseen.
    const now = new Date();
    for (const name of ['a.ts', 'b.ts', 'c.ts']) utimesSync(path.join(versions, name), now, now);
    utimesSync(indexFile(), now, now);

    reads = [];
    await ScriptDirectory.load(location, io);
    expect(reads.sort()).toEqual(['a.ts', 'b.ts', 'c.ts']);
  });

  it('forgets a deleted file and picks up a new one', async () => {
    await ScriptDirectory.load(location, io);
    ageFilesBeforeIndex();
    rmSync(path.join(versions, 'c.ts'));
    writeRevision('d.ts', 'dddd04', 'bbbb02');

    reads = [];
    const scripts = await ScriptDirectory.load(location, io);
    expect(reads).toEqual(['d.ts']);
    expect(scripts.map.has('cccc03')).toBe(false);
    expect(scripts.map.heads).toEqual(['dddd04']);
    expect((JSON.parse(readFileSync(indexFile(), 'utf8')) as { files: [string][] }).files.map(([name]) => name)).toEqual([
      'a.ts',
      'b.ts',
      'd.ts',
    ]);
  });

  it('ignores an index it cannot parse, and replaces it', async () => {
    mkdirSync(path.join(location, CACHE_DIR));
    writeFileSync(indexFile(), '{"format": 3, "files": [["a.ts", 1, 2');
    const scripts = await ScriptDirectory.load(location, io);
    expect(reads.sort()).toEqual(['a.ts', 'b.ts', 'c.ts']);
    expect(scripts.map.heads).toEqual(['cccc03']);
    expect(() => JSON.parse(readFileSync(indexFile(), 'utf8')) as unknown).not.toThrow();
  });

  it('ignores entries that lie about a stamp no file has', async () => {
    await ScriptDirectory.load(location, io);
    ageFilesBeforeIndex();
    const document = JSON.parse(readFileSync(indexFile(), 'utf8')) as { files: unknown[][] };
    document.files.find(([name]) => name === 'b.ts')![3] = 1; // size
    writeFileSync(indexFile(), JSON.stringify(document));
    ageFilesBeforeIndex();

    reads = [];
    await ScriptDirectory.load(location, io);
    expect(reads).toEqual(['b.ts']);
  });

  it('finds entries looked up out of file-name order, and writes them back sorted', async () => {
    await ScriptDirectory.load(location, io);
    ageFilesBeforeIndex();
    const index = HeaderIndex.open(location);
    const found = ['c.ts', 'a.ts', 'b.ts'].map((name) => index.lookup(name, path.join(versions, name)));
    expect(found.map((header) => (isFileStamp(header) ? 'stamp' : header.revision))).toEqual(['cccc03', 'aaaa01', 'bbbb02']);

    writeRevision('0.ts', 'zzzz00', null);
    const stamp = index.lookup('0.ts', path.join(versions, '0.ts'));
    expect(isFileStamp(stamp)).toBe(true);
    index.remember('0.ts', stamp as FileStamp, {
      revision: 'zzzz00',
      downRevision: null,
      branchLabels: undefined,
      dependsOn: undefined,
      message: undefined,
    });
    index.save();
    const names = (JSON.parse(readFileSync(indexFile(), 'utf8')) as { files: [string][] }).files.map(([name]) => name);
    expect(names).toEqual(['0.ts', 'a.ts', 'b.ts', 'c.ts']);
  });

  it('keeps the cache out of git with its own .gitignore', async () => {
    await ScriptDirectory.load(location, io);
    expect(readFileSync(path.join(location, CACHE_DIR, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
  });

  it('is not written when the index cannot be created (a file where its folder should be)', async () => {
    writeFileSync(path.join(location, CACHE_DIR), 'not a folder');
    const scripts = await ScriptDirectory.load(location, io);
    expect(scripts.map.heads).toEqual(['cccc03']);
    expect(readFileSync(path.join(location, CACHE_DIR), 'utf8')).toBe('not a folder');
  });

  it('ignores an index of the right format but the wrong shape, as it ignores an unreadable one', async () => {
    mkdirSync(path.join(location, CACHE_DIR));
    for (const document of [
      { format: 3, files: [null] },
      { format: 3, files: [['a.ts', 1, 2, 3, 4]] },
      { format: 3, files: [['a.ts', 1, 2, 3, 4, { revision: 'x' }, null, null, null, null]] },
      { format: 3, files: [[7, 1, 2, 3, 4, 'aaaa01', null, null, null, null]] },
    ]) {
      writeFileSync(indexFile(), JSON.stringify(document));
      ageFilesBeforeIndex();
      reads = [];
      const scripts = await ScriptDirectory.load(location, io);
      expect(scripts.map.heads).toEqual(['cccc03']);
      expect(reads.sort()).toEqual(['a.ts', 'b.ts', 'c.ts']);
    }
  });

  it('does not follow a symbolic link where its .gitignore is: the link is replaced, its target left alone', async () => {
    const target = path.join(location, 'precious.txt');
    writeFileSync(target, 'do not overwrite\n');
    mkdirSync(path.join(location, CACHE_DIR));
    symlinkSync(target, path.join(location, CACHE_DIR, '.gitignore'));
    await ScriptDirectory.load(location, io);
    expect(readFileSync(target, 'utf8')).toBe('do not overwrite\n');
    expect(lstatSync(path.join(location, CACHE_DIR, '.gitignore')).isFile()).toBe(true);
  });

  it('neither reads nor writes through a symbolic link where its folder or its index is', async () => {
    const elsewhere = path.join(location, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(location, CACHE_DIR));
    await ScriptDirectory.load(location, io);
    expect(readdirSync(elsewhere)).toEqual([]);

    rmSync(path.join(location, CACHE_DIR));
    await ScriptDirectory.load(location, io);
    // A link in place of the index: its target is never written, and never read as the index.
    const planted = path.join(elsewhere, 'planted.json');
    writeFileSync(planted, readFileSync(indexFile()));
    rmSync(indexFile());
    symlinkSync(planted, indexFile());
    const before = readFileSync(planted, 'utf8');
    writeRevision('d.ts', 'dddd04', 'cccc03');
    reads = [];
    await ScriptDirectory.load(location, io);
    expect(reads.sort()).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
    expect(readFileSync(planted, 'utf8')).toBe(before);
    expect(lstatSync(indexFile()).isFile()).toBe(true);
  });

  it('is switched off by CGMIGRATE_NO_CACHE', () => {
    const saved = process.env['CGMIGRATE_NO_CACHE'];
    try {
      process.env['CGMIGRATE_NO_CACHE'] = '1';
      expect(openHeaderIndex(location)).toBeUndefined();
      process.env['CGMIGRATE_NO_CACHE'] = '';
      expect(openHeaderIndex(location)).toBeInstanceOf(HeaderIndex);
    } finally {
      if (saved === undefined) delete process.env['CGMIGRATE_NO_CACHE'];
      else process.env['CGMIGRATE_NO_CACHE'] = saved;
    }
  });
});
