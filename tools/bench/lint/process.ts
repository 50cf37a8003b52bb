/** Runs a linter to completion: exit status 1 (it found something) is a result, not a failure. */
import { spawnSync } from 'node:child_process';

import { benchEnv, type Completed, type Invocation } from '../revision-graph/process.ts';

/** Output of a finished linter, with its exit status. */
export interface LinterRun extends Completed {
  readonly status: number;
}

/** Runs `invocation`; throws with its stderr when it exits with anything but 0 or 1. */
export function runLinter(invocation: Invocation): LinterRun {
  const [program, ...args] = invocation.argv;
  const started = performance.now();
  const result = spawnSync(program, args, {
    cwd: invocation.cwd,
    env: benchEnv(),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - started;
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 1) {
    const tail = result.stderr.trim().split('\n').slice(-15).join('\n');
    throw new Error(`\`${invocation.argv.join(' ')}\` exited with ${result.status ?? result.signal}:\n${tail}`);
  }
  return { stdout: result.stdout, stderr: result.stderr, ms, status: result.status };
}
