/** Issue 22's acceptance: ratios of medians from one run, and the fleet's peak RSS. */
import { mebibytes } from './measure.ts';
import type { Dialect } from './options.ts';
import { toolResult, type BenchRun } from './results.ts';

/** One target and how this run fared. */
export interface TargetResult {
  readonly target: string;
  /** How the figure is made. */
  readonly figure: string;
  readonly required: string;
  /** The figure, formatted; `undefined` when not measured. */
  readonly measured: string | undefined;
  readonly pass: boolean | undefined;
  /** The workload the figure comes from, e.g. `SQLite, 100 tenant files × 20` in a quick run. */
  readonly workload: string | undefined;
}

const FLEET = 'fleet';
/** Issue 22's ceiling for the fleet process's peak RSS at `--concurrency 16`. */
const RSS_LIMIT_MIB = 200;

interface RatioSpec {
  readonly target: string;
  readonly dialect: Dialect;
  readonly numerator: string;
  readonly denominator: string;
  readonly figure: string;
  readonly required: string;
  readonly passes: (ratio: number) => boolean;
}

const RATIOS: readonly RatioSpec[] = [
  {
    target: 'SQLite: the fleet ≥ 20× faster than a loop of Alembic processes',
    dialect: 'sqlite',
    numerator: 'alembic-loop',
    denominator: FLEET,
    figure: 'loop of alembic processes ÷ fleet, medians',
    required: '≥ 20×',
    passes: (ratio) => ratio >= 20,
  },
  {
    target: 'SQLite: the fleet ≥ 5× faster than a loop of cgmigrate processes',
    dialect: 'sqlite',
    numerator: 'cgmigrate-loop',
    denominator: FLEET,
    figure: 'loop of cgmigrate processes ÷ fleet, medians',
    required: '≥ 5×',
    passes: (ratio) => ratio >= 5,
  },
  {
    target: 'PostgreSQL schemas: the fleet within 2× the floor',
    dialect: 'postgresql',
    numerator: FLEET,
    denominator: 'floor-loop',
    figure: 'fleet ÷ floor (psql per schema), medians',
    required: '≤ 2×',
    passes: (ratio) => ratio <= 2,
  },
];

function ratioTarget(run: BenchRun, spec: RatioSpec): TargetResult {
  const top = toolResult(run, spec.dialect, spec.numerator);
  const bottom = toolResult(run, spec.dialect, spec.denominator);
  const figure = spec.figure;
  if (!top || !bottom || bottom.result.timing.medianMs <= 0) {
    return { target: spec.target, figure, required: spec.required, measured: undefined, pass: undefined, workload: (top ?? bottom)?.workload.spec.label };
  }
  const ratio = top.result.timing.medianMs / bottom.result.timing.medianMs;
  return { target: spec.target, figure, required: spec.required, measured: `${ratio.toFixed(2)}×`, pass: spec.passes(ratio), workload: top.workload.spec.label };
}

function rssTarget(run: BenchRun, dialect: Dialect, name: string): TargetResult {
  const fleet = toolResult(run, dialect, FLEET);
  const peak = fleet && fleet.result.rssKiB.length > 0 ? Math.max(...fleet.result.rssKiB) : undefined;
  return {
    target: `${name}: the fleet process's peak RSS at --concurrency 16 ≤ ${RSS_LIMIT_MIB} MiB`,
    figure: "GNU time's %M, the largest over the fleet's runs",
    required: `≤ ${RSS_LIMIT_MIB} MiB`,
    measured: peak === undefined ? undefined : `${mebibytes(peak)} MiB`,
    pass: peak === undefined ? undefined : peak / 1024 <= RSS_LIMIT_MIB,
    workload: fleet?.workload.spec.label,
  };
}

/** Every target, measured where this run has the figures. */
export function evaluateTargets(run: BenchRun): TargetResult[] {
  return [...RATIOS.map((spec) => ratioTarget(run, spec)), rssTarget(run, 'sqlite', 'SQLite'), rssTarget(run, 'postgresql', 'PostgreSQL schemas')];
}

/** `PASS`, `MISS` or `----` (not measured) and the target, one line each: what the terminal shows. */
export function targetLines(targets: readonly TargetResult[]): string[] {
  return targets.map((t) => {
    const verdict = t.pass === undefined ? '----' : t.pass ? 'PASS' : 'MISS';
    const measured = t.measured === undefined ? 'not measured' : `${t.measured} (required ${t.required}${t.workload ? `; ${t.workload}` : ''})`;
    return `${verdict}  ${t.target}: ${measured}`;
  });
}
