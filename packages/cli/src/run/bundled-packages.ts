import { readFileSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The packages the fast entry's bundle (`dist/fast/`, built by
 * `scripts/bundle-fast-entry.ts`) carries whole, each as an entry chunk named here: core's
 * API and the first-party adapters, the packages a config file or a migration imports.
 */
export const BUNDLED_PACKAGES: Readonly<Record<string, string>> = {
  '@cloudguard/migrate-core': 'core',
  '@cloudguard/migrate-adapter-sqlite': 'adapter-sqlite',
  '@cloudguard/migrate-adapter-postgres': 'adapter-postgres',
};

/**
 * Makes `import … from '@cloudguard/migrate-core'` (or from a first-party adapter) in a
 * config file or a migration load the bundle's chunk of that package, the very module
 * the fast entry runs, instead of the package's own files, when the package that import
 * would load is the one the CLI carries: same name, same version as the CLI's own
 * dependency. Without it a `cgmigrate.config.ts` that imports `defineConfig` loads a
 * second core file by file (61 modules), and one whose `adapter` is `sqliteAdapter({…})`
 * also runs that second adapter's `connect()`, which loads MikroORM and Kysely file by
 * file (426 modules): a no-op `upgrade` went from 46 modules to 107 and 537.
 *
 * A synchronous module hook (`module.registerHooks`), process-wide for the rest of the
 * process: the CLI installs it (the fast entry, before it reads the config), as it opts in
 * to core's migration hook; a library must not. When the fast entry hands a command to
 * oclif after reading the config (a URL scheme for a plugin's adapter), oclif's own
 * imports of these packages get the chunks too: the same code, one copy. An import of
 * another version of the package, or of one whose `package.json` cannot be read, loads as
 * it would without the hook (a second core works, only slower: errors carry a `Symbol.for`
 * brand). Subpath imports (`@cloudguard/migrate-core/testing`) are left alone. Without
 * `module.registerHooks` (Node before 22.15) nothing changes. Tested by
 * `tests/e2e/config-imports.e2e.test.ts`.
 *
 * @param bundleDir the `file:` URL of the bundle's folder, ending in `/`.
 */
export function shareBundledPackages(bundleDir: string): void {
  if (typeof module.registerHooks !== 'function') return;
  const shared = new Map<string, boolean>();
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const chunk = Object.hasOwn(BUNDLED_PACKAGES, specifier) ? BUNDLED_PACKAGES[specifier] : undefined;
      const resolved = nextResolve(specifier, context);
      if (chunk === undefined) return resolved;
      let same = shared.get(resolved.url);
      if (same === undefined) {
        same = sharesBundledCopy(specifier, resolved.url, () => nextResolve(specifier, { ...context, parentURL: `${bundleDir}fast-entry.js` }).url);
        shared.set(resolved.url, same);
      }
      return same ? { url: `${bundleDir}${chunk}.js`, format: 'module', shortCircuit: true } : resolved;
    },
  });
}

/**
 * Whether `url`, a file of the package `name`, is the CLI's own copy of it (`ownUrl`, where
 * the CLI resolves it) or a copy of the same version.
 */
function sharesBundledCopy(name: string, url: string, ownUrl: () => string): boolean {
  let own: string;
  try {
    own = ownUrl();
  } catch {
    return false; // the CLI's own copy is missing: nothing to compare with
  }
  if (url === own) return true;
  const version = packageVersion(name, url);
  return version !== undefined && version === packageVersion(name, own);
}

/** The version of the package `name` that `url` is a file of, or `undefined` when that cannot be told. */
function packageVersion(name: string, url: string): string | undefined {
  const version = packageManifest(name, url)?.['version'];
  return typeof version === 'string' ? version : undefined;
}

/**
 * The `package.json` of the package `name` that `url` is a file of (the nearest one above
 * it that has a name), or `undefined` when `url` is not a file of that package.
 */
export function packageManifest(name: string, url: string): Readonly<Record<string, unknown>> | undefined {
  if (!url.startsWith('file:')) return undefined;
  let dir = path.dirname(fileURLToPath(url));
  for (;;) {
    const manifest = readManifest(path.join(dir, 'package.json'));
    if (manifest === null) return undefined;
    // A package.json without a name (e.g. `{ "type": "module" }` in a subfolder) does not end the package.
    if (manifest?.name !== undefined) return manifest.name === name ? manifest : undefined;
    const parent = path.dirname(dir);
    if (parent === dir || path.basename(dir) === 'node_modules') return undefined;
    dir = parent;
  }
}

/** A `package.json`'s fields; `undefined` when there is none, `null` when it cannot be read. */
function readManifest(file: string): Readonly<Record<string, unknown>> | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
  try {
    const manifest: unknown = JSON.parse(text);
    return typeof manifest === 'object' && manifest !== null ? (manifest as Readonly<Record<string, unknown>>) : null;
  } catch {
    return null;
  }
}
