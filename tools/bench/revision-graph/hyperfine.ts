/** Runs hyperfine once over a list of commands and reads back its JSON export. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { benchEnv } from './process.ts';
import type { MeasuredCommand } from './runners/tool-runner.ts';

/** How many times hyperfine runs each command. */
export interface RunCount {
  readonly warmup: number;
  /** `min`–`max`: hyperfine adds runs to `min` to fill about 3 s, up to `max`; `exact`: exactly this many. */
  readonly runs: { readonly min: number; readonly max: number } | { readonly exact: number };
}

/** One command's figures, in milliseconds. */
export interface Timing {
  readonly name: string;
  readonly medianMs: number;
  readonly meanMs: number;
  readonly stddevMs: number;
  readonly minMs: number;
  readonly maxMs: number;
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
    readonly times: readonly number[];
  }[];
}

/** Fails with the install command when hyperfine is missing. */
export function hyperfineVersion(): string {
  const result = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error('hyperfine is not installed: apt-get install -y hyperfine');
  return result.stdout.trim().replace(/^hyperfine\s+/, '');
}

/**
 * Times `commands` side by side in one hyperfine run (`-N`: no shell in between),
 * from `cwd`, exporting hyperfine's JSON to `exportJson`.
 */
export function hyperfine(commands: readonly MeasuredCommand[], count: RunCount, cwd: string, exportJson: string): Timing[] {
  const runs =
    'min' in count.runs
      ? ['--min-runs', String(count.runs.min), '--max-runs', String(count.runs.max)]
      : ['--runs', String(count.runs.exact)];
  const args = ['-N', '--warmup', String(count.warmup), ...runs, '--export-json', exportJson];
  if (!process.stdout.isTTY) args.push('--style', 'basic');
  for (const command of commands) args.push('--command-name', command.name, command.argv.map(shellWord).join(' '));
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
    runs: r.times.length,
    warmup: count.warmup,
  }));
}

/** Quotes an argument for hyperfine's own word splitting (it runs no shell with `-N`). */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
