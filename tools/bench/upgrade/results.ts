/** What one run of the bench found, as the report and the targets read it. */
import type { Timing } from './hyperfine.ts';
import type { ProbeTimes } from './measure.ts';
import type { WorkloadSpec } from './options.ts';

/** The figures of one workload. */
export interface WorkloadResult {
  readonly spec: WorkloadSpec;
  /** hyperfine's figures for each tool's round, by the tool's label. */
  readonly timings: readonly Timing[];
  /** The checked single run of each tool (by tool name), upgrade and downgrade apart. */
  readonly probes: Readonly<Record<string, ProbeTimes>>;
  readonly cpuBusy: number | undefined;
}

/** Facts about the machine and the tools. */
export interface MachineFacts {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly os: string;
  readonly node: string;
  readonly python: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly commit: string;
}

/** A whole run. */
export interface BenchRun {
  readonly quick: boolean;
  readonly machine: MachineFacts;
  readonly workloads: readonly WorkloadResult[];
}

/** The median of `label`'s round in workload `workloadId`, in ms, if it was measured. */
export function median(run: BenchRun, workloadId: string, label: string): number | undefined {
  return run.workloads.find((w) => w.spec.id === workloadId)?.timings.find((t) => t.name === label)?.medianMs;
}
