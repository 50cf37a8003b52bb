/**
 * Measures one workload: every command runs once and its output is checked, then
 * all of them are timed in one hyperfine run. A command whose single run already
 * exceeds the slow-lane threshold (Alembic 1.8's `current` at 10,000 revisions takes
 * ~18 s) is timed in a second, shorter hyperfine run, so that the whole bench stays
 * within its time budget; the table marks those figures.
 */
import path from 'node:path';
import { busyShare, cpuTicks, waitForQuiet } from './cpu-load.ts';
import { hyperfine, type RunCount, type Timing } from './hyperfine.ts';
import { run } from './process.ts';
import type { MeasuredCommand } from './runners/tool-runner.ts';

/** Below this share of busy CPUs (bench idle) the machine counts as quiet. */
const QUIET = 0.15;

/** Run counts for normal commands and for the slow lane, and where the slow lane begins. */
export interface MeasureSettings {
  readonly normal: RunCount;
  readonly slow: RunCount;
  readonly slowLaneMs: number;
}

/** Runs each command once; throws unless it printed what its peers must print. Returns each run's wall time. */
export function probe(commands: readonly MeasuredCommand[], cwd: string): Map<string, number> {
  const ms = new Map<string, number>();
  for (const command of commands) {
    const done = run({ argv: command.argv, cwd });
    if (!command.expects.test(done.stdout)) {
      throw new Error(`\`${command.name}\` should print ${command.expects.what}, but printed:\n${done.stdout.slice(0, 2000)}`);
    }
    ms.set(command.name, done.ms);
  }
  return ms;
}

/** A command's figures and whether they come from the shorter slow-lane run. */
export interface LaneTiming extends Timing {
  readonly slowLane: boolean;
}

/** The timings of one workload and how busy the CPUs were meanwhile. */
export interface Measurement {
  readonly timings: readonly LaneTiming[];
  /** Share of all cores busy during the main hyperfine run; the bench alone keeps about one core busy. */
  readonly cpuBusy: number | undefined;
}

/**
 * Checks, then times, `commands` from `cwd`, after waiting (up to two minutes) for
 * other work on the machine to finish; hyperfine's JSON goes to `resultsDir/<id>*.json`.
 */
export function measure(
  id: string,
  commands: readonly MeasuredCommand[],
  cwd: string,
  resultsDir: string,
  settings: MeasureSettings,
): Measurement {
  const once = probe(commands, cwd);
  const isSlow = (c: MeasuredCommand) => (once.get(c.name) ?? 0) > settings.slowLaneMs;
  const normal = commands.filter((c) => !isSlow(c));
  const slow = commands.filter(isSlow);
  waitForQuiet(QUIET, 120_000);
  const before = cpuTicks();
  const timings: LaneTiming[] = hyperfine(normal, settings.normal, cwd, path.join(resultsDir, `${id}.json`)).map((t) => ({
    ...t,
    slowLane: false,
  }));
  const cpuBusy = busyShare(before, cpuTicks());
  if (slow.length > 0) {
    console.log(`\nSlow lane (one run took over ${settings.slowLaneMs / 1000} s): ${slow.map((c) => c.name).join(', ')}`);
    const slowTimings = hyperfine(slow, settings.slow, cwd, path.join(resultsDir, `${id}-slow.json`));
    timings.push(...slowTimings.map((t) => ({ ...t, slowLane: true })));
  }
  const order = commands.map((c) => c.name);
  return { timings: timings.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)), cpuBusy };
}
