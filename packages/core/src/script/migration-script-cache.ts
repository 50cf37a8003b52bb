import { hash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * The parameter of the function a migration script runs in: its `export default`
 * becomes an assignment to `<name>.default`. A name no migration would declare.
 */
const EXPORTS = '__cgmigrate_exports__';
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

/**
 * The first line of a cache file: the format, and a digest of how a migration becomes a
 * script, so that a cgmigrate that wraps or gates files differently never runs the text
 * an older one cached.
 */
const PACK_MAGIC = `cgmigrate-scripts 3 ${hash('sha256', [PREFIX, SUFFIX, EXPORTS, DEFAULT_EXPORT.source, ANY_EXPORT.source, ANY_IMPORT.source].join('\0'), 'hex').slice(0, 16)}\n`;

/** How a command used the migrations it ran, so that the cache knows which functions V8 compiled. */
export type ScriptUse = 'upgrade' | 'downgrade';

interface PackEntry {
  readonly checksum: string;
  /** `false`: the file needs the module system; `import()` it. */
  readonly script: boolean;
  /** The script's text (the migration as a function body), when `script`. */
  readonly text?: Buffer | undefined;
  /** V8's code cache of the script, with the functions that had run when it was made. */
  readonly cache?: Buffer | undefined;
  /** The commands whose migration functions had run when `cache` was made. */
  readonly uses: readonly ScriptUse[];
  /** SHA-256 of the text and code cache, as written; checked when the entry is used. */
  readonly sha256: string;
  /** The bytes `sha256` covers: the text followed by the code cache. */
  readonly blob: Buffer;
}

interface PackHeaderEntry {
  readonly file: string;
  readonly checksum: string;
  readonly script: boolean;
  readonly textBytes: number;
  readonly cacheBytes: number;
  readonly uses: readonly ScriptUse[];
  readonly sha256: string;
}

/** A cache file's header: its entries, whose bytes follow in order. */
interface PackHeader {
  readonly entries: readonly PackHeaderEntry[];
}

interface LoadedScript {
  readonly checksum: string;
  readonly text: string;
  readonly script: vm.Script;
  /** Whether V8 took the cached code: when not, the cache needs this script's. */
  readonly fromCache: boolean;
  /** The uses of the code cache it was compiled with, none when it was compiled from its text. */
  readonly cachedUses: readonly ScriptUse[];
}

/**
 * Loads plain migration files as scripts rather than ES modules, with a code cache of
 * its own: 1,000 migrations load and run in about a quarter of the time `import()` takes,
 * as Alembic loads revision files by location rather than through Python's imports.
 *
 * Node's module loader costs ~80 µs per migration file, and since Node writes a module's
 * code cache before the module runs, V8 compiles each `up()` anew on every run. A script
 * (`vm.Script`) costs a fraction of that to load, and its code cache, written after the
 * run, holds the functions that ran. One file per script directory, beside Node's own
 * compile cache, keeps every script's text and code cache; a run reads it once.
 *
 * Only a file that needs nothing of the module system runs as a script: after type
 * stripping, no `import` anywhere (declarations, `import()`, `import.meta`, even in a
 * comment), and one `export`, an `export default` of an expression at the start of a
 * line. It runs in strict mode, in an `async` function (so a top-level `await` works),
 * with `this` undefined, as a module would. A file whose text does not compile as that
 * function (any other ES module syntax, say) goes to `import()`, which reports its errors
 * as before. Everything else goes to `import()` too, and the cache remembers that. (What
 * differs is what a module would refuse: a top-level `return`, `arguments` or `new.target`
 * compiles here.)
 *
 * The cache is an optimisation and never an error: a missing or unreadable cache file,
 * or one of another format, is ignored, and so is an entry whose bytes do not match the
 * SHA-256 the header gives for it (damage); a migration whose checksum changed is compiled again; a cache that
 * cannot be written is left as it was. Concurrent runners each write a file of their own
 * and rename it into place. Like Node's compile cache, it trusts its folder.
 */
export class MigrationScriptCache {
  readonly #file: string;
  readonly #stripTypes: ((source: string) => string) | undefined;
  #pack: Map<string, PackEntry> | undefined;
  readonly #loaded = new Map<string, LoadedScript | { readonly checksum: string; readonly script: false }>();

  private constructor(file: string) {
    this.#file = file;
    this.#stripTypes = typeof module.stripTypeScriptTypes === 'function' ? stripTypesQuietly : undefined;
  }

  /**
   * The cache of the migrations in `folder`, kept under `cacheDir`: by default Node's
   * compile cache folder (`module.enableCompileCache()`; the CLI enables it), so that
   * clearing or disabling Node's cache (`NODE_DISABLE_COMPILE_CACHE=1`) does the same to
   * this one. `undefined` when there is no such folder: migrations are then imported.
   */
  static forFolder(folder: string, cacheDir: string | undefined = module.getCompileCacheDir?.()): MigrationScriptCache | undefined {
    if (cacheDir === undefined) return undefined;
    const name = hash('sha256', path.resolve(folder), 'hex').slice(0, 32);
    return new MigrationScriptCache(path.join(cacheDir, 'cgmigrate-scripts', `${name}.bin`));
  }

  /**
   * Runs `file` (an ES module by its extension and package scope, whose text is `source`
   * and SHA-256 `checksum`) as a script, and returns what `import()` would: an object
   * with its default export. `undefined` when it must be imported instead.
   *
   * @param url - the file's `file:` URL, the name its stack frames show.
   * @param typescript - whether `source` is TypeScript, to strip of its types first.
   */
  load(file: string, url: string, source: string, checksum: string, typescript: boolean): Promise<unknown> | undefined {
    const cached = this.#entries().get(file);
    // An entry for this text, and intact: a damaged one is compiled again (and rewritten).
    const current = cached?.checksum === checksum && hash('sha256', cached.blob, 'hex') === cached.sha256 ? cached : undefined;
    if (current?.script === false) return this.#importInstead(file, checksum);
    const text = current?.text?.toString('utf8') ?? this.#scriptText(source, typescript);
    if (text === undefined) return this.#importInstead(file, checksum);
    let script: vm.Script;
    try {
      script = new vm.Script(text, { filename: url, lineOffset: -1, cachedData: current?.cache });
    } catch {
      // ES module syntax the text gate let through, or a syntax error: import() reports it as it should.
      return this.#importInstead(file, checksum);
    }
    const fromCache = current?.cache !== undefined && script.cachedDataRejected === false;
    this.#loaded.set(file, { checksum, text, script, fromCache, cachedUses: fromCache ? current.uses : [] });
    const run = script.runInThisContext() as (exports: { default?: unknown }) => Promise<void>;
    const exports: { default?: unknown } = {};
    return run(exports).then(() => exports);
  }

  /**
   * Writes the cache when this run compiled something it did not have: a script new,
   * changed or whose cached code V8 refused, or the migration functions of `use` in a
   * file of `ran` (the files whose `up()` or `down()` ran) that its code cache was not
   * made after. Entries of files not in `files` (the folder's migrations now) are
   * dropped. Never throws.
   */
  save(use: ScriptUse, files: ReadonlySet<string>, ran: ReadonlySet<string>): void {
    try {
      const stale = [...this.#loaded].some(([file, loaded]) =>
        loaded.script === false
          ? this.#entries().get(file)?.checksum !== loaded.checksum
          : !loaded.fromCache || (ran.has(file) && !loaded.cachedUses.includes(use)),
      );
      const gone = [...this.#entries().keys()].some((file) => !files.has(file));
      if (stale || gone) this.#write(use, files, ran);
    } catch {
      // A cache that cannot be written costs the next run some time, and nothing else.
    }
  }

  #write(use: ScriptUse, files: ReadonlySet<string>, ran: ReadonlySet<string>): void {
    const header: PackHeaderEntry[] = [];
    const blobs: Buffer[] = [];
    const add = (file: string, entry: Omit<PackEntry, 'sha256' | 'blob'> & { readonly sha256?: string }) => {
      const text = entry.text ?? Buffer.alloc(0);
      const cache = entry.cache ?? Buffer.alloc(0);
      header.push({
        file,
        checksum: entry.checksum,
        script: entry.script,
        textBytes: text.length,
        cacheBytes: cache.length,
        uses: entry.uses,
        sha256: entry.sha256 ?? hash('sha256', Buffer.concat([text, cache]), 'hex'),
      });
      blobs.push(text, cache);
    };
    for (const [file, entry] of this.#entries()) {
      if (files.has(file) && !this.#loaded.has(file)) add(file, entry);
    }
    for (const [file, loaded] of this.#loaded) {
      if (!files.has(file)) continue;
      if (loaded.script === false) {
        add(file, { checksum: loaded.checksum, script: false, uses: [] });
      } else {
        const uses = ran.has(file) && !loaded.cachedUses.includes(use) ? [...loaded.cachedUses, use] : loaded.cachedUses;
        add(file, { checksum: loaded.checksum, script: true, text: Buffer.from(loaded.text), cache: loaded.script.createCachedData(), uses });
      }
    }
    const blobBytes = Buffer.concat(blobs);
    const headerBytes = Buffer.from(JSON.stringify({ entries: header } satisfies PackHeader));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(headerBytes.length);
    mkdirSync(path.dirname(this.#file), { recursive: true });
    // Unique per writer (processes in containers can share a pid, threads do); rename replaces the file whole.
    const partial = `${this.#file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(partial, Buffer.concat([Buffer.from(PACK_MAGIC), length, headerBytes, blobBytes]));
      renameSync(partial, this.#file);
    } finally {
      rmSync(partial, { force: true });
    }
  }

  /** Records that `file` (at `checksum`) goes through `import()`, and says so to the caller. */
  #importInstead(file: string, checksum: string): undefined {
    this.#loaded.set(file, { checksum, script: false });
    return undefined;
  }

  /** The cache file's entries, read once; empty when it is missing or not one of ours. */
  #entries(): Map<string, PackEntry> {
    this.#pack ??= readPack(this.#file);
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
    if (ANY_IMPORT.test(javascript) || (javascript.match(ANY_EXPORT)?.length ?? 0) !== 1) return undefined;
    const match = DEFAULT_EXPORT.exec(javascript);
    if (match === null) return undefined;
    const [whole, indent] = match;
    const body = `${javascript.slice(0, match.index)}${indent}${EXPORTS}.default =${javascript.slice(match.index + whole.length)}`;
    return `${PREFIX}${body}${SUFFIX}`;
  }
}

/**
 * The entries of a cache file; none when it is missing, not of this format, or cut
 * short. Each entry's digest is checked when it is used, so that a run that needs two
 * migrations out of 1,000 hashes two.
 */
function readPack(file: string): Map<string, PackEntry> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return new Map();
  }
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
      const start = offset;
      const text = entry.textBytes > 0 ? bytes.subarray(offset, (offset += entry.textBytes)) : undefined;
      const cache = entry.cacheBytes > 0 ? bytes.subarray(offset, (offset += entry.cacheBytes)) : undefined;
      if (offset > bytes.length || (entry.script && text === undefined)) return new Map();
      const blob = bytes.subarray(start, offset);
      entries.set(entry.file, { checksum: entry.checksum, script: entry.script, text, cache, uses: entry.uses, sha256: entry.sha256, blob });
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
      (entry: Partial<PackHeaderEntry>) =>
        typeof entry.file === 'string' &&
        typeof entry.checksum === 'string' &&
        typeof entry.script === 'boolean' &&
        typeof entry.sha256 === 'string' &&
        Number.isSafeInteger(entry.textBytes) &&
        entry.textBytes! >= 0 &&
        Number.isSafeInteger(entry.cacheBytes) &&
        entry.cacheBytes! >= 0 &&
        Array.isArray(entry.uses) &&
        entry.uses.every((use) => use === 'upgrade' || use === 'downgrade'),
    )
  );
}

/**
 * `module.stripTypeScriptTypes` without the `ExperimentalWarning` it prints once per
 * process: the user imports TypeScript migrations, which Node strips the same way
 * without a warning, and would not know what to make of it.
 */
function stripTypesQuietly(source: string): string {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const message = typeof warning === 'string' ? warning : warning.message;
    if (message.includes('stripTypeScriptTypes')) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return module.stripTypeScriptTypes(source);
  } finally {
    process.emitWarning = emitWarning;
  }
}
