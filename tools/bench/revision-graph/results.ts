/** What one run of the bench found, as the report and the targets read it. */
import type { LaneTiming } from './measure.ts';
import type { WorkloadSpec } from './options.ts';

/** The figures of one workload. */
export interface WorkloadResult {
  readonly spec: WorkloadSpec;
  readonly merges: number;
  readonly timings: readonly LaneTiming[];
  /** Wall time of each tool's own upgrade to head, in ms (outside hyperfine). */
  readonly setupMs: Readonly<Record<string, number>>;
  /** Share of all cores busy while the commands were timed (the bench alone keeps about one busy). */
  readonly cpuBusy: number | undefined;
}

/** Facts about the machine and the tools measured. */
export interface MachineFacts {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly os: string;
  readonly node: string;
  readonly python: string;
  readonly alembic: string;
  readonly knex: string;
  readonly hyperfine: string;
  readonly commit: string;
}

/** A whole run. */
export interface BenchRun {
  readonly quick: boolean;
  readonly machine: MachineFacts;
  readonly workloads: readonly WorkloadResult[];
  /** Tools that were left out, with the reason. */
  readonly skipped: readonly string[];
}

/** The median of `command` in `workload`, in ms, if it was measured. */
export function median(run: BenchRun, workloadId: string, command: string): number | undefined {
  const workload = run.workloads.find((w) => w.spec.id === workloadId);
  return workload?.timings.find((t) => t.name === command)?.medianMs;
}
