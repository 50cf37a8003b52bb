/** Runs a linter to completion: exit status 1 (it found something) is a result, not a failure. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

import { benchEnv, type Completed, type Invocation } from '../revision-graph/process.ts';

/** Output of a finished linter, with its exit status. */
export interface LinterRun extends Completed {
  readonly status: number;
  /** CPU time (user and system) the process and its threads used, in ms; undefined off Linux. */
  readonly cpuMs: number | undefined;
}

/** Runs `invocation`; throws with its stderr when it exits with anything but 0 or 1. */
export function runLinter(invocation: Invocation): LinterRun {
  const [program, ...args] = invocation.argv;
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const result = spawnSync(program, args, {
    cwd: invocation.cwd,
    env: benchEnv(),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 1) {
    const tail = result.stderr.trim().split('\n').slice(-15).join('\n');
    throw new Error(`\`${invocation.argv.join(' ')}\` exited with ${result.status ?? result.signal}:\n${tail}`);
  }
  const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return { stdout: result.stdout, stderr: result.stderr, ms, status: result.status, cpuMs };
}

let ticksPerSecond: number | undefined;

/**
 * CPU time of this process's finished children so far (Linux's `cutime` + `cstime` in
 * /proc/self/stat), in ms: the difference around a run is what that process used.
 */
function childrenCpuMs(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  // The fields after the command name (which may hold spaces) start at field 3, the state.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ').at(-1)!.split(' ');
  const [cutime, cstime] = [Number(fields[13]), Number(fields[14])];
  return ((cutime + cstime) * 1000) / ticksPerSecond;
}
