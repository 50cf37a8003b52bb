/** Renders a run as the Markdown that the terminal shows and docs/benchmarks/fleet.md keeps. */
import { renderMachine } from '../upgrade/report.ts';
import { mebibytes, type ToolResult } from './measure.ts';
import type { BenchRun, WorkloadResult } from './results.ts';
import type { TargetResult } from './targets.ts';

/** The whole generated part of the report. */
export function renderReport(run: BenchRun, targets: readonly TargetResult[]): string {
  return [
    `### Results (${run.machine.date}${run.quick ? ', --quick' : ''})`,
    '',
    renderMachine(run.machine),
    '',
    'Median wall time in seconds to bring every tenant from empty to head (20 migrations), the whole command, ' +
      'on fresh tenants each run (± standard deviation; min – max). *CPU*: the mean CPU time, user + system, of the ' +
      "command's processes (not the database server's). *÷ fleet*: the tool's median over the fleet command's. " +
      '*Peak RSS*: the largest resident set of one process of the command (GNU time\'s `%M`), the largest over every ' +
      'run: for the fleet the one process that migrates every tenant, for a loop the largest of its per-tenant processes. ' +
      "The tools of a workload are timed in passes, each tool once per pass, in the upgrade bench's balanced orders.",
    ...run.workloads.flatMap(renderWorkload),
    '',
    '#### Targets',
    '',
    renderTargets(targets),
    ...(run.quick ? ['', "`--quick` runs fewer tenants than the issue's 500 files and 200 schemas: the ratios are indicative, the targets need a full run."] : []),
  ].join('\n');
}

function renderWorkload(workload: WorkloadResult): string[] {
  const fleet = workload.tools.find((t) => t.tool === 'fleet');
  const row = (t: ToolResult) => {
    const timing = t.timing;
    const ratio = fleet ? `${(timing.medianMs / fleet.timing.medianMs).toFixed(2)}×` : '—';
    const rss = t.rssKiB.length > 0 ? `${mebibytes(Math.max(...t.rssKiB))} MiB` : '—';
    return `| ${t.label} | ${seconds(timing.medianMs)} | ± ${seconds(timing.stddevMs)} | ${seconds(timing.minMs)} – ${seconds(timing.maxMs)} | ${seconds(timing.cpuMs)} | ${ratio} | ${rss} |`;
  };
  const { spec } = workload;
  const busy = workload.cpuBusy === undefined ? '?' : `${Math.round(workload.cpuBusy * 100)}%`;
  return [
    '',
    `#### ${spec.label}`,
    '',
    '| tool | median (s) | ± | min – max (s) | CPU (s) | ÷ fleet | peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...workload.tools.map(row),
    '',
    `${spec.runs.warmup} warm-up + ${spec.runs.runs.exact} timed passes; CPUs busy meanwhile: ${busy}. ` +
      `Checked run (the first, untimed by hyperfine): ${workload.tools.map((t) => `${t.tool} ${seconds(t.checkedMs)} s`).join(', ')}.`,
    ...workload.skipped.map((s) => `\nNot measured: ${s.label}: ${s.reason}.`),
  ];
}

function renderTargets(targets: readonly TargetResult[]): string {
  const verdict = (t: TargetResult) => (t.pass === undefined ? 'not measured' : t.pass ? 'PASS' : '**MISS**');
  return [
    '| target | figure | required | measured | result |',
    '| --- | --- | ---: | ---: | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.figure}${t.workload ? ` (${t.workload})` : ''} | ${t.required} | ${t.measured ?? '—'} | ${verdict(t)} |`),
  ].join('\n');
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s.toFixed(s < 10 ? 2 : 1);
}
