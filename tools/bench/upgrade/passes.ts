/**
 * Times rounds of tools in passes: each pass runs every tool once, in one hyperfine
 * call, the tools taken in a balanced order so that none gains from its place. The
 * upgrade and fleet benches both time this way.
 */
import path from 'node:path';
import { busyShare, cpuTicks, waitForQuiet } from '../revision-graph/cpu-load.ts';
import { summarize, timePass, type PassTime, type RunCount, type TimedCommand, type Timing } from './hyperfine.ts';

/** Below this share of busy CPUs (bench idle) the machine counts as quiet. */
const QUIET = 0.15;

/**
 * The order of pass `index`: a row of a balanced Latin square (Williams' design). A
 * database server slows down with what ran before it (on ext4, creating files gets
 * slower for a minute or more after thousands were deleted, and every round drops
 * 1,000 tables), so timing one tool's runs back to back and then the next tool's would
 * favour whichever came first, and a fixed order would favour whoever follows the
 * slowest tool. Over {@link balancedCycle} passes every tool runs first once and
 * follows every other tool equally often.
 */
export function passOrder<T>(rounds: readonly T[], index: number): T[] {
  const n = rounds.length;
  const row = index % balancedCycle(n);
  // The first row goes 0, 1, n-1, 2, n-2, …; row r adds r to each place (mod n). For an odd
  // n the rows are then taken again, reversed.
  const order: T[] = [];
  for (let place = 0, low = 1, high = n - 1; place < n; place++) {
    const first = place === 0 ? 0 : place % 2 === 1 ? low++ : high--;
    order.push(rounds[(first + row) % n]!);
  }
  return row < n ? order : order.reverse();
}

/** How many passes make one whole balanced order of `tools` tools: `tools` when even, twice that when odd. */
export function balancedCycle(tools: number): number {
  return tools % 2 === 0 ? tools : 2 * tools;
}

/** What {@link timePasses} times, and how it names the files and progress lines. */
export interface PassPlan<R> {
  /** The workload's id: hyperfine's JSON goes to `resultsDir/<id>-pass-<n>.json`. */
  readonly id: string;
  readonly rounds: readonly R[];
  readonly count: RunCount;
  readonly resultsDir: string;
  /** Where hyperfine runs. */
  readonly cwd: string;
  /** The round as hyperfine times it; its `name` keys the figures and must be unique. */
  readonly command: (round: R) => TimedCommand;
  /** The round's name in each pass's progress line. */
  readonly progressName: (round: R) => string;
}

/** The figures of every round, in the order of `rounds`, and how busy the CPUs were meanwhile. */
export interface PassesResult {
  readonly timings: readonly Timing[];
  /** Share of all cores busy during the timed passes. */
  readonly cpuBusy: number | undefined;
}

/**
 * Waits for a quiet machine, then runs `count.warmup` warm-up passes and `count.runs.exact`
 * timed ones, printing a line per pass, and sums each round's timed passes up.
 */
export function timePasses<R>(plan: PassPlan<R>): PassesResult {
  const { rounds, count } = plan;
  waitForQuiet(QUIET, 60_000);
  const before = cpuTicks();
  const commands = rounds.map((round) => plan.command(round));
  const passes = new Map<string, PassTime[]>(commands.map((command) => [command.name, []]));
  const total = count.warmup + count.runs.exact;
  for (let index = 0; index < total; index++) {
    const order = passOrder(rounds.map((round, at) => ({ round, command: commands[at]! })), index);
    const times = timePass(
      order.map((entry) => entry.command),
      plan.cwd,
      path.join(plan.resultsDir, `${plan.id}-pass-${index + 1}.json`),
    );
    const warmup = index < count.warmup;
    if (!warmup) for (const time of times) passes.get(time.name)!.push(time);
    const line = order.map((entry, at) => `${plan.progressName(entry.round)} ${seconds(times[at]!.wallMs)}`).join(', ');
    console.log(`   pass ${index + 1} of ${total}${warmup ? ' (warm-up)' : ''}: ${line} s`);
  }
  const timings = commands.map((command) => summarize(command.name, passes.get(command.name)!, count));
  return { timings, cpuBusy: busyShare(before, cpuTicks()) };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
