import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MigrationHeader } from './migration-header.js';

/**
 * What identifies one version of a file without reading it: modification and change
 * times, size and inode. `ctime` cannot be set by tools that restore `mtime`
 * (`touch -d`, `cp -p`, archive extraction), so an edit always changes the stamp.
 */
export type FileStamp = readonly [mtimeMs: number, ctimeMs: number, size: number, ino: number];

/** The index file's format; a file written by another format is ignored and replaced. */
const FORMAT = 2;

/** The folder, inside the script location, that holds cgmigrate's caches. */
export const CACHE_DIR = '.cgmigrate-cache';

const INDEX_FILE = 'headers.json';

/** Makes git (and tools that read .gitignore) leave the cache folder alone. */
const GITIGNORE = '# Written by cgmigrate: a cache of migration headers, safe to delete.\n*\n';

/** A file's stamp and header, flat: fewer objects to parse and collect at 10,000 entries. */
type Entry = readonly [
  ...FileStamp,
  revision: string,
  downRevision: MigrationHeader['downRevision'],
  branchLabels: MigrationHeader['branchLabels'] | null,
  dependsOn: MigrationHeader['dependsOn'] | null,
  message: string | null,
];

interface IndexDocument {
  readonly format: number;
  /** File name in the versions folder → its stamp and the header parsed from it. */
  readonly files: Record<string, Entry>;
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
  readonly #previous: IndexDocument['files'];
  readonly #previousCount: number;
  /** Entries written by a stamp not older than this (the index file's own mtime) are racy. */
  readonly #writtenAtMs: number;
  readonly #next: Record<string, Entry> = {};
  /** Entries carried over from the previous index unchanged. */
  #kept = 0;
  #changed = false;

  private constructor(file: string, previous: IndexDocument['files'], writtenAtMs: number) {
    this.#file = file;
    this.#previous = previous;
    this.#previousCount = Object.keys(previous).length;
    this.#writtenAtMs = writtenAtMs;
  }

  /** The index of the script location `location`; empty when there is none yet. */
  static open(location: string): HeaderIndex {
    const file = path.join(location, CACHE_DIR, INDEX_FILE);
    try {
      const writtenAtMs = statSync(file).mtimeMs;
      const document = JSON.parse(readFileSync(file, 'utf8')) as Partial<IndexDocument>;
      if (document.format === FORMAT && typeof document.files === 'object' && document.files !== null) {
        return new HeaderIndex(file, document.files, writtenAtMs);
      }
    } catch {
      // No index yet, or one that cannot be read: every file is read once more.
    }
    return new HeaderIndex(file, {}, -Infinity);
  }

  /**
   * The cached header of `name` (in the versions folder, at `file`) when the file is
   * unchanged since it was cached; otherwise `undefined` and the stamp to {@link remember}
   * it by once it is parsed.
   */
  lookup(name: string, file: string): { readonly header: MigrationHeader } | { readonly stamp: FileStamp } {
    const stats = statSync(file);
    const entry = this.#previous[name];
    if (
      entry !== undefined &&
      entry[0] === stats.mtimeMs &&
      entry[1] === stats.ctimeMs &&
      entry[2] === stats.size &&
      entry[3] === stats.ino &&
      stats.mtimeMs < this.#writtenAtMs &&
      stats.ctimeMs < this.#writtenAtMs
    ) {
      this.#next[name] = entry;
      this.#kept++;
      return {
        header: {
          revision: entry[4],
          downRevision: entry[5],
          branchLabels: entry[6] ?? undefined,
          dependsOn: entry[7] ?? undefined,
          message: entry[8] ?? undefined,
        },
      };
    }
    return { stamp: [stats.mtimeMs, stats.ctimeMs, stats.size, stats.ino] };
  }

  /** Records the header parsed from `name` as it was when stamped. */
  remember(name: string, stamp: FileStamp, header: MigrationHeader): void {
    // JSON has no `undefined`: null stands for it, which readers of a header treat alike.
    this.#next[name] = [
      ...stamp,
      header.revision,
      header.downRevision,
      header.branchLabels ?? null,
      header.dependsOn ?? null,
      header.message ?? null,
    ];
    this.#changed = true;
  }

  /**
   * Writes the index when a header was parsed or a file disappeared since it was read.
   * Never throws: a cache that cannot be written only costs the next run some reads.
   */
  save(): void {
    // Unchanged when nothing was parsed and every previous entry was looked up again (none vanished).
    if (!this.#changed && this.#kept === this.#previousCount) return;
    try {
      const dir = path.dirname(this.#file);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, '.gitignore'), GITIGNORE);
      // A whole new file renamed into place: a concurrent reader sees the old index or the new one.
      const temporary = `${this.#file}.${process.pid}.tmp`;
      const document: IndexDocument = { format: FORMAT, files: this.#next };
      writeFileSync(temporary, JSON.stringify(document));
      renameSync(temporary, this.#file);
    } catch {
      // Read-only checkout, full disk, …: the next run reads the files again.
    }
  }
}
