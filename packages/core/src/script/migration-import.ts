import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A module format Node accepts from a load hook. */
export type ModuleFormat = 'module' | 'module-typescript';

/** Migration modules whose source this process has read, by URL, until Node loads them. */
const pending = new Map<string, { readonly source: string; readonly format: ModuleFormat }>();

/**
 * URLs already handed to Node: it answers a second `import()` from its module cache
 * without loading again, so their text is not kept (a service that migrates more than
 * once would otherwise hold every source it ever read).
 */
const handedOver = new Set<string>();

/** Package scope type (`"type": "module"` or not) of each folder asked about. */
const moduleScopes = new Map<string, boolean>();

/** The `file:` URL of each absolute folder a migration was imported from, ending in `/`. */
const folderUrls = new Map<string, string>();

/**
 * A file name whose URL form is itself: ASCII letters, digits, `_`, `-` and `.`, not
 * starting with a dot (so never `.` or `..`).
 */
const PLAIN_NAME = /^[\w-][\w.-]*$/;

/** Whether the real directory of each folder asked about is the folder itself (no symlink on the way). */
const realFolders = new Map<string, boolean>();

/** Whether the program opted in to synchronous module hooks ({@link useModuleHooksForMigrations}). */
let hooksAllowed = false;
let hooksRegistered = false;

/**
 * Lets migration imports go through a synchronous module hook (`module.registerHooks`)
 * that hands Node the text cgmigrate already read, instead of letting Node resolve and
 * read each file again. The hook is process-wide and stays for the life of the process,
 * seeing every later `import` of the program, so core never installs it by itself: the
 * CLI opts in, and a service that calls core's API keeps a module system without hooks
 * (its migrations load through a plain `import()`).
 */
export function useModuleHooksForMigrations(): void {
  hooksAllowed = true;
}

/** What the caller already knows about a migration file. */
export interface ImportSourceOptions {
  /**
   * The file is a regular file, not a symbolic link (its directory listing said so), so
   * it need not be `lstat`ed again.
   */
  readonly regularFile?: boolean;
}

/**
 * Imports a migration file whose text the caller has already read (for its header or
 * checksum), handing Node that text instead of letting it resolve and read the file
 * again. With 1,000 migrations to run, Node's own resolution (a `stat`, a `realpath`
 * and a package-scope lookup per file) and second read cost about as much as
 * compiling them; this halves the time to import them.
 *
 * Only files whose format Node would decide without looking at their text are taken
 * this way: `.mts`/`.mjs`, and `.ts`/`.js` in a package scope with `"type": "module"`.
 * The file must not be a symbolic link and its folder must be its real path, so the
 * module's URL (its `import.meta.url`, the base of its relative imports) is the one
 * Node would give it. Everything else, a program that has not opted in with
 * {@link useModuleHooksForMigrations} (a service using core's API), and Node versions
 * without synchronous module hooks (`module.registerHooks`, Node 22.15+), goes through a
 * plain `import()`.
 *
 * @returns the module namespace, as `import()` returns it.
 */
export function importMigrationSource(file: string, source?: string, options: ImportSourceOptions = {}): Promise<unknown> {
  const url = fileUrl(file);
  const format = formatKnownWithoutReading(file, options.regularFile === true);
  if (format !== undefined && !handedOver.has(url) && registerHooks()) {
    pending.set(url, { source: source ?? readFileSync(file, 'utf8'), format });
    handedOver.add(url);
  }
  return import(url);
}

/**
 * `pathToFileURL(file).href`, built from the folder's URL when the name needs no
 * escaping: one URL parse per folder instead of one per migration.
 */
export function fileUrl(file: string): string {
  const name = path.basename(file);
  if (!PLAIN_NAME.test(name) || !file.endsWith(name) || !path.isAbsolute(file)) return pathToFileURL(file).href;
  const folder = file.slice(0, file.length - name.length);
  const base = folderUrls.get(folder);
  if (base !== undefined) return base + name;
  const url = pathToFileURL(file).href;
  if (url.endsWith(`/${name}`)) folderUrls.set(folder, url.slice(0, url.length - name.length));
  return url;
}

function registerHooks(): boolean {
  if (hooksRegistered) return true;
  if (!hooksAllowed || typeof module.registerHooks !== 'function') return false;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const entry = pending.get(specifier);
      if (entry !== undefined) return { url: specifier, format: entry.format, shortCircuit: true };
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      const entry = pending.get(url);
      if (entry === undefined) return nextLoad(url, context);
      pending.delete(url);
      return { source: entry.source, format: entry.format, shortCircuit: true };
    },
  });
  hooksRegistered = true;
  return true;
}

/** The format Node gives `file` by its extension and package scope alone, or `undefined` when it may look further. */
export function formatKnownWithoutReading(file: string, regularFile: boolean): ModuleFormat | undefined {
  const extension = path.extname(file);
  const typescript = extension === '.ts' || extension === '.mts';
  if (!typescript && extension !== '.js' && extension !== '.mjs') return undefined;
  const folder = path.dirname(file);
  if (!isRealFolder(folder)) return undefined;
  if (!regularFile && lstatSync(file, { throwIfNoEntry: false })?.isFile() !== true) return undefined;
  if ((extension === '.ts' || extension === '.js') && !inModuleScope(folder)) return undefined;
  return typescript ? 'module-typescript' : 'module';
}

function isRealFolder(folder: string): boolean {
  let real = realFolders.get(folder);
  if (real === undefined) {
    try {
      real = realpathSync(folder) === folder;
    } catch {
      real = false;
    }
    realFolders.set(folder, real);
  }
  return real;
}

/** Whether the nearest package.json above `folder` says `"type": "module"`, as Node reads it. */
function inModuleScope(folder: string): boolean {
  let known = moduleScopes.get(folder);
  if (known !== undefined) return known;
  const manifest = path.join(folder, 'package.json');
  const parent = path.dirname(folder);
  if (path.basename(folder) === 'node_modules') {
    known = false;
  } else if (existsSync(manifest)) {
    try {
      known = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
    } catch {
      known = false;
    }
  } else {
    known = parent === folder ? false : inModuleScope(parent);
  }
  moduleScopes.set(folder, known);
  return known;
}
