/** What one run of the bench found, as the report and the targets read it. */
import type { MachineFacts } from '../upgrade/results.ts';
import type { ToolResult } from './measure.ts';
import type { WorkloadSpec } from './options.ts';

/** The figures of one workload. */
export interface WorkloadResult {
  readonly spec: WorkloadSpec;
  readonly tools: readonly ToolResult[];
  readonly cpuBusy: number | undefined;
  /** Tools left out of this workload, and why (e.g. a CLI built without the fleet command). */
  readonly skipped: readonly { readonly label: string; readonly reason: string }[];
}

/** A whole run. */
export interface BenchRun {
  readonly quick: boolean;
  readonly machine: MachineFacts;
  readonly workloads: readonly WorkloadResult[];
}

/** Tool `tool`'s figures in the run's workload of dialect `dialect`, if it was measured. */
export function toolResult(run: BenchRun, dialect: WorkloadSpec['dialect'], tool: string): { workload: WorkloadResult; result: ToolResult } | undefined {
  for (const workload of run.workloads) {
    if (workload.spec.dialect !== dialect) continue;
    const result = workload.tools.find((t) => t.tool === tool);
    if (result) return { workload, result };
  }
  return undefined;
}
