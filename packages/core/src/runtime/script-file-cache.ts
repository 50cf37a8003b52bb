import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { importMigrationSource } from '../script/migration-import.js';
import { openHeaderIndex, type ScriptDirectoryIo } from '../script/script-directory.js';
import type { ReadBytes } from './audit.js';

/**
 * Reads each migration file from disk once per run: its header (when the header index
 * does not already have it), the audit checksum and the module Node compiles all come
 * from the same bytes, so a run of 1,000 migrations reads 1,000 files, not 3,000.
 */
export class ScriptFileCache {
  readonly #bytes = new Map<string, Buffer>();
  /** Files the directory listing showed as regular files (not symbolic links). */
  readonly #regularFiles = new Set<string>();

  /** What {@link ScriptDirectory.load} reads through; `readFile` keeps the bytes. */
  readonly io: ScriptDirectoryIo = {
    readdir: (dir) => this.#list(dir),
    readFile: (file) => this.#read(file).toString('utf8'),
    importModule: (file) =>
      importMigrationSource(file, this.#read(file).toString('utf8'), { regularFile: this.#regularFiles.has(file) }),
    openHeaderIndex,
  };

  /** The bytes of `file`, from the cache when the script directory read it. */
  readonly readBytes: ReadBytes = (file) => this.#read(file);

  #list(dir: string): string[] {
    const entries = readdirSync(dir, { withFileTypes: true });
    // Keyed as ScriptDirectory names the files: the folder, the separator, the name.
    for (const entry of entries) if (entry.isFile()) this.#regularFiles.add(dir + path.sep + entry.name);
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
