/**
 * How the setup looks at and changes the machine: it runs commands. Probing captures their
 * output; running a step sends its output to stderr, because stdout carries the variables
 * for the test command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';

import type { SetupStep } from './plan.ts';

/** What a probing command said. */
export interface Captured {
  /** Exit status; null when it could not start or was killed. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The program is not installed. */
  readonly missing: boolean;
}

/** Runs a short command and captures its output (stdin closed, at most `timeoutMs`). */
export function capture(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000): Captured {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('capture: empty command');
  const result = spawnSync(program, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr || result.error?.message || '',
    missing,
  };
}

/** Runs one step, its output on stderr, then waits for its `until` command; throws when either fails. */
export function runStep(step: SetupStep): void {
  const [program, ...args] = step.argv;
  if (program === undefined) throw new Error('runStep: empty command');
  const result = spawnSync(program, args, { env: { ...process.env, ...step.env }, stdio: ['ignore', 2, 2] });
  if (result.error) throw new Error(`could not run ${program}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${program} exited with status ${result.status ?? result.signal}`);
  if (step.until === undefined) return;
  const deadline = Date.now() + 30_000;
  while (capture(step.until, process.env, 5_000).status !== 0) {
    if (Date.now() > deadline) throw new Error(`still not ready 30 s later (${step.until.join(' ')})`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}

/** Whether this process runs as root, which installing packages and starting servers need. */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Whether `apt-get` is there: the setup installs Debian's packages only. */
export function hasAptGet(): boolean {
  return existsSync('/usr/bin/apt-get');
}

/** Whether systemd runs the services (then servers are started through it). */
export function hasSystemd(): boolean {
  return existsSync('/run/systemd/system');
}

/** The environment without the variables a client reads a password or service from, so a probe logs in as the tests do. */
export function withoutClientDefaults(env: NodeJS.ProcessEnv, prefixes: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !prefixes.some((prefix) => name.startsWith(prefix))));
}
