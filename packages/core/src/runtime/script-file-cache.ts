import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileUrl, formatKnownWithoutReading, importMigrationSource } from '../script/migration-import.js';
import { MigrationScriptCache, type ScriptUse } from '../script/migration-script-cache.js';
import { openHeaderIndex, type ScriptDirectoryIo } from '../script/script-directory.js';
import type { ReadBytes } from './audit.js';

/**
 * Migrations run as scripts, by file: as `import()` does for modules, each runs once per
 * process, however many runs (and `ScriptFileCache`s) ask for it.
 */
const scriptsRun = new Map<string, Promise<unknown>>();

/** Options of a {@link ScriptFileCache}. */
export interface ScriptFileCacheOptions {
  /**
   * Where compiled migration scripts are kept (see `MigrationScriptCache`): Node's
   * compile cache folder when absent, `null` to import every migration.
   */
  readonly compiledScripts?: string | null | undefined;
}

/**
 * Reads each migration file from disk once per run: its header (when the header index
 * does not already have it), the audit checksum and the module Node compiles all come
 * from the same bytes, so a run of 1,000 migrations reads 1,000 files, not 3,000.
 *
 * A migration that needs nothing of the module system runs as a script, from a code
 * cache kept per folder (see `MigrationScriptCache`); {@link saveCompiledScripts} updates
 * that cache after a run.
 */
export class ScriptFileCache {
  readonly #bytes = new Map<string, Buffer>();
  /** Files the directory listing showed as regular files (not symbolic links). */
  readonly #regularFiles = new Set<string>();
  /** The regular files of each folder listed, by `path.dirname` of the file (as the script caches are keyed). */
  readonly #filesByFolder = new Map<string, Set<string>>();
  readonly #compiledScriptsDir: string | null | undefined;
  /** The script cache of each folder a migration was imported from. */
  readonly #scriptCaches = new Map<string, MigrationScriptCache | undefined>();

  constructor(options: ScriptFileCacheOptions = {}) {
    this.#compiledScriptsDir = options.compiledScripts;
  }

  /** What {@link ScriptDirectory.load} reads through; `readFile` keeps the bytes. */
  readonly io: ScriptDirectoryIo = {
    readdir: (dir) => this.#list(dir),
    readFile: (file) => this.#read(file).toString('utf8'),
    importModule: (file) => this.#import(file),
    openHeaderIndex,
  };

  /** The bytes of `file`, from the cache when the script directory read it. */
  readonly readBytes: ReadBytes = (file) => this.#read(file);

  /**
   * Updates the script cache of each folder migrations were imported from, after a
   * command whose `ran` files had their `up()` (`upgrade`) or `down()` (`downgrade`)
   * run, so that the next run finds those functions compiled. Never throws.
   */
  saveCompiledScripts(use: ScriptUse, ran: Iterable<string | undefined> = []): void {
    const ranFiles = new Set<string>();
    for (const file of ran) if (file !== undefined) ranFiles.add(file);
    for (const [folder, cache] of this.#scriptCaches) cache?.save(use, this.#filesByFolder.get(folder) ?? new Set(), ranFiles);
  }

  #import(file: string): Promise<unknown> {
    const ran = scriptsRun.get(file);
    if (ran !== undefined) return ran;
    const source = this.#read(file).toString('utf8');
    const regularFile = this.#regularFiles.has(file);
    const format = regularFile ? formatKnownWithoutReading(file, true) : undefined;
    if (format !== undefined) {
      const loaded = this.#scriptCache(path.dirname(file))?.load(file, fileUrl(file), source, format === 'module-typescript');
      if (loaded !== undefined) {
        scriptsRun.set(file, loaded);
        return loaded;
      }
    }
    return importMigrationSource(file, source, { regularFile });
  }

  #scriptCache(folder: string): MigrationScriptCache | undefined {
    if (this.#compiledScriptsDir === null) return undefined;
    if (!this.#scriptCaches.has(folder)) {
      this.#scriptCaches.set(folder, MigrationScriptCache.forFolder(folder, this.#compiledScriptsDir ?? undefined));
    }
    return this.#scriptCaches.get(folder);
  }

  #list(dir: string): string[] {
    const entries = readdirSync(dir, { withFileTypes: true });
    // Keyed as ScriptDirectory names the files: the folder, the separator, the name.
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const file = dir + path.sep + entry.name;
      this.#regularFiles.add(file);
      const folder = path.dirname(file);
      let files = this.#filesByFolder.get(folder);
      if (files === undefined) this.#filesByFolder.set(folder, (files = new Set()));
      files.add(file);
    }
    return entries.map((entry) => entry.name);
  }

  #read(file: string): Buffer {
    let bytes = this.#bytes.get(file);
    if (bytes === undefined) {
      bytes = readFileSync(file);
      this.#bytes.set(file, bytes);
    }
    return bytes;
  }
}
