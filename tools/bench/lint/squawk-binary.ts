/**
 * The squawk binary the benchmark times beside cgmigrate: `squawk-cli` from npm, installed
 * on first use into a private folder of the user's cache (0700, owned by the user, no
 * symbolic link on the way), not into the repository. It is not a devDependency: npm
 * ships its binary in one package per platform, and a lock file that lists them all
 * cannot be installed where the registry serves only this machine's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

import { ensurePrivateFolder } from '@cloudguard/migrate-core/private-cache';

/** The squawk release timed: the one the report names. */
export const SQUAWK_PACKAGE = 'squawk-cli@2.66.0';

/** The folder squawk is installed in: `$XDG_CACHE_HOME` (or `~/.cache`)`/cgmigrate-bench/<package>`. */
function installFolder(): string {
  const cache = process.env['XDG_CACHE_HOME'] ?? path.join(homedir(), '.cache');
  return path.join(cache, 'cgmigrate-bench', SQUAWK_PACKAGE.replace('@', '-'));
}

/**
 * The path of the squawk binary, installing {@link SQUAWK_PACKAGE} first when it is not
 * there yet.
 *
 * @throws when the folder is not private, or npm cannot install the package.
 */
export function squawkBinary(): string {
  const folder = installFolder();
  const check = ensurePrivateFolder(folder);
  if (!check.ok) throw new Error(`cannot install squawk into ${folder}: ${check.reason}`);
  const binary = path.join(folder, 'node_modules', '.bin', 'squawk');
  if (!existsSync(binary)) {
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', folder, SQUAWK_PACKAGE], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return binary;
}
