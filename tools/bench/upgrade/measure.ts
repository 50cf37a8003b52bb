/**
 * Measures one workload: each tool's round is run once by hand and checked (after
 * `upgrade head` every table exists, after `downgrade base` none does), then every
 * round is timed, each run on a fresh database, in passes that take the tools in turn.
 */
import path from 'node:path';
import { countTables, serverTimes, serverTimesBetween, shell, type BenchDatabase, type ServerTimes } from './database.ts';
import type { RunCount, Timing } from './hyperfine.ts';
import { timePasses } from './passes.ts';
import type { ToolProject } from './runners/tool-runner.ts';

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

/** Checks, then times, every round; hyperfine's JSON goes to `resultsDir/<id>-pass-<n>.json`. */
export function measure(id: string, rounds: readonly Round[], tables: number, count: RunCount, resultsDir: string): Measurement {
  // The checked run also warms each tool's caches (Node's compile cache, Python's bytecode),
  // as a deploy that ran before would find them.
  const probes = probe(rounds, tables);
  const { timings, cpuBusy } = timePasses({
    id,
    rounds,
    count,
    resultsDir,
    cwd: path.dirname(rounds[0]!.project.dir),
    command: (round) => ({ name: round.label, command: roundCommand(round.project), prepare: round.db.reset }),
    progressName: (round) => round.label,
  });
  return { timings, probes, cpuBusy };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
