#!/usr/bin/env node
// `npm run pack`: builds every publishable package of the workspace (each packages/* folder
// whose package.json is not private) and writes their tarballs, exactly as `npm publish` would
// upload them, into dist/packages/; then prints the one command that installs them globally.
//
// The CLI depends on core and the adapters at the workspace's versions, which no registry has
// yet: npm finds them only when every tarball is named in the same `npm install`, hence one
// folder that holds nothing else, and one command for all of them.
//
// Plain JavaScript, so that it explains itself even when run before `npm ci` by an older
// system Node; the build itself runs on the workspace's Node 24 (nx's `#!/usr/bin/env node`
// finds node_modules/.bin/node first under `npm run`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'dist', 'packages');

/** The folders and names of the packages that would be published, in packages/ order. */
function publishablePackages() {
  const packagesDir = path.join(root, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = path.join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      return { dir, name: manifest.name, private: manifest.private === true };
    })
    .filter((pkg) => !pkg.private);
}

/**
 * Runs a command from the root and exits when it fails. Its output goes to stderr, which keeps
 * stdout for what to install; with `capture`, its stdout is returned instead.
 */
function run(file, args, what, { capture = false } = {}) {
  const stdio = ['inherit', capture ? 'pipe' : 2, 'inherit'];
  const result = spawnSync(file, args, { cwd: root, stdio, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    process.stderr.write(`Could not ${what}: ${result.error.message}\n`);
    process.exit(1);
  }
  if (result.status !== 0) {
    process.stderr.write(`Could not ${what} (exit status ${result.status ?? result.signal}).\n`);
    process.exit(1);
  }
  return result.stdout;
}

/** The npm that runs this script (`npm run pack`), or the one on PATH. */
function npmCommand() {
  const cli = process.env.npm_execpath;
  if (cli && /\.[cm]?js$/.test(cli)) return { file: process.execPath, args: [cli] };
  return { file: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}

/** `dir` as the user should type it from where they ran `npm run pack` (npm runs scripts from the root). */
function shellPath(dir) {
  const from = process.env.INIT_CWD ?? process.cwd();
  const relative = path.relative(from, dir);
  const shown = relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? relative : `./${relative}`;
  return /^[\w./-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", "'\\''")}'`;
}

const nx = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'nx.cmd' : 'nx');
if (!existsSync(nx)) {
  process.stderr.write("The workspace's npm packages are not installed: run `npm ci` first, then `npm run pack`.\n");
  process.exit(1);
}

const packages = publishablePackages();
process.stderr.write(`Building ${packages.map((pkg) => pkg.name).join(', ')}…\n`);
// A one-off build leaves no Nx daemon behind unless the user asked for one.
process.env.NX_DAEMON ??= 'false';
run(nx, ['run-many', '--targets=build', `--projects=${packages.map((pkg) => pkg.name).join(',')}`], 'build the packages');

// Tarballs of an earlier version would be installed along with the new ones.
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const npm = npmCommand();
const packed = JSON.parse(run(npm.file, [...npm.args, 'pack', '--json', '--pack-destination', outDir, ...packages.map((pkg) => pkg.dir)], 'pack the packages', { capture: true }));

process.stdout.write(`Packed ${packed.length} packages into ${shellPath(outDir)}:\n`);
for (const tarball of packed) process.stdout.write(`  ${tarball.filename}  (${tarball.name}@${tarball.version}, ${tarball.entryCount} files)\n`);
process.stdout.write(`Install them, all in one command:\n  npm install --global ${shellPath(outDir)}/*.tgz\n`);
