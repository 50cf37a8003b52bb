import { hash } from 'node:crypto';
import module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { cachesDisabled, checkPrivateFolder, ensurePrivateFolder, readPrivateFile, replaceFile, scriptCacheFile } from './private-cache.js';
import { stripTypesQuietly } from './strip-types-quietly.js';
import { eraseTemplateTypes } from './template-types.js';

/**
 * The parameter of the function a migration script runs in: its `export default`
 * becomes an assignment to `<name>.default`, no longer than `export default` (see
 * {@link asScript}). A name no migration would use; one that declares it does not
 * compile as a script, and is imported instead.
 */
const EXPORTS = '_$cgm';
/** What `export default` becomes: as long as it, so that columns on its line stay right. */
const ASSIGN_DEFAULT = `${EXPORTS}.default=`;
/** The first line of every script; the migration's own text starts on the second. */
const PREFIX = `(async function (${EXPORTS}) {"use strict";\n`;
const SUFFIX = '\n})';

/**
 * The only ES module syntax a migration may use and still run as a script: one `export
 * default` of an expression, at the start of a line, the two words on that line.
 */
const DEFAULT_EXPORT = /^([ \t]*)export[ \t]+default\b(?!\s*(?:function\b|class\b|async\s+function\b))/m;
const ANY_EXPORT = /\bexport\b/g;
/** `import` declarations, `import()` and `import.meta` need the module system; so does anything that merely mentions them. */
const ANY_IMPORT = /\bimport\b/;

/** The first line of a cache file: its format. Files of another format (format 3 kept script text) are ignored. */
const PACK_MAGIC = 'cgmigrate-code-cache 4\n';

/** How a command used the migrations it ran, so that the cache knows which functions V8 compiled. */
export type ScriptUse = 'upgrade' | 'downgrade';

/** One migration's V8 code cache, as read from a cache file. */
interface PackEntry {
  /** SHA-256 of the exact script text the code cache was made from. */
  readonly textSha256: string;
  /** V8's code cache of that script, with the functions that had run when it was made. */
  readonly cache: Buffer;
  /** SHA-256 of `cache` as written, checked when the entry is used (V8 does not checksum a code cache). */
  readonly cacheSha256: string;
  /** The commands whose migration functions had run when `cache` was made. */
  readonly uses: readonly ScriptUse[];
}

interface PackHeaderEntry {
  readonly file: string;
  readonly textSha256: string;
  readonly cacheSha256: string;
  readonly cacheBytes: number;
  readonly uses: readonly ScriptUse[];
}

/** A cache file's header: its entries, whose code caches follow in order. */
interface PackHeader {
  readonly entries: readonly PackHeaderEntry[];
}

interface LoadedScript {
  readonly textSha256: string;
  readonly script: vm.Script;
  /** Whether V8 took the cached code: when not, the cache needs this script's. */
  readonly fromCache: boolean;
  /** The uses of the code cache it was compiled with, none when it was compiled from its text. */
  readonly cachedUses: readonly ScriptUse[];
}

/**
 * Loads plain migration files as scripts rather than ES modules, with a code cache of
 * its own: 1,000 migrations load and run in a fraction of the time `import()` takes,
 * as Alembic loads revision files by location rather than through Python's imports.
 *
 * Node's module loader costs ~80 µs per migration file, and since Node writes a module's
 * code cache before the module runs, V8 compiles each `up()` anew on every run. A script
 * (`vm.Script`) costs a fraction of that to load, and its code cache, written after the
 * run, holds the functions that ran. One file per script directory, beside Node's own
 * compile cache, keeps every script's V8 code cache; a run reads it once.
 *
 * What runs is always compiled from the migration file's bytes read in this run: its
 * text is stripped of types and wrapped anew every time, and the cache supplies nothing
 * but V8's `cachedData` for that text, and only when the entry was made from text of the
 * same SHA-256. V8 itself checks a code cache against the source's length, its own
 * version and its flags, not the source's content, so the SHA-256 is what ties an entry
 * to a text; and since a hostile code cache is code, the cache is kept only in a folder
 * private to the user (see `private-cache.ts`), where writing it already means running
 * code as that user. `CGMIGRATE_NO_CACHE` turns it off.
 *
 * Only a file that needs nothing of the module system runs as a script: after type
 * stripping, no `import` anywhere (declarations, `import()`, `import.meta`, even in a
 * comment), and one `export`, an `export default` of an expression at the start of a
 * line. It runs in strict mode, in an `async` function (so a top-level `await` works),
 * with `this` undefined, as a module would. A file whose text does not compile as that
 * function (any other ES module syntax, say) goes to `import()`, which reports its errors
 * as before. Everything else goes to `import()` too. (What differs is what a module
 * would refuse: a top-level `return`, `arguments` or `new.target` compiles here.)
 *
 * The cache is an optimisation and never an error: a missing, unreadable or refused
 * cache file, or one of another format, is ignored, and so is an entry whose bytes do
 * not match the SHA-256 recorded for them (damage); a migration whose text changed is
 * compiled from its text; a cache that cannot be written is left as it was. Concurrent
 * runners each write a file of their own and rename it into place.
 */
export class MigrationScriptCache {
  readonly #file: string;
  readonly #stripTypes: ((source: string) => string) | undefined;
  #pack: Map<string, PackEntry> | undefined;
  readonly #loaded = new Map<string, LoadedScript>();
  /** Files this run imported instead (their entries, if any, are dropped). */
  readonly #imported = new Set<string>();

  private constructor(file: string) {
    this.#file = file;
    this.#stripTypes = typeof module.stripTypeScriptTypes === 'function' ? stripTypesQuietly : undefined;
  }

  /**
   * The cache of the migrations in `folder`, kept under `cacheDir`: by default Node's
   * compile cache folder (`module.enableCompileCache()`; the CLI enables it in a folder
   * private to the user), so that clearing or disabling Node's cache
   * (`NODE_DISABLE_COMPILE_CACHE=1`) does the same to this one. `undefined` when there is
   * no such folder or `CGMIGRATE_NO_CACHE` is set: migrations are then compiled from
   * their text on every run (or imported).
   */
  static forFolder(folder: string, cacheDir: string | undefined = module.getCompileCacheDir?.()): MigrationScriptCache | undefined {
    if (cacheDir === undefined || cachesDisabled()) return undefined;
    return new MigrationScriptCache(scriptCacheFile(folder, cacheDir));
  }

  /**
   * Runs `file` (an ES module by its extension and package scope, whose text is
   * `source`) as a script, and returns what `import()` would: an object with its default
   * export. `undefined` when it must be imported instead.
   *
   * @param url - the file's `file:` URL, the name its stack frames show.
   * @param typescript - whether `source` is TypeScript, to strip of its types first.
   */
  load(file: string, url: string, source: string, typescript: boolean): Promise<unknown> | undefined {
    // A template-shaped migration has its TypeScript erased without Node's stripper; if
    // what is left does not compile, Node's stripper decides (see eraseTemplateTypes).
    const erased = typescript ? eraseTemplateTypes(source) : undefined;
    const quick = erased === undefined ? undefined : asScript(erased);
    const loaded = quick === undefined ? undefined : this.#run(file, url, quick);
    if (loaded !== undefined) return loaded;
    const text = this.#scriptText(source, typescript);
    return (text === undefined ? undefined : this.#run(file, url, text)) ?? this.#importInstead(file);
  }

  /** Compiles and runs the script `text` of `file`, with its code cache when the cache has one for this text; `undefined` when it does not compile. */
  #run(file: string, url: string, text: string): Promise<unknown> | undefined {
    const textSha256 = hash('sha256', text, 'hex');
    const cached = this.#entries().get(file);
    // Code cached for exactly this text, and intact: anything else is compiled from the text (and rewritten).
    const usable = cached !== undefined && cached.textSha256 === textSha256 && hash('sha256', cached.cache, 'hex') === cached.cacheSha256;
    let script: vm.Script;
    try {
      script = new vm.Script(text, { filename: url, lineOffset: -1, cachedData: usable ? cached.cache : undefined });
    } catch {
      // ES module syntax the text gate let through, or a syntax error: import() reports it as it should.
      return undefined;
    }
    const fromCache = usable && script.cachedDataRejected === false;
    this.#loaded.set(file, { textSha256, script, fromCache, cachedUses: fromCache ? cached.uses : [] });
    const run = script.runInThisContext() as (exports: { default?: unknown }) => Promise<void>;
    const exports: { default?: unknown } = {};
    return run(exports).then(() => exports);
  }

  /**
   * Writes the cache when this run compiled something it did not have: a script new,
   * changed or whose cached code V8 refused, or the migration functions of `use` in a
   * file of `ran` (the files whose `up()` or `down()` ran) that its code cache was not
   * made after. Entries of files not in `files` (the folder's migrations now) or imported
   * this run are dropped. Never throws.
   */
  save(use: ScriptUse, files: ReadonlySet<string>, ran: ReadonlySet<string>): void {
    try {
      const stale = [...this.#loaded].some(([file, loaded]) => !loaded.fromCache || (ran.has(file) && !loaded.cachedUses.includes(use)));
      const dropped = [...this.#entries().keys()].some((file) => !files.has(file) || this.#imported.has(file));
      if (stale || dropped) this.#write(use, files, ran);
    } catch {
      // A cache that cannot be written costs the next run some time, and nothing else.
    }
  }

  #write(use: ScriptUse, files: ReadonlySet<string>, ran: ReadonlySet<string>): void {
    const folder = ensurePrivateFolder(path.dirname(this.#file));
    if (!folder.ok) return;
    const header: PackHeaderEntry[] = [];
    const blobs: Buffer[] = [];
    const add = (file: string, textSha256: string, cache: Buffer, uses: readonly ScriptUse[], cacheSha256 = hash('sha256', cache, 'hex')) => {
      header.push({ file, textSha256, cacheSha256, cacheBytes: cache.length, uses });
      blobs.push(cache);
    };
    for (const [file, entry] of this.#entries()) {
      if (files.has(file) && !this.#loaded.has(file) && !this.#imported.has(file)) add(file, entry.textSha256, entry.cache, entry.uses, entry.cacheSha256);
    }
    for (const [file, loaded] of this.#loaded) {
      if (!files.has(file)) continue;
      const uses = ran.has(file) && !loaded.cachedUses.includes(use) ? [...loaded.cachedUses, use] : loaded.cachedUses;
      add(file, loaded.textSha256, loaded.script.createCachedData(), uses);
    }
    const headerBytes = Buffer.from(JSON.stringify({ entries: header } satisfies PackHeader));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(headerBytes.length);
    replaceFile(this.#file, Buffer.concat([Buffer.from(PACK_MAGIC), length, headerBytes, ...blobs]));
  }

  /** Records that `file` goes through `import()`, and says so to the caller. */
  #importInstead(file: string): undefined {
    this.#imported.add(file);
    return undefined;
  }

  /** The cache file's entries, read once; empty when it is missing, refused or not one of ours. */
  #entries(): Map<string, PackEntry> {
    if (this.#pack === undefined) {
      const folder = checkPrivateFolder(path.dirname(this.#file));
      this.#pack = folder.ok ? readPack(readPrivateFile(this.#file)) : new Map();
    }
    return this.#pack;
  }

  /** The script for a migration's text, or `undefined` when it needs the module system. */
  #scriptText(source: string, typescript: boolean): string | undefined {
    let javascript = source;
    if (typescript) {
      if (this.#stripTypes === undefined) return undefined;
      try {
        javascript = this.#stripTypes(source);
      } catch {
        return undefined;
      }
    }
    return asScript(javascript);
  }
}

/**
 * A migration's JavaScript as the body of the function it runs in, or `undefined` when
 * it needs the module system. Every character keeps its line and column (`export
 * default` becomes an assignment padded to its length, the wrapper takes a line of its
 * own that the script's `lineOffset` takes back), so that stack traces and the locations
 * of errors point into the file.
 */
function asScript(javascript: string): string | undefined {
  if (ANY_IMPORT.test(javascript) || (javascript.match(ANY_EXPORT)?.length ?? 0) !== 1) return undefined;
  const match = DEFAULT_EXPORT.exec(javascript);
  if (match === null) return undefined;
  const [whole, indent] = match;
  const assignment = ASSIGN_DEFAULT.padEnd(whole.length - indent!.length);
  const body = `${javascript.slice(0, match.index)}${indent}${assignment}${javascript.slice(match.index + whole.length)}`;
  return `${PREFIX}${body}${SUFFIX}`;
}

/**
 * The entries of a cache file's bytes; none when there are none, or they are not of this
 * format, or cut short. Each entry's digest is checked when it is used, so that a run
 * that needs two migrations out of 1,000 hashes two.
 */
function readPack(bytes: Buffer | undefined): Map<string, PackEntry> {
  if (bytes === undefined) return new Map();
  try {
    const magic = Buffer.from(PACK_MAGIC);
    if (bytes.length < magic.length + 4 || !bytes.subarray(0, magic.length).equals(magic)) return new Map();
    const headerLength = bytes.readUInt32LE(magic.length);
    const blobsStart = magic.length + 4 + headerLength;
    const header = JSON.parse(bytes.subarray(magic.length + 4, blobsStart).toString('utf8')) as unknown;
    if (!isPackHeader(header)) return new Map();
    const entries = new Map<string, PackEntry>();
    let offset = blobsStart;
    for (const entry of header.entries) {
      const cache = bytes.subarray(offset, (offset += entry.cacheBytes));
      if (offset > bytes.length) return new Map();
      entries.set(entry.file, { textSha256: entry.textSha256, cache, cacheSha256: entry.cacheSha256, uses: entry.uses });
    }
    return entries;
  } catch {
    return new Map();
  }
}

function isPackHeader(value: unknown): value is PackHeader {
  const header = value as Partial<PackHeader> | null;
  return (
    typeof header === 'object' &&
    header !== null &&
    Array.isArray(header.entries) &&
    header.entries.every(
      (entry: Partial<PackHeaderEntry> | null) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof entry.file === 'string' &&
        typeof entry.textSha256 === 'string' &&
        typeof entry.cacheSha256 === 'string' &&
        Number.isSafeInteger(entry.cacheBytes) &&
        entry.cacheBytes! >= 0 &&
        Array.isArray(entry.uses) &&
        entry.uses.every((use) => use === 'upgrade' || use === 'downgrade'),
    )
  );
}
