/** The Markdown report: one table of medians, the target ratios, and the machine. */
import type { Scenario } from './options.ts';
import type { Timing } from './measure.ts';
import type { Dialect } from './workload.ts';

/** The timings of one dialect and scenario. */
export interface CellResult {
  readonly dialect: Dialect;
  readonly scenario: Scenario;
  readonly timings: readonly Timing[];
  /** Share of all CPUs busy while timing (other work on the machine shows here). */
  readonly cpuBusy: number | undefined;
}

/** Facts printed with the results. */
export interface RunFacts {
  readonly date: string;
  readonly machine: string;
  readonly versions: string;
  readonly commit: string;
  readonly tables: number;
  readonly runs: number;
  readonly quick: boolean;
}

const DIALECT_NAMES: Readonly<Record<Dialect, string>> = { sqlite: 'SQLite', postgresql: 'PostgreSQL' };
const SCENARIO_NAMES: Readonly<Record<Scenario, string>> = { empty: 'empty database', head: 'database at head' };
const OURS = ['cgmigrate revision --autogenerate', 'cgmigrate check'];
const PEERS = ['alembic revision --autogenerate', 'mikro-orm migration:create'];

/** Whether every cgmigrate command beat every peer, per cell, and by how much. */
export interface TargetResult {
  readonly line: string;
  readonly met: boolean;
}

export function evaluateTargets(cells: readonly CellResult[]): TargetResult[] {
  return cells.flatMap((cell) =>
    OURS.flatMap((ours) => {
      const mine = cell.timings.find((timing) => timing.name === ours);
      if (mine === undefined) return [];
      return PEERS.flatMap((peer) => {
        const theirs = cell.timings.find((timing) => timing.name === peer);
        if (theirs === undefined) return [];
        const ratio = theirs.medianMs / mine.medianMs;
        const cpuRatio = theirs.cpuMs / mine.cpuMs;
        const met = ratio > 1;
        return [
          {
            met,
            line:
              `${met ? '✅' : '❌'} ${DIALECT_NAMES[cell.dialect]}, ${SCENARIO_NAMES[cell.scenario]}: \`${ours}\` ${ms(mine.medianMs)} vs ` +
              `\`${peer}\` ${ms(theirs.medianMs)}: ${ratio.toFixed(2)}× ${met ? 'faster' : 'slower'} ` +
              `(CPU time ${ms(mine.cpuMs)} vs ${ms(theirs.cpuMs)}: ${cpuRatio.toFixed(2)}×)`,
          },
        ];
      });
    }),
  );
}

export function renderReport(cells: readonly CellResult[], targets: readonly TargetResult[], facts: RunFacts): string {
  const names = [...new Set(cells.flatMap((cell) => cell.timings.map((timing) => timing.name)))];
  const header = `| command | ${cells.map((cell) => `${DIALECT_NAMES[cell.dialect]}, ${SCENARIO_NAMES[cell.scenario]}`).join(' | ')} |`;
  const rule = `| --- | ${cells.map(() => '---:').join(' | ')} |`;
  const rows = names.map((name) => {
    const values = cells.map((cell) => {
      const timing = cell.timings.find((candidate) => candidate.name === name);
      return timing ? `${ms(timing.medianMs)} ± ${ms(timing.stddevMs)} (CPU ${ms(timing.cpuMs)})` : '–';
    });
    return `| \`${name}\` | ${values.join(' | ')} |`;
  });
  const busy = `| CPUs busy while timing | ${cells.map((cell) => (cell.cpuBusy === undefined ? '?' : `${Math.round(cell.cpuBusy * 100)} %`)).join(' | ')} |`;
  return [
    `${facts.quick ? 'Quick run' : 'Full run'} of ${facts.date}: ${facts.tables} tables × 8 columns, median wall time of ${facts.runs} runs ` +
      '± standard deviation, and the mean CPU time (user + system) of the process.',
    '',
    header,
    rule,
    ...rows,
    busy,
    '',
    'Targets (issue 5: faster than both peers on each dialect):',
    '',
    ...targets.map((target) => `- ${target.line}`),
    '',
    `Machine: ${facts.machine}. ${facts.versions}. Commit ${facts.commit}.`,
  ].join('\n');
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}
