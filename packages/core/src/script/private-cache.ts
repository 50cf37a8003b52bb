import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import type * as Crypto from 'node:crypto';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * The rules for every cache folder cgmigrate keeps outside the project (Node's compile
 * cache, which the CLI turns on, and the code cache of migrations beneath it), and the
 * one switch that turns every cache off.
 *
 * Such a folder sits at a predictable path, by default in the shared temp folder, and
 * what it holds is fed to V8, which checks a code cache against little more than the
 * length of its source. So a folder is used only when no other user can write it or
 * swap it: it is a real folder (not a symbolic link), owned by the current user, not
 * writable by group or others, and every folder above it is owned by the current user
 * or root and writable by no one else unless sticky (as `/tmp` is). A folder cgmigrate
 * creates is made 0700, a file 0600; a file is read only when it is a regular file
 * owned by the current user and writable by no one else, and written as a new file
 * (never through a symbolic link) renamed into place. The statement facts the linters
 * keep (`StatementFactStore`) live beside the code cache, under the same rules.
 *
 * This module imports nothing but Node's own: `bin/run.js` loads it before anything
 * else (`@cloudguard/migrate-core/private-cache`). It takes `node:crypto` only when it
 * needs it, since importing it costs `cgmigrate --version` a few milliseconds.
 */

/** `node:crypto`, loaded on first use. */
const crypto = (): typeof Crypto => process.getBuiltinModule('node:crypto');

/** Whether `CGMIGRATE_NO_CACHE` is set (to anything but an empty string): no cache is read or written. */
export function cachesDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env['CGMIGRATE_NO_CACHE']);
}

/** A folder that may hold a cache, or why it may not. */
export type FolderCheck = { readonly ok: true; readonly folder: string } | { readonly ok: false; readonly folder: string; readonly reason: string };

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** The sticky bit: in a folder that has it, only an entry's owner (or root) may rename or remove it. */
const S_ISVTX = 0o1000;

/** The current user's id, or `undefined` where there are no POSIX owners (Windows). */
export function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function mode(stats: Stats): string {
  return `mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')}`;
}

/** Why `stats` (of `what`) makes a cache entry another user could have written, or `undefined`. */
function ownershipProblem(what: string, stats: Stats, uid: number | undefined): string | undefined {
  if (uid === undefined) return undefined;
  if (stats.uid !== uid) return `${what} is owned by uid ${stats.uid}, not by you (uid ${uid})`;
  if ((stats.mode & 0o022) !== 0) return `${what} is writable by other users (${mode(stats)})`;
  return undefined;
}

/**
 * Why a folder above a cache folder would let another user swap it: owned by someone other
 * than the current user and root, or writable by group or others without the sticky bit.
 */
function ancestorProblem(folder: string, uid: number | undefined): string | undefined {
  if (uid === undefined) return undefined;
  const chains = [folder];
  try {
    const real = realpathSync(folder);
    if (real !== folder) chains.push(real);
  } catch {
    // A folder above that does not exist yet: the lexical chain is all there is.
  }
  for (const chain of chains) {
    for (let current = chain; ; current = path.dirname(current)) {
      const stats = lstatSync(current, { throwIfNoEntry: false });
      if (stats?.isDirectory()) {
        if (stats.uid !== uid && stats.uid !== 0) return `${current} (a folder above it) is owned by uid ${stats.uid}, neither you nor root`;
        if ((stats.mode & 0o022) !== 0 && (stats.mode & S_ISVTX) === 0) {
          return `${current} (a folder above it) is writable by other users and not sticky (${mode(stats)})`;
        }
      }
      if (path.dirname(current) === current) break;
    }
  }
  return undefined;
}

/** Checks an existing folder against the rules above, without creating anything. */
export function checkPrivateFolder(folder: string): FolderCheck {
  const absolute = path.resolve(folder);
  const uid = currentUid();
  const stats = lstatSync(absolute, { throwIfNoEntry: false });
  const refuse = (reason: string): FolderCheck => ({ ok: false, folder: absolute, reason });
  if (stats === undefined) return refuse(`${absolute} does not exist`);
  if (stats.isSymbolicLink()) return refuse(`${absolute} is a symbolic link`);
  if (!stats.isDirectory()) return refuse(`${absolute} is not a folder`);
  const problem = ownershipProblem(absolute, stats, uid) ?? ancestorProblem(path.dirname(absolute), uid);
  return problem === undefined ? { ok: true, folder: absolute } : refuse(problem);
}

/**
 * The folder, created 0700 (with any missing folder above it) when it does not exist,
 * when it may hold a cache; otherwise why not. Never throws.
 */
export function ensurePrivateFolder(folder: string): FolderCheck {
  const absolute = path.resolve(folder);
  try {
    if (lstatSync(absolute, { throwIfNoEntry: false }) === undefined) {
      // Refuse before creating anything under a folder another user could swap.
      const above = ancestorProblem(path.dirname(absolute), currentUid());
      if (above !== undefined) return { ok: false, folder: absolute, reason: above };
      const created = mkdirSync(absolute, { recursive: true, mode: 0o700 });
      // The umask can only take bits away from 0700; give the owner back what it took.
      if (created !== undefined) chmodSync(absolute, 0o700);
    }
    return checkPrivateFolder(absolute);
  } catch (error) {
    return { ok: false, folder: absolute, reason: `${absolute} cannot be used (${(error as Error).message})` };
  }
}

/**
 * The bytes of `file` in a private folder, when it is a regular file (a symbolic link is
 * not followed) owned by the current user and writable by no one else; otherwise
 * `undefined` (`describeScriptCache` says why under `--verbose`).
 */
export function readPrivateFile(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || ownershipProblem(file, stats, currentUid()) !== undefined) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `file` (in a folder the caller has checked) with `bytes`: written to a new file
 * of a random name, created exclusively and never through a symbolic link, with `mode`
 * (0600 unless told), then renamed over `file`, which replaces a symbolic link there
 * rather than writing where it points. Throws when it cannot.
 */
export function replaceFile(file: string, bytes: Uint8Array | string, fileMode = 0o600): void {
  // Unique per writer (processes in containers can share a pid, threads do); rename replaces the file whole.
  const partial = `${file}.${process.pid}-${crypto().randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, fileMode);
  try {
    try {
      const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** Where Node keeps its compile cache when told nothing: `NODE_COMPILE_CACHE`, else `<temp dir>/node-compile-cache`. */
export function defaultCompileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['NODE_COMPILE_CACHE'] || path.join(os.tmpdir(), 'node-compile-cache');
}

/** What {@link enablePrivateCompileCache} did. */
export type CompileCacheState =
  | { readonly state: 'on'; readonly folder: string }
  | { readonly state: 'off'; readonly reason: string }
  | { readonly state: 'refused'; readonly folder: string; readonly reason: string };

/**
 * Turns Node's compile cache on (`module.enableCompileCache`) in its default folder, when
 * that folder is private to the user (created 0700 when missing): the CLI's entry opts in
 * with this; core never calls it. Off with `CGMIGRATE_NO_CACHE` or
 * `NODE_DISABLE_COMPILE_CACHE`. When `NODE_COMPILE_CACHE` is set, Node has turned the
 * cache on in that folder before any code ran; this only checks it, and cgmigrate keeps
 * nothing of its own there when it is not private.
 */
export function enablePrivateCompileCache(env: NodeJS.ProcessEnv = process.env): CompileCacheState {
  const enabled = module.getCompileCacheDir?.();
  if (enabled !== undefined) {
    const check = checkPrivateFolder(enabled);
    return check.ok ? { state: 'on', folder: check.folder } : { state: 'refused', folder: check.folder, reason: check.reason };
  }
  if (cachesDisabled(env)) return { state: 'off', reason: 'CGMIGRATE_NO_CACHE is set' };
  if (env['NODE_DISABLE_COMPILE_CACHE']) return { state: 'off', reason: 'NODE_DISABLE_COMPILE_CACHE is set' };
  if (typeof module.enableCompileCache !== 'function') return { state: 'off', reason: `Node ${process.version} has no compile cache` };
  const check = ensurePrivateFolder(defaultCompileCacheDir(env));
  if (!check.ok) return { state: 'refused', folder: check.folder, reason: check.reason };
  module.enableCompileCache(check.folder);
  return { state: 'on', folder: check.folder };
}

/**
 * One line for `--verbose` on Node's compile cache: where it is, or why it is not used.
 * It looks at the folders again rather than remembering what the entry did, so that the
 * oclif commands and the fast entry say the same.
 */
export function describeCompileCache(env: NodeJS.ProcessEnv = process.env): string {
  const enabled = module.getCompileCacheDir?.();
  if (enabled !== undefined) {
    const check = checkPrivateFolder(enabled);
    return check.ok ? `Compile cache: ${check.folder}` : `Compile cache: ${check.folder}, which Node uses but is not private: ${check.reason}`;
  }
  if (cachesDisabled(env)) return 'Compile cache: off (CGMIGRATE_NO_CACHE is set)';
  if (env['NODE_DISABLE_COMPILE_CACHE']) return 'Compile cache: off (NODE_DISABLE_COMPILE_CACHE is set)';
  const check = checkPrivateFolder(defaultCompileCacheDir(env));
  return check.ok ? 'Compile cache: off' : `Compile cache: not used, ${check.reason}`;
}

/** The folder, under Node's compile cache folder, that holds the code caches of migrations. */
export const SCRIPT_CACHE_DIR = 'cgmigrate-scripts';

/** The code cache file of the migrations in `folder`, under the compile cache folder `compileCacheDir`. */
export function scriptCacheFile(folder: string, compileCacheDir: string): string {
  const name = crypto().hash('sha256', path.resolve(folder), 'hex').slice(0, 32);
  return path.join(compileCacheDir, SCRIPT_CACHE_DIR, `${name}.bin`);
}

/**
 * One line for `--verbose` on the code cache of the migrations in `folder` (see
 * `MigrationScriptCache`): its file, or why there is none. Like {@link describeCompileCache},
 * it looks at the folders rather than remembering.
 */
export function describeScriptCache(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  return describeCacheFile('Migration code cache', (compileCacheDir) => scriptCacheFile(folder, compileCacheDir), env);
}

/** The folder, under Node's compile cache folder, that holds what the statement linters read of statements. */
export const FACT_CACHE_DIR = 'cgmigrate-statement-facts';

/**
 * The file of statement facts (see `StatementFactStore`) of the project whose scripts are
 * in `scriptLocation`, under the compile cache folder `compileCacheDir`.
 */
export function factCacheFile(scriptLocation: string, compileCacheDir: string): string {
  const name = crypto().hash('sha256', path.resolve(scriptLocation), 'hex').slice(0, 32);
  return path.join(compileCacheDir, FACT_CACHE_DIR, `${name}.json`);
}

/** One line for `--verbose` on the lint's statement facts of the project in `scriptLocation`: its file, or why there is none. */
export function describeFactCache(scriptLocation: string, env: NodeJS.ProcessEnv = process.env): string {
  return describeCacheFile('Lint statement cache', (compileCacheDir) => factCacheFile(scriptLocation, compileCacheDir), env);
}

/** `label: <file>` for a cache file kept under Node's compile cache folder, or `label: off (…)`/`not used, …` saying why it is not used. */
function describeCacheFile(label: string, fileUnder: (compileCacheDir: string) => string, env: NodeJS.ProcessEnv): string {
  if (cachesDisabled(env)) return `${label}: off (CGMIGRATE_NO_CACHE is set)`;
  const compileCacheDir = module.getCompileCacheDir?.();
  if (compileCacheDir === undefined) return `${label}: off (Node's compile cache is off)`;
  const file = fileUnder(compileCacheDir);
  const dir = path.dirname(file);
  const check = lstatSync(dir, { throwIfNoEntry: false }) === undefined ? checkPrivateFolder(compileCacheDir) : checkPrivateFolder(dir);
  if (!check.ok) return `${label}: not used, ${check.reason}`;
  const stats = lstatSync(file, { throwIfNoEntry: false });
  let problem: string | undefined;
  if (stats?.isSymbolicLink()) problem = `${file} is a symbolic link`;
  else if (stats !== undefined && !stats.isFile()) problem = `${file} is not a regular file`;
  else if (stats !== undefined) problem = ownershipProblem(file, stats, currentUid());
  return problem === undefined ? `${label}: ${file}` : `${label}: not used, ${problem}`;
}
