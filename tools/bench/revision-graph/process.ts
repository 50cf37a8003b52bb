/** Runs one setup or check command to completion; a failure stops the bench with the tool's own words. */
import { spawnSync } from 'node:child_process';

/** A program and its arguments, run without a shell. */
export interface Invocation {
  readonly argv: readonly [string, ...string[]];
  readonly cwd: string;
}

/** Output of a finished command. */
export interface Completed {
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Environment every measured or checked command runs in: no colours, no stray database URL. */
export function benchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['DATABASE_URL'];
  delete env['FORCE_COLOR'];
  delete env['DEBUG'];
  delete env['NODE_OPTIONS'];
  return env;
}

/** Runs `invocation` and returns its output, or throws with its exit status and stderr. */
export function run(invocation: Invocation): Completed {
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
  if (result.status !== 0) {
    const tail = result.stderr.trim().split('\n').slice(-15).join('\n');
    throw new Error(`\`${invocation.argv.join(' ')}\` exited with ${result.status ?? result.signal}:\n${tail}`);
  }
  return { stdout: result.stdout, stderr: result.stderr, ms };
}
