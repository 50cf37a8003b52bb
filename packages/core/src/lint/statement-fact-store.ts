import { hash } from 'node:crypto';
import module from 'node:module';
import path from 'node:path';

import type { StatementFactCache, StatementFactReader } from '../adapter/statement-fact-cache.js';
import { cachesDisabled, checkPrivateFolder, ensurePrivateFolder, factCacheFile, readPrivateFile, replaceFile } from '../script/private-cache.js';

/** The cache file's `format`: a file of another format is ignored (and replaced when this run parses something). */
const FORMAT = 'cgmigrate-statement-facts 1';

/**
 * How large a cache file may grow, in bytes of JSON (about 50,000 entries of a SQLite
 * `CREATE TABLE`). The entries this run used are written first, then the others in the
 * order the last file had them, until the file is this full: a project's history keeps
 * its entries while the statements of edited or deleted migrations age out.
 */
export const MAX_FACT_CACHE_BYTES = 8 * 1024 * 1024;

/** One entry this run used: the facts given to the linter, and what the file is to keep of them. */
interface UsedEntry {
  readonly facts: unknown;
  /** The entry's value as the cache file had it; undefined for facts parsed this run. */
  readonly stored: unknown;
}

/**
 * The statement linters' facts cache ({@link StatementFactCache}) of one project: one
 * JSON file per script location, beside the migrations' code cache under Node's compile
 * cache folder, read once (on the first statement asked for) and written at most once,
 * by {@link save}, when this run parsed something the file did not have.
 *
 * Keyed by script location rather than one file per dialect: a run reads what its own
 * project's statements parsed into, never another project's, and the file grows with the
 * project. Statements that are the same in two projects are parsed once in each.
 *
 * The file is used only where the migrations' code cache is (see `private-cache.ts`): in
 * a folder private to the user, read only when it is a regular file the user owns and no
 * one else can write, written as a new file renamed into place. A missing, unreadable,
 * refused or malformed file is an empty cache, never an error; an entry the reader cannot
 * restore is parsed again. `CGMIGRATE_NO_CACHE` turns it off.
 */
export class StatementFactStore implements StatementFactCache {
  readonly #file: string;
  /** The file's entries, read on first use. */
  #stored: Map<string, unknown> | undefined;
  /** The entries this run used, in the order it first used them. */
  readonly #used = new Map<string, UsedEntry>();
  /** How many of them this run parsed. */
  #parsed = 0;

  private constructor(file: string) {
    this.#file = file;
  }

  /**
   * The store of the project whose scripts are in `scriptLocation`, kept under `cacheDir`:
   * by default Node's compile cache folder, which the CLI enables in a folder private to
   * the user. `undefined` when there is no such folder (core used as a library, or
   * `NODE_DISABLE_COMPILE_CACHE`) or `CGMIGRATE_NO_CACHE` is set: statements are then
   * parsed on every run.
   */
  static forScriptLocation(scriptLocation: string, cacheDir: string | undefined = module.getCompileCacheDir?.()): StatementFactStore | undefined {
    if (cacheDir === undefined || cachesDisabled()) return undefined;
    return new StatementFactStore(factCacheFile(scriptLocation, cacheDir));
  }

  facts<Facts>(reader: StatementFactReader<Facts>, text: string, read: () => Facts): Facts {
    const key = factKey(reader, text);
    const used = this.#used.get(key);
    // The same key is always the same reader's (its dialect and version are in the key).
    if (used !== undefined) return used.facts as Facts;
    const stored = this.#entries().get(key);
    const restored = stored === undefined ? undefined : reader.restore(stored);
    if (restored !== undefined) {
      this.#used.set(key, { facts: restored, stored });
      return restored;
    }
    const facts = read();
    this.#used.set(key, { facts, stored: undefined });
    this.#parsed++;
    return facts;
  }

  /**
   * Writes the cache file when this run parsed a statement it did not have: this run's
   * entries first, then the file's others, up to {@link MAX_FACT_CACHE_BYTES}. Never throws:
   * a cache that cannot be written costs the next run its parsing, and nothing else.
   */
  save(): void {
    if (this.#parsed === 0) return;
    try {
      this.#write();
    } catch {
      // An unwritable folder, a full disk, facts that do not serialise: the next run parses again.
    }
  }

  #write(): void {
    const folder = ensurePrivateFolder(path.dirname(this.#file));
    if (!folder.ok) return;
    const parts: string[] = [];
    let bytes = 0;
    const add = (key: string, value: unknown): boolean => {
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) return true;
      const part = `${JSON.stringify(key)}:${json}`;
      bytes += Buffer.byteLength(part) + 1;
      if (bytes > MAX_FACT_CACHE_BYTES) return false;
      parts.push(part);
      return true;
    };
    let room = true;
    for (const [key, entry] of this.#used) if (room) room = add(key, entry.stored ?? entry.facts);
    for (const [key, value] of this.#entries()) if (room && !this.#used.has(key)) room = add(key, value);
    replaceFile(this.#file, `{"format":${JSON.stringify(FORMAT)},"entries":{${parts.join(',')}}}\n`);
  }

  /** The cache file's entries, read once; none when it is missing, refused or not of this format. */
  #entries(): Map<string, unknown> {
    if (this.#stored === undefined) {
      try {
        const folder = checkPrivateFolder(path.dirname(this.#file));
        this.#stored = folder.ok ? readEntries(readPrivateFile(this.#file)) : new Map();
      } catch {
        // A folder or file that cannot be read (EACCES, EIO): the linter parses, as without a cache.
        this.#stored = new Map();
      }
    }
    return this.#stored;
  }
}

/**
 * An entry's key: the SHA-256 of the reader's dialect and version and the statement's
 * text, each but the last prefixed with its length so that no two triples run together,
 * hashed as UTF-16 so that every string is its own (UTF-8 would make lone surrogates alike).
 */
function factKey(reader: StatementFactReader<unknown>, text: string): string {
  return hash('sha256', Buffer.from(`${reader.dialect.length}:${reader.dialect}${reader.version.length}:${reader.version}${text}`, 'utf16le'), 'base64url');
}

/** The entries of a cache file's bytes: none unless it is a JSON object of this format with an object of entries. */
function readEntries(bytes: Buffer | undefined): Map<string, unknown> {
  if (bytes === undefined) return new Map();
  try {
    const document = JSON.parse(bytes.toString('utf8')) as { format?: unknown; entries?: unknown } | null;
    const entries = document?.entries;
    if (document?.format !== FORMAT || typeof entries !== 'object' || entries === null || Array.isArray(entries)) return new Map();
    return new Map(Object.entries(entries));
  } catch {
    return new Map();
  }
}
