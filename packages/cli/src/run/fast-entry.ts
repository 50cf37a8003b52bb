import { existsSync, fstatSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isatty } from 'node:tty';
import { type ResolvedConfig } from '@cloudguard/migrate-core';
import { BUILTIN_ADAPTERS } from '@cloudguard/migrate-core/adapter';
import { silenceTypelessPackageWarning } from '../node-warnings.js';
import { shareBundledPackages } from './bundled-packages.js';
import { CommandContext, type CommonFlags } from './command-context.js';
import { commandLineRules, parseCommandLine, type ParsedCommandLine } from './command-line.js';
import { manifestCommands } from './command-manifest.js';
import type { DowngradeFlags } from './downgrade.js';
import type { HeadsFlags } from './heads.js';
import type { HistoryFlags } from './history.js';
import { trapProcessExit } from './process-guard.js';
import type { StampFlags } from './stamp.js';
import type { UpgradeFlags } from './upgrade.js';
import type { VerifyFlags } from './verify.js';
import type { LintFlags } from './lint.js';
import type { FleetFlags } from './fleet-flags.js';

/**
 * The fast entry of the status commands (`current`, `heads`, `history`, `branches`,
 * `show`) and of `upgrade`, `downgrade` and `stamp`: it runs the same command bodies
 * as the oclif classes (`run/<command>.ts` in a {@link CommandContext}) without
 * loading oclif, which costs more start-up time than reading 1,000 migration headers.
 * It ends the progress display on success and on failure as `BaseCommand.finally` and
 * `catch` do, so a terminal shows the same lines either way.
 *
 * It takes only a command line it understands completely, by the flags and arguments
 * oclif's manifest declares for the command (see {@link commandLineRules} and
 * {@link parseCommandLine}): written as `--flag value`, `--flag=value` or `-f value`,
 * each once; a token like `-1` is an argument, as oclif reads it. For anything else
 * (`--help`, an unknown or repeated flag, `--`, bundled short flags, a missing argument
 * when stdin may hold it, a command whose manifest entry uses what the fast parser does
 * not take in, a URL scheme no built-in adapter serves, plugins installed by the user,
 * or `CGMIGRATE_NO_FAST_PATH=1`) it returns `false` before printing anything, and
 * `bin/run.js` hands the command line to oclif, which then answers (or reports the usage
 * error) as always.
 *
 * @returns whether the command ran (its exit status is in `process.exitCode`).
 */
export async function runFastEntry(argv: readonly string[]): Promise<boolean> {
  if (!fastPathAllowed()) return false;
  const [command = '', ...rest] = argv;
  const body = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (body === undefined) return false;
  const entry = manifestCommands()[command];
  const rules = entry && commandLineRules(entry);
  const parsed = rules && parseCommandLine(rest, rules, stdinIsEmpty);
  if (parsed === undefined) return false;

  silenceTypelessPackageWarning();
  // This module is the bundle's entry chunk: the package chunks lie beside it.
  shareBundledPackages(new URL('./', import.meta.url).href);
  const context = new CommandContext({
    command,
    bin: BIN,
    argv: rest,
    flags: parsed.flags as CommonFlags,
    json: parsed.flags['json'] === true,
    beforeEnvironment: refuseForeignSchemes,
  });
  let result: unknown;
  // As BaseCommand.init/finally: a migration or the config calling process.exit() fails instead.
  const restoreExit = trapProcessExit();
  try {
    result = await body(context, parsed);
  } catch (error) {
    if (error instanceof HandToOclif) return false;
    // As BaseCommand.catch: the step that failed is ended on its own line before the error.
    context.finishProgress({ failed: true });
    process.exitCode = context.printError(error).exitCode;
    return true;
  } finally {
    restoreExit();
  }
  // As BaseCommand.finally, which oclif runs before it prints the JSON result.
  context.finishProgress({ failed: false });
  if (context.json) context.printJson(result);
  return true;
}

/** The executable's name, as oclif's `config.bin` (package.json `oclif.bin`). */
const BIN = 'cgmigrate';

/** A command's body, called with the parsed command line as its oclif class calls it with `this.parse()`'s. */
type CommandBody = (context: CommandContext, parsed: ParsedCommandLine) => Promise<unknown>;

/**
 * The commands the fast entry runs. Their flags and arguments are oclif's (its manifest);
 * each body is imported when its command runs: `current` does not load the graph renderers.
 */
const COMMANDS: Readonly<Record<string, CommandBody>> = {
  current: async (context, { flags }) => (await import('./current.js')).runCurrent(context, flags as FleetFlags),
  heads: async (context, { flags }) => (await import('./heads.js')).runHeads(context, flags as HeadsFlags),
  history: async (context, { flags }) => (await import('./history.js')).runHistory(context, flags as HistoryFlags),
  branches: async (context) => (await import('./branches.js')).runBranches(context),
  show: async (context, { args }) => (await import('./show.js')).runShow(context, args['revision']!),
  upgrade: async (context, { args, flags }) => (await import('./upgrade.js')).runUpgrade(context, args['target']!, flags as UpgradeFlags),
  downgrade: async (context, { args, flags }) =>
    (await import('./downgrade.js')).runDowngrade(context, args['target']!, flags as DowngradeFlags),
  // The fast parser takes no unknown flag, so no argument is one (the class checks with `revisionArgs`).
  stamp: async (context, { argv, flags }) => (await import('./stamp.js')).runStamp(context, argv, flags as StampFlags),
  verify: async (context, { flags }) => (await import('./verify.js')).runVerify(context, flags as VerifyFlags),
  lint: async (context, { args, flags }) => (await import('./lint.js')).runLint(context, args['range'], flags as LintFlags),
};

/** The ids of the commands the fast entry runs (`bin/run.js` loads it for these only). */
export const FAST_COMMANDS: readonly string[] = Object.keys(COMMANDS);

/** Thrown before anything is printed when oclif must take the command line after all. */
class HandToOclif extends Error {}

/** A URL scheme without a built-in adapter may be served by a plugin's adapter: leave it to oclif. */
function refuseForeignSchemes(config: ResolvedConfig): void {
  if (config.adapter) return;
  const scheme = config.url.slice(0, Math.max(0, config.url.indexOf(':'))).toLowerCase();
  if (!BUILTIN_ADAPTERS.some((adapter) => adapter.schemes.includes(scheme))) throw new HandToOclif();
}

/**
 * Whether oclif would find no argument on stdin, where it looks for a missing one: a
 * terminal (which it does not read), `/dev/null` or an empty file. A pipe, a socket or a
 * file with something in it may hold an argument (oclif waits 10 ms for a pipe): `false`.
 */
export function stdinIsEmpty(): boolean {
  if (isatty(0)) return true;
  try {
    const stdin = fstatSync(0);
    if (stdin.isFile()) return stdin.size === 0;
    return stdin.isCharacterDevice() && stdin.rdev === statSync('/dev/null').rdev;
  } catch {
    // stdin closed, or no /dev/null: oclif will know what to make of it
    return false;
  }
}

/**
 * False when oclif could behave differently from the fast entry: it is switched off,
 * JSON output is forced by environment, or the user installed or linked plugins
 * (which may add hooks).
 */
export function fastPathAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['CGMIGRATE_NO_FAST_PATH'] || env['CGMIGRATE_CONTENT_TYPE']) return false;
  const home = env['HOME'] || os.homedir() || os.tmpdir();
  const dataDir =
    env['CGMIGRATE_DATA_DIR'] ||
    path.join(env['XDG_DATA_HOME'] || (process.platform === 'win32' && env['LOCALAPPDATA']) || path.join(home, '.local/share'), 'cgmigrate');
  return !existsSync(path.join(dataDir, 'package.json'));
}
