import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openHeaderIndex, type ScriptDirectoryIo } from '../script/script-directory.js';
import type { ReadBytes } from './audit.js';

/**
 * Reads each migration file from disk once per run: the script directory parses its
 * header from the same bytes the audit checksum is taken of, so a run of 1,000
 * migrations reads 1,000 files, not 2,000. Modules are still imported by Node.
 */
export class ScriptFileCache {
  readonly #bytes = new Map<string, Buffer>();

  /** What {@link ScriptDirectory.load} reads through; `readFile` keeps the bytes. */
  readonly io: ScriptDirectoryIo = {
    readdir: (dir) => readdirSync(dir),
    readFile: (file) => this.#read(file).toString('utf8'),
    importModule: (file) => import(pathToFileURL(file).href),
    openHeaderIndex,
  };

  /** The bytes of `file`, from the cache when the script directory read it. */
  readonly readBytes: ReadBytes = (file) => this.#read(file);

  #read(file: string): Buffer {
    let bytes = this.#bytes.get(file);
    if (bytes === undefined) {
      bytes = readFileSync(file);
      this.#bytes.set(file, bytes);
    }
    return bytes;
  }
}
