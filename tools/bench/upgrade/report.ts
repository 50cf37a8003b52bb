/** Renders a run as the Markdown that the terminal shows and docs/benchmarks/upgrade.md keeps. */
import type { ServerTimes } from './database.ts';
import type { BenchRun, MachineFacts, WorkloadResult } from './results.ts';
import type { TargetResult } from './targets.ts';

/** The whole generated part of the report. */
export function renderReport(run: BenchRun, targets: readonly TargetResult[]): string {
  return [
    `### Results (${run.machine.date}${run.quick ? ', --quick' : ''})`,
    '',
    renderMachine(run.machine),
    '',
    renderMedians(run),
    '',
    '#### Targets',
    '',
    renderTargets(targets.filter((t) => !run.quick || t.measured !== undefined)),
    ...(run.quick ? ['', '`--quick` measures 1,000 migrations only: the growth targets need a full run.'] : []),
    '',
    '#### Upgrade and downgrade apart (the single checked run before the timings)',
    '',
    "Each tool's first run in the workload: its upgrade also fills the tool's caches (Node's compile cache, Python's bytecode), as a first deploy would.",
    '',
    renderProbes(run.workloads),
    ...renderServerTimes(run.workloads),
  ].join('\n');
}

/** The machine and tool versions, one paragraph. */
export function renderMachine(m: MachineFacts): string {
  const versions = Object.entries(m.versions)
    .map(([tool, version]) => `${tool} ${version}`)
    .join(', ');
  return `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.os}. Node ${m.node}; Python ${m.python}. ${versions}. cgmigrate at ${m.commit}.`;
}

function renderMedians(run: BenchRun): string {
  const labels = [...new Set(run.workloads.flatMap((w) => w.timings.map((t) => t.name)))];
  const cell = (workload: WorkloadResult, label: string): string => {
    const t = workload.timings.find((timing) => timing.name === label);
    return t ? `${seconds(t.medianMs)} ± ${seconds(t.stddevMs)} (${seconds(t.cpuMs)})` : '—';
  };
  const runs = run.workloads.map((w) => `${w.spec.label}: ${w.spec.runs.warmup} warm-up + ${w.spec.runs.runs.exact} timed`).join('; ');
  const passes =
    "Each column is timed in passes that run every tool once, by hyperfine, in the orders of a balanced Latin square (each tool first once, " +
    `and after every other tool equally often, per cycle), so that a server slowing down with what ran before weighs on every tool alike (${runs}).`;
  const busy = run.workloads.map((w) => `${w.spec.label} ${w.cpuBusy === undefined ? '?' : `${Math.round(w.cpuBusy * 100)}%`}`);
  return [
    'Median wall time in seconds of `upgrade head` followed by `downgrade base`, two whole processes, on a fresh database ' +
      `(± standard deviation; in brackets the mean CPU time, user + system, of the tool's own processes, which leaves out the database server). ` +
      passes,
    '',
    `| tool | ${run.workloads.map((w) => w.spec.label).join(' | ')} |`,
    `| --- | ${run.workloads.map(() => '---:').join(' | ')} |`,
    ...labels.map((label) => `| ${label} | ${run.workloads.map((w) => cell(w, label)).join(' | ')} |`),
    '',
    `CPUs busy while each column was timed: ${busy.join(', ')} of ${run.machine.cpus} cores; more than about ${Math.round(100 / run.machine.cpus)}% means other work ran too.`,
  ].join('\n');
}

function renderTargets(targets: readonly TargetResult[]): string {
  const verdict = (t: TargetResult) => (t.pass === undefined ? 'not measured' : t.pass ? 'pass' : '**miss**');
  return [
    '| target | ratio of medians | required | measured | result |',
    '| --- | --- | ---: | ---: | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.ratio} | ${t.required} | ${t.measured === undefined ? '—' : `${t.measured.toFixed(2)}×`} | ${verdict(t)} |`),
  ].join('\n');
}

function renderProbes(workloads: readonly WorkloadResult[]): string {
  const tools = [...new Set(workloads.flatMap((w) => Object.keys(w.probes)))];
  return [
    `| tool | ${workloads.map((w) => `${w.spec.label}: up / down`).join(' | ')} |`,
    `| --- | ${workloads.map(() => '---:').join(' | ')} |`,
    ...tools.map((tool) => {
      const cells = workloads.map((w) => {
        const p = w.probes[tool];
        return p ? `${seconds(p.upgradeMs)} / ${seconds(p.downgradeMs)}` : '—';
      });
      return `| ${tool} | ${cells.join(' | ')} |`;
    }),
  ].join('\n');
}

/** Where the checked run's time went on PostgreSQL: the server's work, its waits for the client, and the rest. */
function renderServerTimes(workloads: readonly WorkloadResult[]): string[] {
  return workloads.flatMap((w) => {
    const tools = Object.entries(w.probes).filter(([, p]) => p.server !== undefined);
    if (tools.length === 0) return [];
    const cells = (wallMs: number, server: ServerTimes) => {
      const rest = wallMs - server.activeMs - server.idleInTransactionMs;
      return `${seconds(wallMs)} | ${seconds(server.activeMs)} | ${seconds(server.idleInTransactionMs)} | ${seconds(rest)}`;
    };
    return [
      '',
      `#### ${w.spec.label}: the server's share of the checked run`,
      '',
      "From `pg_stat_database`: the server running statements (*busy*), the server inside a transaction waiting for the tool's next statement " +
        '(*waiting*), and the rest of the wall time (*outside*: the process starting, connecting, and its work outside any transaction). ' +
        'The busy part is nearly the same work for every tool (each sends the same DDL) and follows the server\'s speed; waiting and outside are what each tool adds.',
      '',
      '| tool | up: wall | busy | waiting | outside | down: wall | busy | waiting | outside |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...tools.map(([tool, p]) => `| ${tool} | ${cells(p.upgradeMs, p.server!.upgrade)} | ${cells(p.downgradeMs, p.server!.downgrade)} |`),
    ];
  });
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s.toFixed(s < 10 ? 2 : 1);
}
