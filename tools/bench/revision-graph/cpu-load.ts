/**
 * How busy the machine's CPUs are, from /proc/stat (Linux), so that a run can wait
 * for other work to finish and the report can say when something else was running:
 * the bench itself keeps about one core busy.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Cumulative busy and total CPU ticks since boot. */
export interface CpuTicks {
  readonly busy: number;
  readonly total: number;
}

/** The current tick counts, or `undefined` where /proc/stat does not exist. */
export function cpuTicks(): CpuTicks | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  return { busy: total - idle, total };
}

/** Share of all cores that were busy between two readings, 0–1. */
export function busyShare(from: CpuTicks | undefined, to: CpuTicks | undefined): number | undefined {
  if (!from || !to || to.total === from.total) return undefined;
  return (to.busy - from.busy) / (to.total - from.total);
}

/** Blocks the thread for `ms` (the bench is synchronous throughout). */
export function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Waits, up to `maxWaitMs`, until the CPUs were less than `threshold` busy over a
 * 3-second window while the bench itself was idle. Returns the last share seen.
 */
export function waitForQuiet(threshold: number, maxWaitMs: number): number | undefined {
  const deadline = performance.now() + maxWaitMs;
  let announced = false;
  for (;;) {
    const before = cpuTicks();
    sleep(3000);
    const share = busyShare(before, cpuTicks());
    if (share === undefined || share < threshold || performance.now() > deadline) return share;
    if (!announced) {
      console.log(`   waiting for other work to finish (CPUs ${(share * 100).toFixed(0)}% busy of ${os.availableParallelism()} cores)…`);
      announced = true;
    }
  }
}
