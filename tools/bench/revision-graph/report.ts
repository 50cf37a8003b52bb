/** Renders a run as the Markdown that the terminal shows and docs/benchmarks.md keeps. */
import type { BenchRun, MachineFacts, WorkloadResult } from './results.ts';
import type { TargetResult } from './targets.ts';

/** The whole generated part of the benchmark's section. */
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
    renderTargets(run.quick ? targets.filter((t) => t.measured !== undefined) : targets),
    ...(run.quick ? ['', '`--quick` measures 1,000 revisions only: the 10,000-revision targets need a full run.'] : []),
    '',
    '#### Bringing each database to head (once, outside the timings)',
    '',
    renderSetup(run.workloads),
    ...(run.skipped.length > 0 ? ['', `Not measured: ${run.skipped.join('; ')}.`] : []),
  ].join('\n');
}

function renderMachine(m: MachineFacts): string {
  return [
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.os}. Node ${m.node}; Python ${m.python} with Alembic ${m.alembic};`,
    `knex ${m.knex} with better-sqlite3; hyperfine ${m.hyperfine}. cgmigrate at ${m.commit}.`,
  ].join(' ');
}

function renderMedians(run: BenchRun): string {
  const names = [...new Set(run.workloads.flatMap((w) => w.timings.map((t) => t.name)))];
  const slowNotes = new Set<string>();
  const cell = (workload: WorkloadResult, name: string): string => {
    const t = workload.timings.find((timing) => timing.name === name);
    if (!t) return '—';
    const slow = t.slowLane;
    if (slow) slowNotes.add(`${plural(t.runs, 'run')}, ${plural(t.warmup, 'warm-up run')}`);
    return `${ms(t.medianMs)} ± ${ms(t.stddevMs)}${slow ? ' †' : ''}`;
  };
  const header = `| command | ${run.workloads.map((w) => w.spec.label).join(' | ')} |`;
  const rule = `| --- | ${run.workloads.map(() => '---:').join(' | ')} |`;
  const rows = names.map((name) => `| \`${name}\` | ${run.workloads.map((w) => cell(w, name)).join(' | ')} |`);
  const runsNote = describeRuns(run.workloads);
  const busy = run.workloads.map((w) => (w.cpuBusy === undefined ? '?' : `${Math.round(w.cpuBusy * 100)}%`));
  return [
    `Median wall time of one whole process, in ms (± standard deviation). Each column is one hyperfine run (\`-N\`, ${runsNote}) with every command side by side; the SQLite database is at head.`,
    '',
    header,
    rule,
    ...rows,
    '',
    `CPUs busy while each column was timed: ${busy.join(', ')} of ${run.machine.cpus} cores. hyperfine and the command measured keep about one core busy (${Math.round(100 / run.machine.cpus)}%); more means other work was running and the figures are inflated.`,
    ...(slowNotes.size > 0
      ? ['', `† One run took over 5 s, so this command was timed in a second, shorter hyperfine run (${[...slowNotes].join('; ')}) to keep the bench within its time budget.`]
      : []),
  ].join('\n');
}

function describeRuns(workloads: readonly WorkloadResult[]): string {
  const normalLane = workloads.flatMap((w) => w.timings).filter((t) => !t.slowLane);
  const warmup = Math.max(...normalLane.map((t) => t.warmup));
  const normal = normalLane.map((t) => t.runs);
  const [fewest, most] = [Math.min(...normal), Math.max(...normal)];
  return `${plural(warmup, 'warm-up run')}, ${fewest === most ? fewest : `${fewest}–${most}`} timed runs per command`;
}

function renderTargets(targets: readonly TargetResult[]): string {
  const verdict = (t: TargetResult) => (t.pass === undefined ? 'not measured' : t.pass ? 'pass' : '**miss**');
  return [
    '| target | ratio of medians | required | measured | result |',
    '| --- | --- | ---: | ---: | --- |',
    ...targets.map(
      (t) => `| ${t.target} | ${t.ratio} | ${t.required} | ${t.measured === undefined ? '—' : `${t.measured.toFixed(2)}×`} | ${verdict(t)} |`,
    ),
  ].join('\n');
}

function renderSetup(workloads: readonly WorkloadResult[]): string {
  const tools = [...new Set(workloads.flatMap((w) => Object.keys(w.setupMs)))];
  const command: Readonly<Record<string, string>> = {
    cgmigrate: 'cgmigrate upgrade head',
    alembic: 'alembic upgrade head',
    knex: 'knex migrate:latest',
  };
  return [
    `| command | ${workloads.map((w) => w.spec.label).join(' | ')} |`,
    `| --- | ${workloads.map(() => '---:').join(' | ')} |`,
    ...tools.map((tool) => {
      const cells = workloads.map((w) => {
        const time = w.setupMs[tool];
        return time === undefined ? '—' : `${(time / 1000).toFixed(1)} s`;
      });
      return `| \`${command[tool] ?? tool}\` | ${cells.join(' | ')} |`;
    }),
  ].join('\n');
}

/** Milliseconds with as many digits as tell something. */
function ms(value: number): string {
  const digits = value < 10 ? 1 : 0;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function plural(count: number, noun: string): string {
  return `${count === 0 ? 'no' : count} ${noun}${count === 1 ? '' : 's'}`;
}
