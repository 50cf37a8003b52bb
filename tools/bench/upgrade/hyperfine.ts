/**
 * Runs hyperfine once over a list of rounds, each with its own `--prepare` (a fresh
 * database) and reads back its JSON export.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { benchEnv } from '../revision-graph/process.ts';

/** How many times hyperfine runs each command. */
export interface RunCount {
  readonly warmup: number;
  readonly runs: { readonly exact: number };
}

/** One command for hyperfine: what it times and what runs, untimed, before each run. */
export interface TimedCommand {
  readonly name: string;
  /** A shell command line (hyperfine runs it with `sh -c` and subtracts the shell's own start-up). */
  readonly command: string;
  /** Shell command run before every run (and warm-up run): gives the tool a fresh, empty database. */
  readonly prepare: string;
}

/** One command's figures, in milliseconds. */
export interface Timing {
  readonly name: string;
  readonly medianMs: number;
  readonly meanMs: number;
  readonly stddevMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** CPU time of the command's processes (user + system), mean per run. */
  readonly cpuMs: number;
  readonly runs: number;
  readonly warmup: number;
}

interface HyperfineExport {
  readonly results: readonly {
    readonly command: string;
    readonly median: number;
    readonly mean: number;
    readonly stddev: number | null;
    readonly min: number;
    readonly max: number;
    readonly user: number;
    readonly system: number;
    readonly times: readonly number[];
  }[];
}

/** Fails with the install command when hyperfine is missing. */
export function hyperfineVersion(): string {
  const result = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error('hyperfine is not installed: apt-get install -y hyperfine');
  return result.stdout.trim().replace(/^hyperfine\s+/, '');
}

/** Times `commands` side by side in one hyperfine run, exporting its JSON to `exportJson`. */
export function hyperfine(commands: readonly TimedCommand[], count: RunCount, cwd: string, exportJson: string): Timing[] {
  const args = ['--shell', 'sh', '--warmup', String(count.warmup), '--runs', String(count.runs.exact), '--export-json', exportJson];
  if (!process.stdout.isTTY) args.push('--style', 'basic');
  for (const command of commands) args.push('--prepare', command.prepare);
  for (const command of commands) args.push('--command-name', command.name, command.command);
  const result = spawnSync('hyperfine', args, { cwd, env: benchEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`hyperfine exited with ${result.status ?? result.signal}`);
  const exported = JSON.parse(readFileSync(exportJson, 'utf8')) as HyperfineExport;
  return exported.results.map((r) => ({
    name: r.command,
    medianMs: r.median * 1000,
    meanMs: r.mean * 1000,
    stddevMs: (r.stddev ?? 0) * 1000,
    minMs: r.min * 1000,
    maxMs: r.max * 1000,
    cpuMs: (r.user + r.system) * 1000,
    runs: r.times.length,
    warmup: count.warmup,
  }));
}
