/**
 * Runs hyperfine over a list of rounds, one pass at a time (each round once, after its
 * own `--prepare`: a fresh database), reads back its JSON export, and sums the passes
 * up as hyperfine would have.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { benchEnv } from '../revision-graph/process.ts';

/** How many passes run: `warmup` left out of the figures, then `runs.exact` timed. */
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

/** The part of hyperfine's JSON export read here (seconds). */
interface HyperfineExport {
  readonly results: readonly {
    readonly command: string;
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

/** One command's wall and CPU time in one pass, in milliseconds. */
export interface PassTime {
  readonly name: string;
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Runs each of `commands` once, in the order given, each after its own `--prepare`,
 * in one hyperfine call (which subtracts the shell's start-up), exporting its JSON to
 * `exportJson`.
 */
export function timePass(commands: readonly TimedCommand[], cwd: string, exportJson: string): PassTime[] {
  const args = ['--shell', 'sh', '--warmup', '0', '--runs', '1', '--style', 'none', '--export-json', exportJson];
  for (const command of commands) args.push('--prepare', command.prepare);
  for (const command of commands) args.push('--command-name', command.name, command.command);
  const result = spawnSync('hyperfine', args, { cwd, env: benchEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`hyperfine exited with ${result.status ?? result.signal}`);
  const exported = JSON.parse(readFileSync(exportJson, 'utf8')) as HyperfineExport;
  return exported.results.map((r) => ({ name: r.command, wallMs: r.times[0]! * 1000, cpuMs: (r.user + r.system) * 1000 }));
}

/** The figures of one command's passes (`count.warmup` passes left out before them). */
export function summarize(name: string, passes: readonly PassTime[], count: RunCount): Timing {
  const walls = passes.map((pass) => pass.wallMs).sort((a, b) => a - b);
  const mid = walls.length >> 1;
  const medianMs = walls.length % 2 === 1 ? walls[mid]! : (walls[mid - 1]! + walls[mid]!) / 2;
  const meanMs = mean(walls);
  // hyperfine's convention: the sample standard deviation, none for a single run.
  const stddevMs = walls.length > 1 ? Math.sqrt(walls.reduce((sum, w) => sum + (w - meanMs) ** 2, 0) / (walls.length - 1)) : 0;
  return {
    name,
    medianMs,
    meanMs,
    stddevMs,
    minMs: walls[0]!,
    maxMs: walls.at(-1)!,
    cpuMs: mean(passes.map((pass) => pass.cpuMs)),
    runs: walls.length,
    warmup: count.warmup,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
