/**
 * Post-write hooks, like Alembic's `post_write_hooks`: commands (or functions) run on
 * each migration file that `revision`, `revision --autogenerate` and `merge` write,
 * e.g. a formatter or a linter's `--fix`. They run in order, each after the previous
 * one succeeded; the first that fails stops the rest, and the file is kept.
 *
 * @packageDocumentation
 */

import { PostWriteHookError } from '../errors.js';

/** The token replaced by the new file's absolute path in a command hook's `args`. */
export const FILE_TOKEN = '{file}';

/** Default longest run of one command hook. */
export const DEFAULT_HOOK_TIMEOUT_MS = 60_000;

/**
 * A program run on the new file, without a shell. `{file}` in `args` is replaced by
 * the file's absolute path; when no argument holds it, the path is appended.
 *
 * ### Examples
 * ```ts
 * { name: 'prettier', command: 'npx', args: ['prettier', '--write', '{file}'] }
 * ```
 */
export interface CommandHook {
  /** Shown in progress and errors; default: the command. */
  readonly name?: string | undefined;
  /** The program: a name looked up on `PATH`, or a path. */
  readonly command: string;
  readonly args?: readonly string[] | undefined;
  /** Working directory; relative to the config file's directory, which is also the default. */
  readonly cwd?: string | undefined;
  /** Fail the hook when it runs longer. Default 60000. */
  readonly timeoutMs?: number | undefined;
}

/** A function run on the new file (its absolute path); a rejection or throw fails it. */
export type FunctionHook = (file: string) => void | Promise<void>;

/** One entry of `postWriteHooks`. */
export type PostWriteHook = CommandHook | FunctionHook;

/** A hook that ran and succeeded. */
export interface PostWriteHookRun {
  readonly hook: string;
  readonly durationMs: number;
}

/**
 * Runs every hook on `file`, in order.
 *
 * @param baseDir where a command hook runs (and what its relative `cwd` is resolved against).
 * @throws {PostWriteHookError} at the first hook that fails; the hooks before it ran, the file stays.
 */
export async function runPostWriteHooks(hooks: readonly PostWriteHook[], file: string, baseDir: string): Promise<PostWriteHookRun[]> {
  const runs: PostWriteHookRun[] = [];
  for (const [index, hook] of hooks.entries()) {
    const name = hookName(hook, index);
    const started = performance.now();
    try {
      if (typeof hook === 'function') await hook(file);
      else await runCommand(hook, file, baseDir);
    } catch (error) {
      throw new PostWriteHookError(name, file, runs.map((run) => run.hook), describe(error), { cause: error });
    }
    runs.push({ hook: name, durationMs: Math.round(performance.now() - started) });
  }
  return runs;
}

/** How a hook is named in messages: its `name`, its command, or its place in the list. */
export function hookName(hook: PostWriteHook, index: number): string {
  if (typeof hook === 'function') return hook.name ? `${hook.name} (hook ${index + 1})` : `hook ${index + 1}`;
  return hook.name ?? hook.command;
}

/** The arguments a command hook is run with. */
export function hookArguments(hook: CommandHook, file: string): string[] {
  const args = hook.args ?? [];
  const withFile = args.map((arg) => arg.replaceAll(FILE_TOKEN, file));
  return args.some((arg) => arg.includes(FILE_TOKEN)) ? withFile : [...withFile, file];
}

async function runCommand(hook: CommandHook, file: string, baseDir: string): Promise<void> {
  const [{ spawn }, path] = await Promise.all([import('node:child_process'), import('node:path')]);
  const cwd = path.resolve(baseDir, hook.cwd ?? '.');
  const timeoutMs = hook.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(hook.command, hookArguments(hook, file), { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    const collect = (chunk: Buffer): void => {
      // The end of the output says why a tool failed; keep the last few kilobytes.
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'ENOENT' ? `'${hook.command}' was not found (in ${cwd}, or on PATH)` : error.message));
    });
    child.on('close', (status, signal) => {
      if (status === 0) return resolve();
      const how = signal === 'SIGTERM' && timeoutMs > 0 ? `was stopped after ${timeoutMs} ms` : signal ? `was killed by ${signal}` : `exited with status ${status}`;
      const tail = output.trim();
      reject(new Error(`'${[hook.command, ...hookArguments(hook, file)].join(' ')}' ${how}${tail ? `:\n${tail}` : ''}`));
    });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Checks one `postWriteHooks` entry; returns what is wrong, or `undefined`.
 *
 * @internal used by the config validation.
 */
export function checkPostWriteHook(hook: unknown): string | undefined {
  if (typeof hook === 'function') return undefined;
  if (typeof hook !== 'object' || hook === null || Array.isArray(hook)) {
    return "a function (file) => … or an object { command, args?, name?, cwd?, timeoutMs? }";
  }
  const entry = hook as Record<string, unknown>;
  const known = new Set(['name', 'command', 'args', 'cwd', 'timeoutMs']);
  const unknown = Object.keys(entry).find((key) => !known.has(key));
  if (unknown !== undefined) return `an object with the keys command, args, name, cwd, timeoutMs (not '${unknown}')`;
  if (typeof entry['command'] !== 'string' || entry['command'].length === 0) return 'an object whose `command` is a non-empty string';
  if (entry['args'] !== undefined && !(Array.isArray(entry['args']) && entry['args'].every((arg) => typeof arg === 'string'))) {
    return 'an object whose `args` is an array of strings';
  }
  for (const key of ['name', 'cwd'] as const) {
    if (entry[key] !== undefined && (typeof entry[key] !== 'string' || entry[key].length === 0)) return `an object whose \`${key}\` is a non-empty string`;
  }
  const timeout = entry['timeoutMs'];
  if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) > 0)) return 'an object whose `timeoutMs` is a positive whole number';
  return undefined;
}
