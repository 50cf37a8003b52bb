import { existsSync, fstatSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isatty } from 'node:tty';
import { type ResolvedConfig } from '@cloudguard/migrate-core';
import { BUILTIN_ADAPTERS } from '@cloudguard/migrate-core/adapter';
import { silenceTypelessPackageWarning } from '../node-warnings.js';
import { DIAGRAM_FORMATS } from '../render/graph/diagram.js';
import { CommandContext, type CommonFlags } from './command-context.js';
import type { HistoryFlags } from './history.js';
import { trapProcessExit } from './process-guard.js';

/**
 * The fast entry of the status commands (`current`, `heads`, `history`, `branches`,
 * `show`) and of `upgrade`, `downgrade` and `stamp`: it runs the same command bodies
 * as the oclif classes (`run/<command>.ts` in a {@link CommandContext}) without
 * loading oclif, which costs more start-up time than reading 1,000 migration headers.
 * It ends the progress display on success and on failure as `BaseCommand.finally` and
 * `catch` do, so a terminal shows the same lines either way.
 *
 * It takes only a command line it understands completely: the common flags, the
 * command's own flags and arguments, written as `--flag value`, `--flag=value` or
 * `-f value`, each once; a token like `-1` is an argument, as oclif reads it. For
 * anything else (`--help`, an unknown or repeated flag, `--`, bundled short flags, a
 * URL scheme no built-in adapter serves, plugins installed by the user, `upgrade`
 * without TARGET when stdin may hold one, or `CGMIGRATE_NO_FAST_PATH=1`) it returns
 * `false` before printing anything, and `bin/run.js` hands the command line to oclif,
 * which then answers (or reports the usage error) as always.
 *
 * @returns whether the command ran (its exit status is in `process.exitCode`).
 */
export async function runFastEntry(argv: readonly string[]): Promise<boolean> {
  if (!fastPathAllowed()) return false;
  const [command, ...rest] = argv;
  const spec = command === undefined ? undefined : COMMANDS[command];
  if (spec === undefined || command === undefined) return false;
  const parsed = parseCommandLine(rest, spec);
  if (parsed === undefined) return false;

  silenceTypelessPackageWarning();
  const context = new CommandContext({
    command,
    bin: BIN,
    argv: rest,
    flags: parsed.flags,
    json: parsed.flags.json === true,
    beforeEnvironment: refuseForeignSchemes,
  });
  let result: unknown;
  // As BaseCommand.init/finally: a migration or the config calling process.exit() fails instead.
  const restoreExit = trapProcessExit();
  try {
    result = await spec.run(context, parsed);
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

type FlagKind = 'string' | 'boolean' | { readonly options: readonly string[] };

interface FlagSpec {
  readonly kind: FlagKind;
  readonly char?: string;
}

interface ParsedCommandLine {
  readonly flags: CommonFlags & Record<string, string | boolean | undefined>;
  readonly args: readonly string[];
}

/** How many arguments a command takes, at least and at most. */
interface ArgCount {
  readonly min: number;
  readonly max: number;
}

const NO_ARGS: ArgCount = { min: 0, max: 0 };
const ONE_ARG: ArgCount = { min: 1, max: 1 };

interface CommandSpec {
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Flags that must not be given together (oclif's `exclusive`). */
  readonly exclusive: readonly (readonly [string, string])[];
  readonly args: ArgCount;
  run(context: CommandContext, parsed: ParsedCommandLine): Promise<unknown>;
}

/** The common flags (BaseCommand's `baseFlags` and oclif's `--json`). */
const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { kind: 'string', char: 'c' },
  url: { kind: 'string' },
  quiet: { kind: 'boolean', char: 'q' },
  verbose: { kind: 'boolean', char: 'v' },
  json: { kind: 'boolean' },
};
const COMMON_EXCLUSIVE = [['quiet', 'verbose']] as const;

const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  // Each body is imported when its command runs: `current` does not load the graph renderers.
  current: {
    flags: COMMON_FLAGS,
    exclusive: COMMON_EXCLUSIVE,
    args: NO_ARGS,
    run: async (context) => (await import('./current.js')).runCurrent(context),
  },
  heads: {
    flags: { ...COMMON_FLAGS, 'resolve-dependencies': { kind: 'boolean' } },
    exclusive: COMMON_EXCLUSIVE,
    args: NO_ARGS,
    run: async (context, { flags }) =>
      (await import('./heads.js')).runHeads(context, { 'resolve-dependencies': flags['resolve-dependencies'] === true }),
  },
  history: {
    flags: {
      ...COMMON_FLAGS,
      'rev-range': { kind: 'string', char: 'r' },
      'indicate-current': { kind: 'boolean', char: 'i' },
      graph: { kind: 'boolean', char: 'g' },
      format: { kind: { options: DIAGRAM_FORMATS } },
    },
    exclusive: [...COMMON_EXCLUSIVE, ['graph', 'format']],
    args: NO_ARGS,
    run: async (context, { flags }) =>
      (await import('./history.js')).runHistory(context, {
        'rev-range': flags['rev-range'] as string | undefined,
        'indicate-current': flags['indicate-current'] === true,
        graph: flags['graph'] === true,
        format: flags['format'] as HistoryFlags['format'],
      }),
  },
  branches: {
    flags: COMMON_FLAGS,
    exclusive: COMMON_EXCLUSIVE,
    args: NO_ARGS,
    run: async (context) => (await import('./branches.js')).runBranches(context),
  },
  show: {
    flags: COMMON_FLAGS,
    exclusive: COMMON_EXCLUSIVE,
    args: ONE_ARG,
    run: async (context, { args }) => (await import('./show.js')).runShow(context, args[0]!),
  },
  upgrade: {
    flags: { ...COMMON_FLAGS, sql: { kind: 'boolean' } },
    exclusive: COMMON_EXCLUSIVE,
    args: { min: 0, max: 1 },
    run: async (context, { args, flags }) => {
      // Without TARGET oclif reads it from stdin when that is no terminal, else takes the default `head`.
      if (args[0] === undefined && !stdinIsEmpty()) throw new HandToOclif();
      return (await import('./upgrade.js')).runUpgrade(context, args[0] ?? 'head', { sql: flags['sql'] === true });
    },
  },
  downgrade: {
    flags: { ...COMMON_FLAGS, sql: { kind: 'boolean' } },
    exclusive: COMMON_EXCLUSIVE,
    args: ONE_ARG,
    run: async (context, { args, flags }) =>
      (await import('./downgrade.js')).runDowngrade(context, args[0]!, { sql: flags['sql'] === true }),
  },
  stamp: {
    flags: { ...COMMON_FLAGS, purge: { kind: 'boolean' }, sql: { kind: 'boolean' } },
    exclusive: COMMON_EXCLUSIVE,
    // oclif takes any number of revisions (the class is not strict); no token here looks like a flag.
    args: { min: 1, max: Number.POSITIVE_INFINITY },
    run: async (context, { args, flags }) =>
      (await import('./stamp.js')).runStamp(context, args, { purge: flags['purge'] === true, sql: flags['sql'] === true }),
  },
};

/**
 * Parses a command line the way oclif would, or returns `undefined` for anything
 * oclif might read differently or refuse.
 */
export function parseCommandLine(argv: readonly string[], spec: Pick<CommandSpec, 'flags' | 'exclusive' | 'args'>): ParsedCommandLine | undefined {
  const byChar = new Map(Object.entries(spec.flags).flatMap(([name, flag]) => (flag.char ? [[flag.char, name] as const] : [])));
  const flags: Record<string, string | boolean | undefined> = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '-' || token === '--') return undefined;
    // oclif reads a token that looks like a negative number as an argument (`downgrade -1`);
    // no flag here has a digit for its short form.
    if (!token.startsWith('-') || /^-\d/.test(token)) {
      args.push(token);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const equals = token.indexOf('=');
      name = equals === -1 ? token.slice(2) : token.slice(2, equals);
      inline = equals === -1 ? undefined : token.slice(equals + 1);
    } else if (token.length === 2) {
      name = byChar.get(token[1]!);
    }
    const flag = name === undefined ? undefined : spec.flags[name];
    if (name === undefined || flag === undefined || Object.hasOwn(flags, name)) return undefined;
    if (flag.kind === 'boolean') {
      if (inline !== undefined) return undefined;
      flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    // `-r -3:` is a value; `--url --json` or `-c -q` may not be one to oclif.
    if (value === undefined || value === '') return undefined;
    if (inline === undefined && (value.startsWith('--') || (value.length === 2 && byChar.has(value.slice(1))))) return undefined;
    if (typeof flag.kind === 'object' && !flag.kind.options.includes(value)) return undefined;
    flags[name] = value;
  }
  if (args.length < spec.args.min || args.length > spec.args.max) return undefined;
  for (const [a, b] of spec.exclusive) if (flags[a] !== undefined && flags[b] !== undefined) return undefined;
  return { flags, args };
}

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
