/**
 * Measures one workload: each tool's round is run once by hand and checked (after
 * `upgrade head` every table exists, after `downgrade base` none does), then every
 * round is timed side by side in one hyperfine run, each run on a fresh database.
 */
import path from 'node:path';
import { busyShare, cpuTicks, waitForQuiet } from '../revision-graph/cpu-load.ts';
import { countTables, shell, type BenchDatabase } from './database.ts';
import { hyperfine, type RunCount, type Timing } from './hyperfine.ts';
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

/** Wall times of the checked single run, in ms. */
export interface ProbeTimes {
  readonly upgradeMs: number;
  readonly downgradeMs: number;
}

/** The timings of one workload and how busy the CPUs were meanwhile. */
export interface Measurement {
  readonly timings: readonly Timing[];
  readonly probes: Readonly<Record<string, ProbeTimes>>;
  /** Share of all cores busy during the hyperfine run; the bench alone keeps about one core busy. */
  readonly cpuBusy: number | undefined;
}

/** `cd <dir> && <upgrade> && <downgrade>`: the measured command. */
function roundCommand(project: ToolProject): string {
  return `cd '${project.dir.replaceAll("'", `'\\''`)}' && ${project.upgrade} && ${project.downgrade}`;
}

function timed(command: string, cwd: string): number {
  const started = performance.now();
  shell(command, cwd);
  return performance.now() - started;
}

/** Runs each round once and checks what it did to the database; throws on the first tool that got it wrong. */
export function probe(rounds: readonly Round[], tables: number): Record<string, ProbeTimes> {
  const times: Record<string, ProbeTimes> = {};
  for (const round of rounds) {
    const { project, db } = round;
    shell(db.reset, project.dir);
    const upgradeMs = timed(project.upgrade, project.dir);
    const afterUpgrade = countTables(db);
    if (afterUpgrade !== tables) throw new Error(`${round.label}: after upgrade head the database has ${afterUpgrade} of ${tables} tables`);
    const downgradeMs = timed(project.downgrade, project.dir);
    const afterDowngrade = countTables(db);
    if (afterDowngrade !== 0) throw new Error(`${round.label}: after downgrade base the database still has ${afterDowngrade} tables`);
    times[round.tool] = { upgradeMs, downgradeMs };
    console.log(`   ${round.label}: upgrade ${(upgradeMs / 1000).toFixed(2)} s, downgrade ${(downgradeMs / 1000).toFixed(2)} s (checked)`);
  }
  return times;
}

/** Checks, then times, every round; hyperfine's JSON goes to `resultsDir/<id>.json`. */
export function measure(
  id: string,
  rounds: readonly Round[],
  tables: number,
  runs: RunCount,
  resultsDir: string,
): Measurement {
  // The checked run also warms each tool's caches (Node's compile cache, Python's bytecode),
  // as a deploy that ran before would find them.
  const probes = probe(rounds, tables);
  waitForQuiet(QUIET, 60_000);
  const before = cpuTicks();
  const timings = hyperfine(
    rounds.map((round) => ({ name: round.label, command: roundCommand(round.project), prepare: round.db.reset })),
    runs,
    path.dirname(rounds[0]!.project.dir),
    path.join(resultsDir, `${id}.json`),
  );
  return { timings, probes, cpuBusy: busyShare(before, cpuTicks()) };
}
