import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { StatementFactReader } from '../../src/adapter/statement-fact-cache.js';
import { MAX_FACT_CACHE_BYTES, StatementFactStore } from '../../src/lint/statement-fact-store.js';
import { FACT_CACHE_DIR, factCacheFile } from '../../src/script/private-cache.js';
import { MemoryFactCache } from '../../src/testing/index.js';

/**
 * The statement linters' facts cache (`StatementFactStore`): one file per script
 * location under a private cache folder, read once and written once per command, never
 * trusted beyond its owner and its shape. Each "run" here is a new store on the same
 * folder, as each `cgmigrate` process makes one.
 */

/** Facts of a made-up reader: the statement's words, restored only when they are a list of strings. */
interface Words {
  readonly words: readonly string[];
}
const reader: StatementFactReader<Words> = {
  dialect: 'test',
  version: '1',
  restore: (value) => {
    const words = (value as { words?: unknown } | null)?.words;
    return Array.isArray(words) && words.every((word) => typeof word === 'string') ? { words } : undefined;
  },
};
const read = (text: string): Words => ({ words: text.split(' ') });

let root: string;
let cacheDir: string;
let scripts: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-facts-')));
  chmodSync(root, 0o700);
  cacheDir = path.join(root, 'cache');
  scripts = path.join(root, 'project', 'migrations');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** One command's use of the store: the facts of `texts`, which of them were parsed, and the store saved. */
function run(texts: readonly string[], options: { reader?: StatementFactReader<Words>; save?: boolean } = {}): { facts: Words[]; parsed: string[] } {
  const store = StatementFactStore.forScriptLocation(scripts, cacheDir)!;
  const parsed: string[] = [];
  const facts = texts.map((text) =>
    store.facts(options.reader ?? reader, text, () => {
      parsed.push(text);
      return read(text);
    }),
  );
  if (options.save !== false) store.save();
  return { facts, parsed };
}

const file = (): string => factCacheFile(scripts, cacheDir);

describe('the statement facts cache', () => {
  it('parses each statement once: a later run gets the same facts from the file', () => {
    const texts = ['DROP TABLE scans', 'CREATE INDEX ix ON scans (host)', 'DROP TABLE scans'];
    const cold = run(texts);
    expect(cold.parsed).toEqual(['DROP TABLE scans', 'CREATE INDEX ix ON scans (host)']);
    const warm = run(texts);
    expect(warm.parsed).toEqual([]);
    expect(warm.facts).toEqual(cold.facts);
    expect(warm.facts).toEqual(texts.map(read));
  });

  it('keeps one file per script location, in a folder of its own beside the code cache', () => {
    run(['DROP TABLE scans']);
    expect(path.dirname(file())).toBe(path.join(cacheDir, FACT_CACHE_DIR));
    expect(readdirSync(path.dirname(file()))).toEqual([path.basename(file())]);
    expect(factCacheFile(path.join(root, 'other', 'migrations'), cacheDir)).not.toBe(file());
  });

  it('reads the file once and writes nothing when every statement came from it', () => {
    run(['DROP TABLE scans', 'DROP TABLE alerts']);
    const store = StatementFactStore.forScriptLocation(scripts, cacheDir)!;
    const never = (): Words => read('never parsed');
    expect(store.facts(reader, 'DROP TABLE scans', never)).toEqual(read('DROP TABLE scans'));
    // Read once, on the first statement: the file gone changes nothing for the next one.
    rmSync(file());
    expect(store.facts(reader, 'DROP TABLE alerts', never)).toEqual(read('DROP TABLE alerts'));
    store.save();
    expect(existsSync(file())).toBe(false);
  });

  it('keys entries by the reader: another dialect or version parses again', () => {
    run(['DROP TABLE scans']);
    expect(run(['DROP TABLE scans'], { reader: { ...reader, version: '2' } }).parsed).toEqual(['DROP TABLE scans']);
    expect(run(['DROP TABLE scans'], { reader: { ...reader, dialect: 'other' } }).parsed).toEqual(['DROP TABLE scans']);
    // The file now holds all three; the first reader's entry is still found.
    expect(run(['DROP TABLE scans']).parsed).toEqual([]);
  });

  it('parses again an entry the reader cannot restore, and rewrites it', () => {
    run(['DROP TABLE scans']);
    const document = JSON.parse(readFileSync(file(), 'utf8')) as { format: string; entries: Record<string, unknown> };
    for (const key of Object.keys(document.entries)) document.entries[key] = { words: [1, 2] };
    writeFileSync(file(), JSON.stringify(document));
    const again = run(['DROP TABLE scans']);
    expect(again.parsed).toEqual(['DROP TABLE scans']);
    expect(again.facts).toEqual([read('DROP TABLE scans')]);
    expect(run(['DROP TABLE scans']).parsed).toEqual([]);
  });

  it('ignores a corrupt file, or one of another format or shape, and replaces it', () => {
    const corrupt = ['not json', '{"format":"cgmigrate-statement-facts 0","entries":{}}', '{"format":"cgmigrate-statement-facts 1","entries":[]}', 'null', '"text"', '{"format":"cgmigrate-statement-facts 1","entries":null}'];
    for (const bytes of corrupt) {
      mkdirSync(path.dirname(file()), { recursive: true, mode: 0o700 });
      writeFileSync(file(), bytes, { mode: 0o600 });
      const result = run(['DROP TABLE scans']);
      expect(result.parsed, bytes).toEqual(['DROP TABLE scans']);
      expect(result.facts).toEqual([read('DROP TABLE scans')]);
      expect(run(['DROP TABLE scans']).parsed, bytes).toEqual([]);
      rmSync(file());
    }
  });

  it('creates its folder 0700 and its file 0600, whatever the umask', () => {
    const umask = process.umask(0o000);
    try {
      run(['DROP TABLE scans']);
    } finally {
      process.umask(umask);
    }
    expect(statSync(path.dirname(file())).mode & 0o777).toBe(0o700);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
  });

  it('neither reads nor writes through a symbolic link', () => {
    run(['DROP TABLE scans']);
    const target = path.join(root, 'elsewhere.json');
    writeFileSync(target, readFileSync(file()), { mode: 0o600 });
    rmSync(file());
    symlinkSync(target, file());
    const before = readFileSync(target, 'utf8');
    expect(run(['DROP TABLE scans']).parsed).toEqual(['DROP TABLE scans']);
    expect(readFileSync(target, 'utf8')).toBe(before);
    expect(lstatSync(file()).isSymbolicLink()).toBe(false);
  });

  it('ignores a file others can write, and a folder others can write or that is a symbolic link', () => {
    run(['DROP TABLE scans']);
    chmodSync(file(), 0o666);
    expect(run(['DROP TABLE scans'], { save: false }).parsed).toEqual(['DROP TABLE scans']);
    chmodSync(file(), 0o600);

    chmodSync(path.dirname(file()), 0o777);
    expect(run(['DROP TABLE scans']).parsed).toEqual(['DROP TABLE scans']);
    chmodSync(path.dirname(file()), 0o700);

    const folder = path.dirname(file());
    const moved = path.join(root, 'moved');
    renameSync(folder, moved);
    symlinkSync(moved, folder);
    expect(run(['DROP TABLE scans']).parsed).toEqual(['DROP TABLE scans']);
    expect(lstatSync(folder).isSymbolicLink()).toBe(true);
  });

  it.skipIf(process.getuid?.() !== 0)("ignores a file another user owns (here nobody's, in root's folder)", () => {
    run(['DROP TABLE scans']);
    chownSync(file(), 65534, 65534);
    expect(run(['DROP TABLE scans'], { save: false }).parsed).toEqual(['DROP TABLE scans']);
  });

  it('is off with CGMIGRATE_NO_CACHE, and without a cache folder', () => {
    const saved = process.env['CGMIGRATE_NO_CACHE'];
    process.env['CGMIGRATE_NO_CACHE'] = '1';
    try {
      expect(StatementFactStore.forScriptLocation(scripts, cacheDir)).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env['CGMIGRATE_NO_CACHE'];
      else process.env['CGMIGRATE_NO_CACHE'] = saved;
    }
    expect(StatementFactStore.forScriptLocation(scripts, undefined)).toBeUndefined();
  });

  it("writes this run's entries first, and drops the oldest of the others past its size", () => {
    const filler = 'x'.repeat(64 * 1024);
    const old = Array.from({ length: 100 }, (_, i) => `${i} ${filler}`);
    run(old);
    const fresh = Array.from({ length: 40 }, (_, i) => `fresh ${i} ${filler}`);
    run(fresh);
    expect(statSync(file()).size).toBeLessThanOrEqual(MAX_FACT_CACHE_BYTES);
    // Everything this run used is kept; of the older entries, those the file had first.
    const again = run([...fresh, ...old], { save: false });
    expect(again.parsed.filter((text) => fresh.includes(text))).toEqual([]);
    const kept = old.filter((text) => !again.parsed.includes(text));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(old.length);
    expect(kept).toEqual(old.slice(0, kept.length));
  });

  it('gives the same facts as the in-memory twin adapters test with', () => {
    const memory = new MemoryFactCache();
    const texts = ['DROP TABLE scans', 'DROP TABLE scans', 'CREATE TABLE t (id integer)'];
    const fromMemory = texts.map((text) => memory.facts(reader, text, () => read(text)));
    expect(memory.parsed).toBe(2);
    expect(memory.kept).toBe(1);
    expect(run(texts).facts).toEqual(fromMemory);
  });
});
