#!/usr/bin/env node
import module from 'node:module';
import process from 'node:process';
import { URL } from 'node:url';

// Before anything of cgmigrate loads: an older Node fails later in ways that point the wrong
// way (a config file "with an unknown file extension .ts"). Node runs the `.ts` config and
// migrations with its own type stripping, on by default from 22.18. This file stays plain
// JavaScript that older Node versions can parse, so that they get this line.
const [nodeMajor, nodeMinor] = process.versions.node.split('.').map(Number);
if (nodeMajor < 22 || (nodeMajor === 22 && nodeMinor < 18)) {
  process.stderr.write(`cgmigrate needs Node.js 22.18 or newer (this is ${process.versions.node})\n`);
  process.exit(2);
}

// process.exit as Node made it: while a command runs the CLI makes process.exit() throw, so that
// a migration or config file cannot end the run half done (src/run/process-guard.ts); the CLI's
// own exits use this one.
const exitProcess = process.exit.bind(process);

// `cgmigrate history | head`: the reader has what it wanted and closed the pipe. Stop
// quietly, as Unix tools do, instead of a stack trace about EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    exitProcess(process.exitCode ?? 0);
  });
}

/** Commands the fast entry may run without oclif (its FAST_COMMANDS; tests/unit/command-line.test.ts compares the two). */
const FAST_COMMANDS = new Set(['current', 'heads', 'history', 'branches', 'show', 'upgrade', 'downgrade', 'stamp', 'verify', 'lint']);

/**
 * `--version` / `-v` as oclif prints it (its `config.userAgent`), without loading oclif;
 * `undefined` where oclif would name the platform differently (WSL) or plugins the
 * user installed could hook in.
 */
async function versionLine() {
  const { existsSync, readFileSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const env = process.env;
  if (process.platform === 'linux') {
    let kernel = os.release();
    try {
      kernel += readFileSync('/proc/version', 'utf8');
    } catch {
      // no /proc: not WSL either
    }
    if (kernel.toLowerCase().includes('microsoft')) return undefined;
  }
  const home = env.HOME || os.homedir() || os.tmpdir();
  const dataDir =
    env.CGMIGRATE_DATA_DIR ||
    path.join(env.XDG_DATA_HOME || (process.platform === 'win32' && env.LOCALAPPDATA) || path.join(home, '.local/share'), 'cgmigrate');
  if (existsSync(path.join(dataDir, 'package.json'))) return undefined;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const arch = os.arch() === 'ia32' ? 'x86' : os.arch();
  return `${pkg.name}/${pkg.version ?? '0.0.0'} ${process.platform}-${arch} node-${process.version}`;
}

/**
 * Ends the process as soon as the fast entry's command is done, instead of letting Node
 * tear its heap down first (about 20 ms after a run of 1,000 migrations). It lets one
 * turn of the event loop pass (a warning Node emitted on the way is printed on the next
 * tick), puts the compile cache on disk, and exits only when stdout and stderr hold
 * nothing unwritten (pipes are asynchronous on some systems) and nothing waits for
 * `beforeExit`; otherwise Node ends the process as usual. The exit status is
 * `process.exitCode`, which the command has set.
 */
async function exitOnceWritten() {
  await new Promise((resolve) => setImmediate(resolve));
  module.flushCompileCache?.();
  const written = process.stdout.writableLength === 0 && process.stderr.writableLength === 0;
  if (written && process.listenerCount('beforeExit') === 0) exitProcess();
}

async function main(argv) {
  const fastPath = !process.env.CGMIGRATE_NO_FAST_PATH;
  if (fastPath && (argv[0] === '--version' || argv[0] === '-v')) {
    const line = await versionLine();
    if (line !== undefined) {
      process.stdout.write(`${line}\n`);
      return;
    }
  }
  // Node caches the compiled code of oclif, core and the user's .ts migrations across
  // runs (in the OS temp dir): a status command starts about a third faster. Only in a
  // folder no other user can write (`--verbose` says why one is not used), and not with
  // CGMIGRATE_NO_CACHE. Not for the version line, which loads nothing worth caching.
  const { enablePrivateCompileCache } = await import('@cloudguard/migrate-core/private-cache');
  enablePrivateCompileCache();
  if (fastPath && FAST_COMMANDS.has(argv[0])) {
    const { runFastEntry } = await import('../dist/fast/fast-entry.js');
    if (await runFastEntry(argv)) {
      await exitOnceWritten();
      return;
    }
  }
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}

await main(process.argv.slice(2));
