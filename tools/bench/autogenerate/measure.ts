/**
 * Checks every command once (its exit status and what it prints), then times them all
 * side by side in one hyperfine run, each with its own `--prepare` that deletes what
 * the previous run wrote, so that every run starts from the same files and database.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { benchEnv } from '../revision-graph/process.ts';
import type { TimedCommand } from './runners/tools.ts';

/** One command's figures, in milliseconds. */
export interface Timing {
  readonly name: string;
  readonly medianMs: number;
  readonly meanMs: number;
  readonly stddevMs: number;
  /** CPU time of the process (user + system), mean. */
  readonly cpuMs: number;
  readonly runs: number;
}

/** Runs a command to completion; throws with its output unless it exits with `status`. */
export function runChecked(argv: readonly [string, ...string[]], status = 0): string {
  const [program, ...args] = argv;
  const result = spawnSync(program, args, { env: benchEnv(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== status) {
    throw new Error(`\`${argv.join(' ')}\` exited with ${result.status ?? result.signal}, not ${status}:\n${output.trim().split('\n').slice(-15).join('\n')}`);
  }
  return output;
}

/** Runs each command once and checks it. */
export function probe(commands: readonly TimedCommand[]): void {
  for (const command of commands) {
    runChecked(command.prepare);
    const output = runChecked(command.argv, command.status);
    if (!command.expects.test(output)) {
      throw new Error(`\`${command.name}\` should print ${command.expects.what}, but printed:\n${output.slice(0, 2000)}`);
    }
  }
  for (const command of commands) runChecked(command.prepare);
}

interface HyperfineExport {
  readonly results: readonly {
    readonly command: string;
    readonly median: number;
    readonly mean: number;
    readonly stddev: number | null;
    readonly user: number;
    readonly system: number;
    readonly times: readonly number[];
  }[];
}

/** Times the commands in one hyperfine run (`-N`, `--ignore-failure` for `check`'s status 1). */
export function hyperfine(commands: readonly TimedCommand[], warmup: number, runs: number, exportJson: string): Timing[] {
  const args = ['-N', '-i', '--warmup', String(warmup), '--runs', String(runs), '--export-json', exportJson];
  if (!process.stdout.isTTY) args.push('--style', 'basic');
  for (const command of commands) args.push('--prepare', command.prepare.map(shellWord).join(' '));
  for (const command of commands) args.push('--command-name', command.name, command.argv.map(shellWord).join(' '));
  const result = spawnSync('hyperfine', args, { env: benchEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`hyperfine exited with ${result.status ?? result.signal}`);
  const exported = JSON.parse(readFileSync(exportJson, 'utf8')) as HyperfineExport;
  return exported.results.map((r) => ({
    name: r.command,
    medianMs: r.median * 1000,
    meanMs: r.mean * 1000,
    stddevMs: (r.stddev ?? 0) * 1000,
    cpuMs: (r.user + r.system) * 1000,
    runs: r.times.length,
  }));
}

/** Quotes an argument for hyperfine's own word splitting (it runs no shell with `-N`). */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
