import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MigrationHeader } from './revision-header.js';
import { currentUid, replaceFile } from './private-cache.js';

/**
 * What identifies one version of a file without reading it: modification and change
 * times, size and inode. `ctime` cannot be set by tools that restore `mtime`
 * (`touch -d`, `cp -p`, archive extraction), so an edit always changes the stamp.
 */
export type FileStamp = readonly [mtimeMs: number, ctimeMs: number, size: number, ino: number];

/** The index file's format; a file written by another format is ignored and replaced. */
const FORMAT = 3;

/** The folder, inside the script location, that holds cgmigrate's caches. */
export const CACHE_DIR = '.cgmigrate-cache';

const INDEX_FILE = 'headers.json';

/** Makes git (and tools that read .gitignore) leave the cache folder alone. */
const GITIGNORE = '# Written by cgmigrate: a cache of migration headers, safe to delete.\n*\n';

/** A file's name, stamp and header, flat: fewer objects to parse and collect at 10,000 entries. */
type Entry = readonly [
  name: string,
  ...FileStamp,
  revision: string,
  downRevision: MigrationHeader['downRevision'],
  branchLabels: MigrationHeader['branchLabels'] | null,
  dependsOn: MigrationHeader['dependsOn'] | null,
  message: string | null,
];

interface IndexDocument {
  readonly format: number;
  /**
   * One entry per file of the versions folder, sorted by file name: the order in which
   * the script directory looks them up, so that a lookup is a step along this list
   * rather than a search in an object of 10,000 keys.
   */
  readonly files: readonly Entry[];
}

/** Whether a lookup found no usable entry and handed back the file's stamp instead of a header. */
export function isFileStamp(value: MigrationHeader | FileStamp): value is FileStamp {
  return Array.isArray(value);
}

/**
 * The headers of a script directory's migration files, kept between runs in
 * `<script location>/.cgmigrate-cache/headers.json`, so that `history`, `heads` and
 * `current` on a project of 10,000 revisions stat each file instead of reading and
 * parsing it. Parsing a header is deterministic, so a cached header is exactly what
 * parsing the file again would give, as long as the file is unchanged:
 *
 * - a file is taken from the index only when its {@link FileStamp} is the one recorded;
 * - as in git's index, a file whose stamp is not older than the index file itself may
 *   have changed again within the file system's timestamp granularity after it was
 *   read, so it is read again ("racily clean");
 * - a missing, unreadable, or differently formatted index is ignored, and writing it is
 *   best effort (a read-only checkout simply reads every file).
 *
 * Only headers parsed from the source text are cached; a file whose header needs its
 * module imported is read and imported on every run, as before.
 */
export class HeaderIndex {
  readonly #file: string;
  readonly #previous: readonly Entry[];
  /** Entries written by a stamp not older than this (the index file's own mtime) are racy. */
  readonly #writtenAtMs: number;
  /** Where the next in-order lookup starts in `#previous`. */
  #cursor = 0;
  /** The previous entries by name, built only for a lookup that comes out of name order. */
  #byName: Map<string, Entry> | undefined;
  readonly #next: Entry[] = [];
  /** Entries carried over from the previous index unchanged. */
  #kept = 0;
  #changed = false;

  private constructor(file: string, previous: readonly Entry[], writtenAtMs: number) {
    this.#file = file;
    this.#previous = previous;
    this.#writtenAtMs = writtenAtMs;
  }

  /**
   * The index of the script location `location`; empty when there is none yet, or when it
   * cannot be read, is of another format or of the wrong shape, or is reached through a
   * symbolic link (the cache folder or the index file).
   */
  static open(location: string): HeaderIndex {
    const file = path.join(location, CACHE_DIR, INDEX_FILE);
    try {
      if (lstatSync(path.dirname(file)).isDirectory()) {
        const fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
        try {
          const stats = fstatSync(fd);
          const document = JSON.parse(readFileSync(fd, 'utf8')) as unknown;
          if (stats.isFile() && isIndexDocument(document)) return new HeaderIndex(file, document.files, stats.mtimeMs);
        } finally {
          closeSync(fd);
        }
      }
    } catch {
      // No index yet, or one that cannot be read: every file is read once more.
    }
    return new HeaderIndex(file, [], -Infinity);
  }

  /**
   * The cached header of `name` (in the versions folder, at `file`) when the file is
   * unchanged since it was cached; otherwise the file's stamp, to {@link remember} the
   * header by once it is parsed ({@link isFileStamp} tells which). Fastest when called
   * in file-name order, as the script directory does.
   */
  lookup(name: string, file: string): MigrationHeader | FileStamp {
    const stats = statSync(file);
    const entry = this.#find(name);
    if (
      entry !== undefined &&
      entry[1] === stats.mtimeMs &&
      entry[2] === stats.ctimeMs &&
      entry[3] === stats.size &&
      entry[4] === stats.ino &&
      stats.mtimeMs < this.#writtenAtMs &&
      stats.ctimeMs < this.#writtenAtMs &&
      typeof entry[5] === 'string'
    ) {
      this.#next.push(entry);
      this.#kept++;
      return {
        revision: entry[5],
        downRevision: entry[6],
        branchLabels: entry[7] ?? undefined,
        dependsOn: entry[8] ?? undefined,
        message: entry[9] ?? undefined,
      };
    }
    return [stats.mtimeMs, stats.ctimeMs, stats.size, stats.ino];
  }

  /** Records the header parsed from `name` as it was when stamped. */
  remember(name: string, stamp: FileStamp, header: MigrationHeader): void {
    // JSON has no `undefined`: null stands for it, which readers of a header treat alike.
    this.#next.push([
      name,
      ...stamp,
      header.revision,
      header.downRevision,
      header.branchLabels ?? null,
      header.dependsOn ?? null,
      header.message ?? null,
    ]);
    this.#changed = true;
  }

  /** The previous entry of `name`: the next one along the sorted list, else from a map of all. */
  #find(name: string): Entry | undefined {
    const previous = this.#previous;
    let cursor = this.#cursor;
    while (cursor < previous.length && (previous[cursor] as Entry)[0] < name) cursor++;
    this.#cursor = cursor;
    const entry = previous[cursor];
    if (entry !== undefined && entry[0] === name) {
      this.#cursor = cursor + 1;
      return entry;
    }
    // Not in order (or a new file): look it up among all of them.
    this.#byName ??= new Map(previous.map((e) => [e[0], e]));
    return this.#byName.get(name);
  }

  /**
   * Writes the index when a header was parsed or a file disappeared since it was read.
   * Never throws: a cache that cannot be written only costs the next run some reads.
   */
  save(): void {
    // Unchanged when nothing was parsed and every previous entry was looked up again (none vanished).
    if (!this.#changed && this.#kept === this.#previous.length) return;
    try {
      const dir = path.dirname(this.#file);
      if (!writableCacheFolder(dir)) return;
      // Never through a symbolic link (a planted `.gitignore` link would have the run
      // overwrite its target): each file is written new and renamed into place, which also
      // lets a concurrent reader see the old index or the new one, never half of one.
      if (lstatSync(path.join(dir, '.gitignore'), { throwIfNoEntry: false })?.isFile() !== true) {
        replaceFile(path.join(dir, '.gitignore'), GITIGNORE, 0o666);
      }
      const files = this.#next.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const document: IndexDocument = { format: FORMAT, files };
      replaceFile(this.#file, JSON.stringify(document), 0o666);
    } catch {
      // Read-only checkout, full disk, …: the next run reads the files again.
    }
  }
}

/**
 * Whether the index may be written in `dir` (`<script location>/.cgmigrate-cache`),
 * creating it when missing: a real folder, not a symbolic link. Where there are owners,
 * the current user must own it and the script location it is in, so that no other user
 * can swap it for a link between this check and the write: a project another user owns
 * (root running `cgmigrate` in someone's checkout) is read, never written.
 */
function writableCacheFolder(dir: string): boolean {
  const uid = currentUid();
  if (uid !== undefined && statSync(path.dirname(dir)).uid !== uid) return false;
  let stats = lstatSync(dir, { throwIfNoEntry: false });
  if (stats === undefined) {
    mkdirSync(dir);
    stats = lstatSync(dir);
  }
  return stats.isDirectory() && (uid === undefined || stats.uid === uid);
}

const isNullableString = (value: unknown): boolean => value === null || typeof value === 'string';
const isRevisionList = (value: unknown): boolean =>
  isNullableString(value) || (Array.isArray(value) && value.every((item) => typeof item === 'string'));

/**
 * Whether `value` is an index of this format whose every entry has the shape {@link Entry}
 * gives it: a document of the right format but the wrong shape is ignored like an
 * unreadable one.
 */
function isIndexDocument(value: unknown): value is IndexDocument {
  const document = value as Partial<IndexDocument> | null;
  if (typeof document !== 'object' || document === null || document.format !== FORMAT || !Array.isArray(document.files)) return false;
  return document.files.every(
    (entry: unknown) =>
      Array.isArray(entry) &&
      entry.length === 10 &&
      typeof entry[0] === 'string' &&
      typeof entry[1] === 'number' &&
      typeof entry[2] === 'number' &&
      typeof entry[3] === 'number' &&
      typeof entry[4] === 'number' &&
      typeof entry[5] === 'string' &&
      isRevisionList(entry[6]) &&
      isRevisionList(entry[7]) &&
      isRevisionList(entry[8]) &&
      isNullableString(entry[9]),
  );
}
