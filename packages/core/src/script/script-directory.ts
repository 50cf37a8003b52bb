import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { MalformedMigrationError, ScriptLocationNotFoundError, isMigrateError, type SourceLocation } from '../errors.js';
import { locateInStack, locateSyntaxError } from './source-location.js';
import { fileExports } from '../config/default-export.js';
import type { Migration } from '../migration.js';
import { RevisionMap } from '../revision/revision-map.js';
import { createRevision, toRevisionList, type Revision } from '../revision/revision.js';
import { HeaderIndex, isFileStamp } from './header-index.js';
import {
  headerOfClass,
  migrationOfClass,
  pickMigrationExport,
  type MigrationClassAdapter,
  type MigrationClassRunner,
  type MigrationExport,
} from './migration-export.js';
import { importMigrationSource } from './migration-import.js';
import { cachesDisabled } from './private-cache.js';
import { parseMigrationHeader, type MigrationHeader } from './migration-header.js';
import { REVISION_TEMPLATE_FILE } from './revision-template.js';

/** File endings read as migrations. Declarations and tests next to them are skipped. */
const MIGRATION_FILE = /^(?![._]).*(?<!\.d)(?<!\.test|\.spec)\.(?:ts|mts|js|mjs)$/;

/** Endings of JavaScript and TypeScript code, in any case: a skipped file with one of them may be a lost migration. */
const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

/**
 * Files skipped without a word, each for a documented reason (docs/cli.md, "Which files
 * are migrations"): type declarations hold no code, tests are often kept beside the
 * migrations they test, and `.#name` is the lock link Emacs makes while a file is
 * being edited (Alembic skips it too).
 */
const QUIETLY_SKIPPED = /^\.#|\.d\.[cm]?ts$|\.(?:test|spec)\.[cm]?[jt]sx?$/i;

/** A file in `versions/` that looks like code but is not read as a migration, and why. */
export interface SkippedScriptFile {
  /** The file (absolute). */
  readonly path: string;
  /** Why it is skipped, e.g. `its name starts with "_"`. */
  readonly reason: string;
}

/**
 * Whether a file name in `versions/` is read as a migration: it ends in `.ts`, `.mts`,
 * `.js` or `.mjs`, does not start with `_` or `.`, and is not a declaration (`.d.ts`)
 * or a test (`.test.ts`, `.spec.ts`).
 */
export function isMigrationFileName(name: string): boolean {
  return MIGRATION_FILE.test(name);
}

/**
 * Why a file name that looks like code is not read as a migration, whatever the reason
 * (a declaration and a test included), or `undefined` when it is read as one or is not
 * code at all.
 *
 * ### Examples
 * ```ts
 * notMigrationReason('_0001_init.ts')   // 'its name starts with "_"'
 * notMigrationReason('0001_a.d.ts')     // 'it is a type declaration (.d.ts)'
 * notMigrationReason('0001_init.ts')    // undefined
 * ```
 */
export function notMigrationReason(name: string): string | undefined {
  if (MIGRATION_FILE.test(name) || !CODE_FILE.test(name)) return undefined;
  if (name.startsWith('_') || name.startsWith('.')) return `its name starts with "${name[0]}"`;
  if (/\.d\.[cm]?ts$/i.test(name)) return 'it is a type declaration (.d.ts)';
  if (/\.(?:test|spec)\.[cm]?[jt]sx?$/i.test(name)) return 'its name ends like a test (.test.ts, .spec.ts)';
  return 'its extension is not one that is read as a migration (.ts, .mts, .js, .mjs)';
}

/**
 * Why the script directory skips a file name that looks like code, for the warning it
 * gives; `undefined` when the name is read as a migration, is not code, or is skipped
 * quietly (declarations, tests, editor lock links: see {@link QUIETLY_SKIPPED}).
 *
 * ### Examples
 * ```ts
 * skippedFileReason('_0001_init.ts') // 'its name starts with "_"'
 * skippedFileReason('0001_init.ts')  // undefined: a migration
 * skippedFileReason('notes.md')      // undefined: not code
 * ```
 */
export function skippedFileReason(name: string): string | undefined {
  return QUIETLY_SKIPPED.test(name) ? undefined : notMigrationReason(name);
}

/**
 * The warning for a skipped file: which, why, and what to do.
 *
 * ### Examples
 * ```ts
 * describeSkippedFile({ path: '/app/migrations/versions/_a1_init.ts', reason: 'its name starts with "_"' })
 * // 'Skipped /app/migrations/versions/_a1_init.ts: its name starts with "_", so it is not read as a migration; …'
 * ```
 */
export function describeSkippedFile(file: SkippedScriptFile): string {
  return `Skipped ${file.path}: ${file.reason}, so it is not read as a migration; rename it if it is one, or move it out of versions/`;
}

/** The file-system operations a {@link ScriptDirectory} performs, injectable for tests. */
export interface ScriptDirectoryIo {
  readdir(dir: string): string[];
  readFile(file: string): string;
  importModule(file: string): Promise<unknown>;
  /**
   * The headers kept from earlier runs ({@link HeaderIndex}); without it every header is
   * parsed from its file.
   */
  openHeaderIndex?(location: string): HeaderIndex | undefined;
}

export type { MigrationClassAdapter } from './migration-export.js';

/** Options of {@link ScriptDirectory.load} and {@link ScriptDirectory.fromRevisions}. */
export interface ScriptDirectoryOptions {
  /**
   * The adapter that runs the files written as migration classes (MikroORM's form,
   * through its `migrationClasses()`), resolved the first time a file's export is a class:
   * reading headers never asks for it, and its `migrationClasses()` is called at most
   * once. Without it, such a file is {@link MalformedMigrationError} when it is imported.
   */
  readonly migrationClassAdapter?: (() => Promise<MigrationClassAdapter>) | undefined;
}

/**
 * The {@link HeaderIndex} of a script location, unless `CGMIGRATE_NO_CACHE` is set
 * (to anything but an empty string).
 */
export function openHeaderIndex(location: string): HeaderIndex | undefined {
  return cachesDisabled() ? undefined : HeaderIndex.open(location);
}

const nodeIo: ScriptDirectoryIo = {
  readdir: (dir) => readdirSync(dir),
  readFile: readSmallFile,
  importModule: (file) => importMigrationSource(file),
  openHeaderIndex,
};

/** One buffer for every migration file that fits in it, instead of one allocation (and fstat) per file. */
const sharedBuffer = Buffer.allocUnsafe(64 * 1024);

/** A file as UTF-8 text: read into {@link sharedBuffer} when it fits, which most migration files do. */
function readSmallFile(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const length = readSync(fd, sharedBuffer, 0, sharedBuffer.length, 0);
    if (length < sharedBuffer.length) return sharedBuffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
  return readFileSync(file, 'utf8');
}

/** The revisions of a script directory's files, in file-name order, and the files skipped. */
export interface ScriptRevisions {
  readonly revisions: readonly Revision[];
  readonly skippedFiles: readonly SkippedScriptFile[];
}

/**
 * The migration scripts of a project: `<location>/versions/*.{ts,js,mts,mjs}` mapped
 * onto a {@link RevisionMap}. Reading the map costs one `stat` per revision, and one
 * file read for each file that changed since the last run (see {@link HeaderIndex});
 * modules are imported only when they are about to run. A file's migration is its
 * default export object, or a migration class (MikroORM's form) that the adapter given
 * as {@link ScriptDirectoryOptions.migrationClassAdapter} runs.
 */
export class ScriptDirectory {
  readonly #io: ScriptDirectoryIo;
  readonly #migrations = new Map<string, Promise<Migration>>();
  readonly #migrationClassAdapter: ScriptDirectoryOptions['migrationClassAdapter'];
  #migrationClassRunner: Promise<MigrationClassRunner> | undefined;

  private constructor(
    /** The script location (absolute). */
    readonly location: string,
    /** The revision graph of every script. */
    readonly map: RevisionMap,
    /**
     * Files in `versions/` that look like code but are not read as migrations (see
     * {@link skippedFileReason}), in name order; commands warn about each.
     */
    readonly skippedFiles: readonly SkippedScriptFile[],
    io: ScriptDirectoryIo,
    options: ScriptDirectoryOptions,
  ) {
    this.#io = io;
    this.#migrationClassAdapter = options.migrationClassAdapter;
  }

  /** Folder that holds the migration files. */
  get versionsDir(): string {
    return path.join(this.location, 'versions');
  }

  /** The revision template a project may edit. */
  get templatePath(): string {
    return path.join(this.location, REVISION_TEMPLATE_FILE);
  }

  /**
   * Reads every migration file's header and builds the revision graph.
   *
   * @throws {ScriptLocationNotFoundError} when `location` or its `versions/` folder is missing.
   * @throws {MalformedMigrationError} when a file has no readable revision.
   * @throws the graph errors of {@link RevisionMap.from} (duplicates, missing parents, cycles).
   */
  static async load(location: string, io: ScriptDirectoryIo = nodeIo, options: ScriptDirectoryOptions = {}): Promise<ScriptDirectory> {
    const { revisions, skippedFiles } = await ScriptDirectory.readRevisions(location, io);
    return new ScriptDirectory(location, RevisionMap.from(revisions), skippedFiles, io, options);
  }

  /**
   * The script directory of revisions read by {@link readRevisions} and a graph built
   * from them, for a caller that checks the revisions before it builds their graph
   * (`verify`, which reports every fault of the graph rather than the first).
   *
   * @throws the graph errors of {@link RevisionMap.from} (duplicates, missing parents, cycles).
   */
  static fromRevisions(location: string, read: ScriptRevisions, io: ScriptDirectoryIo = nodeIo, options: ScriptDirectoryOptions = {}): ScriptDirectory {
    return new ScriptDirectory(location, RevisionMap.from(read.revisions), read.skippedFiles, io, options);
  }

  /**
   * Reads every migration file's header, without building the revision graph.
   *
   * @throws {ScriptLocationNotFoundError} when `location` or its `versions/` folder is missing.
   * @throws {MalformedMigrationError} when a file has no readable revision, or exports a
   *   migration class whose static header members cannot be read from its source.
   */
  static async readRevisions(location: string, io: ScriptDirectoryIo = nodeIo): Promise<ScriptRevisions> {
    const versionsDir = path.join(location, 'versions');
    let names: string[];
    try {
      names = io.readdir(versionsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        throw new ScriptLocationNotFoundError(safeExists(io, location) ? versionsDir : location);
      }
      throw error;
    }
    const index = io.openHeaderIndex?.(location);
    const revisions: Revision[] = [];
    const skippedFiles: SkippedScriptFile[] = [];
    const prefix = versionsDir + path.sep;
    for (const name of names.sort()) {
      if (!MIGRATION_FILE.test(name)) {
        const reason = skippedFileReason(name);
        if (reason !== undefined) skippedFiles.push({ path: prefix + name, reason });
        continue;
      }
      const file = prefix + name;
      const cached = index?.lookup(name, file);
      let header: MigrationHeader | undefined;
      if (cached !== undefined && !isFileStamp(cached)) {
        header = cached;
      } else {
        header = parseMigrationHeader(io.readFile(file), file);
        if (header !== undefined && cached !== undefined) index?.remember(name, cached, header);
      }
      revisions.push(toRevision(header ?? (await readHeaderByImport(io, file)), file));
    }
    index?.save();
    return { revisions, skippedFiles };
  }

  /**
   * Imports a revision's module and checks it against what its header declared.
   *
   * @throws {MalformedMigrationError}
   */
  importMigration(revision: Revision): Promise<Migration> {
    let loading = this.#migrations.get(revision.id);
    if (!loading) {
      loading = importAndCheck(this.#io, revision, () => this.#runnerOfClasses());
      this.#migrations.set(revision.id, loading);
    }
    return loading;
  }

  /** The adapter's support for migration classes, asked once, the first time a file exports a class. */
  #runnerOfClasses(): Promise<MigrationClassRunner | undefined> {
    const resolveAdapter = this.#migrationClassAdapter;
    if (resolveAdapter === undefined) return Promise.resolve(undefined);
    if (this.#migrationClassRunner === undefined) {
      const resolving = (async () => {
        const adapter = await resolveAdapter();
        return { adapter: adapter.name, support: await adapter.migrationClasses?.() };
      })();
      this.#migrationClassRunner = resolving;
      // An adapter that failed to load may load later (after an install): do not remember the failure.
      resolving.catch(() => {
        if (this.#migrationClassRunner === resolving) this.#migrationClassRunner = undefined;
      });
    }
    return this.#migrationClassRunner;
  }

  /**
   * A revision's file as text, through the directory's reader (which may already hold
   * it); `''` for a revision without a file.
   */
  readSource(revision: Revision): string {
    return revision.path === undefined ? '' : this.#io.readFile(revision.path);
  }
}

function safeExists(io: ScriptDirectoryIo, dir: string): boolean {
  try {
    io.readdir(dir);
    return true;
  } catch {
    return false;
  }
}

function toRevision(header: MigrationHeader, file: string): Revision {
  try {
    return createRevision({
      id: header.revision,
      downRevisions: header.downRevision,
      dependsOn: header.dependsOn,
      branchLabels: header.branchLabels,
      message: header.message,
      path: file,
    });
  } catch (error) {
    if (isMigrateError(error)) throw new MalformedMigrationError(file, error.message, { cause: error });
    throw error;
  }
}

/**
 * Imports `file` and picks its migration export (see {@link pickMigrationExport}).
 *
 * @throws {MalformedMigrationError} when it cannot be imported, or exports no migration.
 */
async function loadModule(io: ScriptDirectoryIo, file: string): Promise<MigrationExport> {
  let module: unknown;
  try {
    module = await io.importModule(file);
  } catch (error) {
    throw new MalformedMigrationError(file, `it could not be imported: ${(error as Error).message}`, {
      cause: error,
      location: locateImportError(io, error, file),
    });
  }
  return pickMigrationExport(fileExports(module), file);
}

/**
 * Where importing `file` failed: the frame or syntax error position its stack names, or
 * for a syntax error reported without one (`import()` of JavaScript), where Node's parser
 * finds it in the file.
 */
function locateImportError(io: ScriptDirectoryIo, error: unknown, file: string): SourceLocation | undefined {
  const found = locateInStack(error, file);
  if (found !== undefined || !(error instanceof SyntaxError)) return found;
  try {
    return locateSyntaxError(io.readFile(file), file);
  } catch {
    return undefined;
  }
}

async function readHeaderByImport(io: ScriptDirectoryIo, file: string): Promise<MigrationHeader> {
  const exported = await loadModule(io, file);
  if (exported.kind === 'class') return headerOfClass(exported, file);
  const migration = exported.migration;
  if (typeof migration.revision !== 'string') {
    throw new MalformedMigrationError(file, "its default export has no string 'revision'");
  }
  if (migration.downRevision === undefined) {
    throw new MalformedMigrationError(file, "its default export has no 'downRevision' (use null for the first revision)");
  }
  return {
    revision: migration.revision,
    downRevision: migration.downRevision,
    branchLabels: migration.branchLabels,
    dependsOn: migration.dependsOn,
    message: migration.message,
  };
}

async function importAndCheck(
  io: ScriptDirectoryIo,
  revision: Revision,
  runnerOfClasses: () => Promise<MigrationClassRunner | undefined>,
): Promise<Migration> {
  const file = revision.path ?? revision.id;
  const exported = await loadModule(io, file);
  const migration = exported.kind === 'class' ? await migrationOfClass(exported, revision, runnerOfClasses) : checkedObject(exported.migration, revision, file);
  if (typeof migration !== 'object' || migration === null || typeof migration.up !== 'function') {
    throw new MalformedMigrationError(file, 'it has no up() function');
  }
  if (migration.down !== undefined && typeof migration.down !== 'function') {
    throw new MalformedMigrationError(file, 'its down is not a function');
  }
  return migration as Migration;
}

/**
 * A default export object whose `revision` and `downRevision` are the ones its header declared.
 *
 * @throws {MalformedMigrationError}
 */
function checkedObject(migration: Partial<Migration>, revision: Revision, file: string): Partial<Migration> {
  if (migration.revision !== revision.id) {
    throw new MalformedMigrationError(file, `it exports revision '${String(migration.revision)}' but its header says '${revision.id}'`);
  }
  const parents = toRevisionList(migration.downRevision ?? null);
  if (parents.join(',') !== revision.downRevisions.join(',')) {
    throw new MalformedMigrationError(file, `its downRevision (${parents.join(', ') || 'null'}) differs from its header's`);
  }
  return migration;
}
