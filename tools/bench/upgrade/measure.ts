/**
 * Measures one workload: each tool's round is run once by hand and checked (after
 * `upgrade head` every table exists, after `downgrade base` none does), then every
 * round is timed, each run on a fresh database, in passes that take the tools in turn.
 */
import path from 'node:path';
import { busyShare, cpuTicks, waitForQuiet } from '../revision-graph/cpu-load.ts';
import { countTables, serverTimes, serverTimesBetween, shell, type BenchDatabase, type ServerTimes } from './database.ts';
import { summarize, timePass, type PassTime, type RunCount, type Timing } from './hyperfine.ts';
import type { ToolProject } from './runners/tool-runner.ts';

/** Below this share of busy CPUs (bench idle) the machine counts as quiet. */
const QUIET = 0.15;

/** One tool's round in one workload. */
export interface Round {
  readonly tool: string;
  readonly label: string;
  readonly project: ToolProject;
  readonly db: BenchDatabase;
}

/** Wall times of the checked single run, in ms, and on PostgreSQL what the server did meanwhile. */
export interface ProbeTimes {
  readonly upgradeMs: number;
  readonly downgradeMs: number;
  readonly server?: { readonly upgrade: ServerTimes; readonly downgrade: ServerTimes } | undefined;
}

/** The timings of one workload and how busy the CPUs were meanwhile. */
export interface Measurement {
  readonly timings: readonly Timing[];
  readonly probes: Readonly<Record<string, ProbeTimes>>;
  /** Share of all cores busy during the timed passes; the bench alone keeps about one core busy. */
  readonly cpuBusy: number | undefined;
}

/** `cd <dir> && <upgrade> && <downgrade>`: the measured command. */
function roundCommand(project: ToolProject): string {
  return `cd '${project.dir.replaceAll("'", `'\\''`)}' && ${project.upgrade} && ${project.downgrade}`;
}

/** Runs `command` and returns its wall time, with the server times it added on PostgreSQL. */
function timed(command: string, round: Round): { ms: number; server: ServerTimes | undefined } {
  const before = serverTimes(round.db);
  const started = performance.now();
  shell(command, round.project.dir);
  const ms = performance.now() - started;
  const after = serverTimes(round.db);
  return { ms, server: before && after ? serverTimesBetween(before, after) : undefined };
}

/** Runs each round once and checks what it did to the database; throws on the first tool that got it wrong. */
export function probe(rounds: readonly Round[], tables: number): Record<string, ProbeTimes> {
  const times: Record<string, ProbeTimes> = {};
  for (const round of rounds) {
    const { project, db } = round;
    shell(db.reset, project.dir);
    const upgrade = timed(project.upgrade, round);
    const afterUpgrade = countTables(db);
    if (afterUpgrade !== tables) throw new Error(`${round.label}: after upgrade head the database has ${afterUpgrade} of ${tables} tables`);
    const downgrade = timed(project.downgrade, round);
    const afterDowngrade = countTables(db);
    if (afterDowngrade !== 0) throw new Error(`${round.label}: after downgrade base the database still has ${afterDowngrade} tables`);
    const server = upgrade.server && downgrade.server ? { upgrade: upgrade.server, downgrade: downgrade.server } : undefined;
    times[round.tool] = { upgradeMs: upgrade.ms, downgradeMs: downgrade.ms, server };
    console.log(`   ${round.label}: upgrade ${seconds(upgrade.ms)} s, downgrade ${seconds(downgrade.ms)} s (checked)`);
  }
  return times;
}

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

/** Checks, then times, every round; hyperfine's JSON goes to `resultsDir/<id>-pass-<n>.json`. */
export function measure(id: string, rounds: readonly Round[], tables: number, count: RunCount, resultsDir: string): Measurement {
  // The checked run also warms each tool's caches (Node's compile cache, Python's bytecode),
  // as a deploy that ran before would find them.
  const probes = probe(rounds, tables);
  waitForQuiet(QUIET, 60_000);
  const before = cpuTicks();
  const passes = new Map<string, PassTime[]>(rounds.map((round) => [round.label, []]));
  const total = count.warmup + count.runs.exact;
  for (let index = 0; index < total; index++) {
    const order = passOrder(rounds, index);
    const times = timePass(
      order.map((round) => ({ name: round.label, command: roundCommand(round.project), prepare: round.db.reset })),
      path.dirname(rounds[0]!.project.dir),
      path.join(resultsDir, `${id}-pass-${index + 1}.json`),
    );
    const warmup = index < count.warmup;
    if (!warmup) for (const time of times) passes.get(time.name)!.push(time);
    const line = times.map((time) => `${time.name} ${seconds(time.wallMs)}`).join(', ');
    console.log(`   pass ${index + 1} of ${total}${warmup ? ' (warm-up)' : ''}: ${line} s`);
  }
  const timings = rounds.map((round) => summarize(round.label, passes.get(round.label)!, count));
  return { timings, probes, cpuBusy: busyShare(before, cpuTicks()) };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
